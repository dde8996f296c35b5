// Unit: what VS Code shows and sends for a pending approval — tooltip with the whole command / every path, Accept for this attempt, the user-only allow-list.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PendingQuestion } from '../../src/shared/model';
import { codeBlock, pendingTooltipLines } from '../../src/extension/viewModel/pendingView';
import { canAcceptForAttempt } from '../../src/extension/commands/answerModel';
import { allowedCommandPrefixes, launchOptions, supervisorSettings } from '../../src/extension/settingsModel';
import { parseWebviewMessage } from '../../src/shared/protocolGuards';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandIds } from '../../src/extension/commands/commandIds';

const long = `/bin/bash -lc "${'echo step && '.repeat(40)}cp x /var/tmp/y"`;
const command: PendingQuestion = {
  id: 'p1',
  kind: 'command',
  summary: 'run `echo step && …`',
  reason: 'copy out',
  command: long,
  cwd: '/wt/1',
  canAcceptForAttempt: true,
};

test('the tooltip carries the whole command, the reason and the cwd, unclipped', () => {
  const md = pendingTooltipLines(command).join('  \n');
  assert.ok(md.includes(`\`\`\`text\n${long}\n\`\`\``), 'the command in a code block, whole');
  assert.match(md, /Reason: copy out/);
  assert.match(md, /Cwd: `\/wt\/1`/);
  assert.match(md, /Accept once · Accept for this attempt · Decline/);
});

test('the tooltip lists every path of a patch; none named reads as outside', () => {
  const paths = Array.from({ length: 30 }, (_, i) => `/wt/1/src/file-${i}.ts`).concat('/etc/hosts');
  const md = pendingTooltipLines({
    id: 'p2',
    kind: 'fileChange',
    summary: 'change 31 files',
    reason: null,
    paths,
  }).join('\n');
  for (const p of paths) assert.ok(md.includes(`- \`${p}\``), p);
  assert.match(
    pendingTooltipLines({ id: 'p3', kind: 'fileChange', summary: 'apply a patch', reason: null, paths: [] }).join('\n'),
    /treated as outside/,
  );
});

test('a code block is not closed early by backticks in the command', () => {
  const block = codeBlock('echo ```; rm x');
  assert.ok(block.startsWith('````text\n') && block.endsWith('\n````'));
});

test('Accept for this attempt: offered for approvals Codex takes it for, never for a question', () => {
  assert.equal(canAcceptForAttempt(command), true);
  assert.equal(canAcceptForAttempt({ ...command, canAcceptForAttempt: false }), false);
  assert.equal(canAcceptForAttempt({ id: 'q', kind: 'userInput', summary: 'Which?', reason: null }), false);
  assert.equal(canAcceptForAttempt(null), false);
});

test('the allow-list comes from the user reader only; non-plain entries are set aside', () => {
  const workspace = (k: string): unknown => (k === 'approvals.allowedCommandPrefixes' ? ['rm -rf'] : undefined);
  const user = (k: string): unknown =>
    k === 'approvals.allowedCommandPrefixes' ? ['npm ci', ' git status ', 'npm ci; rm -rf ~', 7] : undefined;
  assert.deepEqual(supervisorSettings(workspace).allowedCommandPrefixes, [], 'a workspace value never counts');
  assert.deepEqual(supervisorSettings(workspace, () => true, user).allowedCommandPrefixes, ['npm ci', 'git status']);
  assert.deepEqual(allowedCommandPrefixes(user).invalid, ['npm ci; rm -rf ~']);
  assert.equal(
    launchOptions((k) => (k === 'autoApprove' ? 'worktree' : undefined)).autoApprove,
    'patches-in-worktree',
    'the old value still works',
  );
});

test('the panel may send acceptForSession, and nothing else new', () => {
  const msg = (decision: string): unknown => ({
    type: 'attempt/question/answer',
    id: 1,
    params: { attemptId: 't-aaaaaaaaaaaa-1', pendingId: 'p1', decision },
  });
  assert.equal(parseWebviewMessage(msg('acceptForSession')).ok, true);
  assert.equal(parseWebviewMessage(msg('approved_for_session')).ok, false);
});

test('package.json: Accept Once / Accept for This Attempt / Decline on a needs-you row and in the palette; the allow-list is application-scoped', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: {
      commands: { command: string; title: string }[];
      menus: Record<string, { command: string; when?: string; group?: string }[]>;
      configuration: {
        properties: Record<string, { scope?: string; type?: string; enum?: string[]; default?: unknown }>;
      };
    };
  };
  const title = (id: string): string | undefined => pkg.contributes.commands.find((c) => c.command === id)?.title;
  assert.deepEqual(
    [title(CommandIds.acceptRequest), title(CommandIds.acceptRequestForAttempt), title(CommandIds.declineRequest)],
    ['Accept Once', 'Accept for This Attempt', 'Decline'],
  );
  const row = (pkg.contributes.menus['view/item/context'] ?? []).filter((m) => m.group?.startsWith('1_answer'));
  assert.deepEqual(
    row.map((m) => m.command),
    [
      CommandIds.acceptRequest,
      CommandIds.acceptRequestForAttempt,
      CommandIds.declineRequest,
      CommandIds.answerQuestion,
    ],
  );
  for (const m of row) assert.match(m.when ?? '', /needsYou/);
  assert.equal(
    pkg.contributes.menus.commandPalette?.find((m) => m.command === CommandIds.acceptRequestForAttempt)?.when,
    'quartet.needsYou',
  );
  const props = pkg.contributes.configuration.properties;
  assert.equal(props['quartet.approvals.allowedCommandPrefixes']?.scope, 'application');
  assert.deepEqual(props['quartet.approvals.allowedCommandPrefixes']?.default, []);
  assert.equal(props['quartet.autoApprove']?.default, 'patches-in-worktree');
  assert.ok(props['quartet.autoApprove']?.enum?.includes('worktree'), 'the old value stays valid');
});
