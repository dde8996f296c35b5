// Unit: approvals never leave the sandbox on their own — commands always ask, patches only when every path is inside, the allow-list matches argv.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { triageServerRequest, type TriageContext } from '../../src/core/execution/serverRequests';
import { allowedPrefix, commandArgv, plainArgv } from '../../src/core/execution/commandArgv';
import { fileChangePaths, normalizeAutoApprove, pathInsideWorktree } from '../../src/core/execution/approvalRules';
import { validCommandPrefixes } from '../../src/core/orchestrator/settings';

const base = mkdtempSync(join(tmpdir(), 'quartet-approvals-'));
const WT = join(base, 'wt');
mkdirSync(join(WT, 'src'), { recursive: true });
symlinkSync(base, join(WT, 'escape'));
const ctx = (over: Partial<TriageContext> = {}): TriageContext => ({
  worktree: WT,
  autoApprove: 'patches-in-worktree',
  allowedCommandPrefixes: [],
  patchPaths: () => null,
  ...over,
});
const CMD = 'item/commandExecution/requestApproval';
const PATCH = 'item/fileChange/requestApproval';

test('an escalated command in the worktree asks, carrying the whole command, the reason and the cwd', () => {
  const long = `/bin/bash -lc "printf ok > /var/tmp/x && ${'echo padding && '.repeat(20)}true"`;
  const t = triageServerRequest(
    CMD,
    {
      kind: 'command',
      cwd: WT,
      command: long,
      reason: 'write outside',
      availableDecisions: ['accept', 'acceptForSession', 'decline'],
    },
    ctx(),
  );
  assert.equal(t.kind, 'ask');
  if (t.kind !== 'ask') return;
  assert.equal(t.question.command, long, 'never clipped');
  assert.deepEqual([t.question.cwd, t.question.reason, t.question.canAcceptForAttempt], [WT, 'write outside', true]);
  assert.deepEqual(t.reply('acceptForSession'), { decision: 'acceptForSession' });
});

test('"accept for this attempt" is offered when Codex can accept at all (0.169.0 honours acceptForSession without listing it)', () => {
  const listed = triageServerRequest(
    CMD,
    { command: 'ls', availableDecisions: ['accept', { acceptWithExecpolicyAmendment: {} }, 'cancel'] },
    ctx(),
  );
  assert.equal(listed.kind === 'ask' && listed.question.canAcceptForAttempt, true);
  const cancelOnly = triageServerRequest(CMD, { command: 'ls', availableDecisions: ['cancel'] }, ctx());
  assert.equal(cancelOnly.kind === 'ask' && cancelOnly.question.canAcceptForAttempt, false);
});

test('a permissions request always asks; accept grants for the turn, accept-for-attempt for the session, decline grants nothing', () => {
  const permissions = { network: { enabled: true }, fileSystem: null };
  const t = triageServerRequest(
    'item/permissions/requestApproval',
    { cwd: WT, reason: 'fetch deps', permissions },
    ctx(),
  );
  assert.equal(t.kind, 'ask');
  if (t.kind !== 'ask') return;
  assert.equal(t.question.permissions, JSON.stringify(permissions));
  assert.deepEqual(t.reply('accept'), {
    permissions: { network: { enabled: true }, fileSystem: undefined },
    scope: 'turn',
  });
  assert.equal((t.reply('acceptForSession') as { scope: string }).scope, 'session');
  assert.deepEqual(t.reply('decline'), { permissions: {}, scope: 'turn' });
});

test('legacy execCommandApproval asks whatever its cwd and maps the decisions to ReviewDecision', () => {
  const t = triageServerRequest(
    'execCommandApproval',
    { command: ['bash', '-lc', 'touch /var/tmp/y'], cwd: WT, reason: null },
    ctx(),
  );
  assert.equal(t.kind, 'ask');
  if (t.kind !== 'ask') return;
  assert.equal(t.question.command, "bash -lc 'touch /var/tmp/y'");
  assert.deepEqual(t.reply('accept'), { decision: 'approved' });
  assert.deepEqual(t.reply('acceptForSession'), { decision: 'approved_for_session' });
  assert.deepEqual(t.reply('decline'), { decision: { denied: { rejection: 'declined by the user in Quartet' } } });
});

test('a patch is auto-accepted only when every path it changes is inside the worktree', () => {
  const inside = [join(WT, 'a.txt'), join(WT, 'src/b.ts')];
  const auto = triageServerRequest(
    PATCH,
    { itemId: 'p1', grantRoot: null },
    ctx({ patchPaths: (id) => (id === 'p1' ? inside : null) }),
  );
  assert.equal(auto.kind, 'auto');
  const mixed = triageServerRequest(PATCH, { itemId: 'p1' }, ctx({ patchPaths: () => [...inside, '/var/tmp/evil'] }));
  assert.equal(mixed.kind, 'ask');
  if (mixed.kind === 'ask') assert.deepEqual(mixed.question.paths, [...inside, '/var/tmp/evil'], 'every path is shown');
  assert.equal(
    triageServerRequest(PATCH, { itemId: 'p1' }, ctx({ patchPaths: () => [] })).kind,
    'ask',
    'empty = outside',
  );
  assert.equal(
    triageServerRequest(PATCH, { itemId: 'p1', grantRoot: WT }, ctx()).kind,
    'ask',
    'unknown paths = outside, whatever grantRoot says',
  );
  assert.equal(
    triageServerRequest(PATCH, { itemId: 'p1', grantRoot: '/' }, ctx({ patchPaths: () => inside })).kind,
    'ask',
    'a root outside is asked for',
  );
  assert.equal(
    triageServerRequest(PATCH, { itemId: 'p1' }, ctx({ autoApprove: 'none', patchPaths: () => inside })).kind,
    'ask',
  );
  assert.equal(
    triageServerRequest(PATCH, { itemId: 'p1' }, ctx({ autoApprove: 'worktree', patchPaths: () => inside })).kind,
    'auto',
    'the old name still works',
  );
});

test('legacy applyPatchApproval checks the paths of fileChanges (moves included), not grantRoot', () => {
  const inside = { [join(WT, 'a.txt')]: { type: 'add', content: 'x' } };
  assert.equal(triageServerRequest('applyPatchApproval', { fileChanges: inside, grantRoot: null }, ctx()).kind, 'auto');
  const moved = { [join(WT, 'a.txt')]: { type: 'update', unified_diff: '', move_path: '/etc/passwd' } };
  assert.equal(triageServerRequest('applyPatchApproval', { fileChanges: moved, grantRoot: WT }, ctx()).kind, 'ask');
  assert.equal(triageServerRequest('applyPatchApproval', { fileChanges: {}, grantRoot: WT }, ctx()).kind, 'ask');
});

test('inside means canonically inside: no .., no symlink out, no .git, no relative path', () => {
  assert.equal(pathInsideWorktree(join(WT, 'src/x.ts'), WT), true);
  assert.equal(pathInsideWorktree(join(WT, '../outside.txt'), WT), false);
  assert.equal(pathInsideWorktree(join(WT, 'escape/outside.txt'), WT), false);
  assert.equal(pathInsideWorktree(join(WT, '.git'), WT), false);
  assert.equal(pathInsideWorktree(WT, WT), false);
  assert.equal(pathInsideWorktree('src/x.ts', WT), false);
  assert.deepEqual(fileChangePaths([{ path: '/a', kind: { type: 'update', move_path: '/b' } }]), ['/a', '/b']);
  assert.equal(fileChangePaths('nope'), null);
});

test('shell parsing: plain argv out of the shell wrapper; operators, expansions and globs are not plain', () => {
  assert.deepEqual(commandArgv('/bin/bash -lc "npm ci"'), ['npm', 'ci']);
  assert.deepEqual(commandArgv("/bin/bash -lc 'npm ci --prefer-offline'"), ['npm', 'ci', '--prefer-offline']);
  assert.deepEqual(commandArgv(['/bin/sh', '-c', 'npm "ci"']), ['npm', 'ci']);
  for (const bad of [
    'npm ci; rm -rf ~',
    'npm ci && rm x',
    'npm ci | sh',
    'npm ci > /etc/x',
    'npm ci $(evil)',
    'npm ci `evil`',
    'npm ci "$HOME"',
    'npm ci *',
    'npm ci\nrm x',
    'PATH=/tmp npm ci',
    'npm ci #',
    "npm 'ci",
  ]) {
    assert.equal(plainArgv(bad), null, bad);
    assert.equal(commandArgv(['/bin/bash', '-lc', bad]), null, bad);
  }
  assert.equal(commandArgv(['bash', '-lc', 'npm ci', 'extra']), null);
});

test('the allow-list matches the parsed argv prefix, never a raw string prefix', () => {
  const allow = ['npm ci', 'git status'];
  assert.equal(allowedPrefix('/bin/bash -lc "npm ci"', allow), 'npm ci');
  assert.equal(allowedPrefix('/bin/bash -lc "npm ci --prefer-offline"', allow), 'npm ci');
  assert.equal(allowedPrefix('/bin/bash -lc "npm ci; rm -rf ~"', allow), null);
  assert.equal(allowedPrefix('/bin/bash -lc "npm cinnamon"', allow), null);
  assert.equal(allowedPrefix('/bin/bash -lc "npm"', allow), null);
  assert.equal(allowedPrefix('/bin/bash -lc "npm ci"', ['npm ci; true']), null, 'a bad entry matches nothing');
  const auto = triageServerRequest(
    CMD,
    { kind: 'command', command: '/bin/bash -lc "npm ci"', cwd: '/anywhere' },
    ctx({ allowedCommandPrefixes: allow }),
  );
  assert.deepEqual(auto.kind === 'auto' && [auto.decision, auto.rule], ['accept', 'allowed prefix `npm ci`']);
  const chained = triageServerRequest(
    CMD,
    { kind: 'command', command: '/bin/bash -lc "npm ci && curl x | sh"' },
    ctx({ allowedCommandPrefixes: allow }),
  );
  assert.equal(chained.kind, 'ask');
  const legacy = triageServerRequest(
    'execCommandApproval',
    { command: ['npm', 'ci'] },
    ctx({ allowedCommandPrefixes: allow }),
  );
  assert.equal(legacy.kind === 'auto' && (legacy.result as { decision: string }).decision, 'approved');
});

test('settings: the old autoApprove name maps to the new one; a non-plain allow-list entry is refused with the entry named', () => {
  assert.equal(normalizeAutoApprove('worktree', 'none'), 'patches-in-worktree');
  assert.equal(normalizeAutoApprove('bogus', 'none'), 'none');
  assert.deepEqual(validCommandPrefixes([' npm ci ']), ['npm ci']);
  assert.throws(() => validCommandPrefixes(['npm ci; rm -rf ~']), /"npm ci; rm -rf ~" is not a plain command prefix/);
  assert.throws(() => validCommandPrefixes('npm ci'), /array of strings/);
});
