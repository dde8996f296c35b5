// Unit: the resolve prompt and marker detection, the demo model's resolve turn (its sed really resolves), who can be resolved.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESOLVE_HEADING, markerLines, resolveCommitMessage, resolvePrompt } from '../../src/core/policy/resolvePrompt';
import { conflictedFiles, currentPrompt, resolveCommand, resolveReply } from '../../demo/resolveScenario';
import { CHECK_COMMAND, shortId } from '../../demo/demoScript';
import { attemptContextValue, isResolvable } from '../../src/extension/viewModel/contextValue';
import { resolveProblem } from '../../src/core/land/resolve';
import { ATTEMPT_EXTRAS, ZERO_TOKENS } from '../../src/shared/model';
import { DEFAULT_LAUNCH_OPTIONS } from '../../src/core/contract/launch';
import type { AttemptRecord, TaskRecord } from '../../src/core/orchestrator/records';

const FILES = ['notes/shared.md', "it's odd.txt"];
const prompt = resolvePrompt({
  files: FILES,
  baseRef: 'main',
  baseCommit: '0123456789abcdef',
  branch: 'quartet/k/2',
  checkCommand: 'npm test',
});
const user = (text: string): unknown => ({ type: 'message', role: 'user', content: [{ type: 'input_text', text }] });
const output = (n: number): unknown[] =>
  Array.from({ length: n }, (_, i) => ({ type: 'function_call_output', call_id: `c${i}`, output: 'ok' }));

test('the resolve prompt names the files, the base and the checks, and asks to keep both intents', () => {
  const lines = prompt.split('\n');
  assert.equal(lines[0], RESOLVE_HEADING);
  assert.deepEqual(lines.slice(1, 3), ['- notes/shared.md', "- it's odd.txt"]);
  assert.match(prompt, /merged `main` \(01234567\) into your branch `quartet\/k\/2`/);
  assert.match(prompt, /both intents are kept/);
  assert.match(prompt, /run the checks \(`npm test`\)/);
  assert.doesNotMatch(prompt, /quartet-demo/, 'no test markers in the product prompt');
  assert.match(
    resolvePrompt({ files: ['a'], baseRef: 'dev', baseCommit: 'x', branch: 'b', checkCommand: null }),
    /project's checks/,
  );
  assert.match(
    resolveCommitMessage('main', 'quartet/k/2', ['a.txt'], 't-1-2'),
    /^Merge main into quartet\/k\/2\n\n[\s\S]*- a\.txt\n\nQuartet-Attempt: t-1-2\n$/,
  );
});

test('markerLines: start and end markers only (a setext heading underline is not a conflict)', () => {
  assert.deepEqual(markerLines('a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\r\nd'), [2, 6]);
  assert.deepEqual(markerLines('Title\n=======\n\n<<<<<<<< eight\n>>>>>>>x'), []);
  assert.deepEqual(markerLines('<<<<<<<\n'), [1]);
});

test('demo model: recognizes the product prompt (past Codex context), resolves with sed, then checks, then answers', () => {
  const history = [
    user('Add a note. You are attempt 1 of 1'),
    ...output(4),
    user('<environment_context>cwd</environment_context>'),
    user(prompt),
  ];
  assert.equal(currentPrompt(history), prompt);
  assert.equal(
    currentPrompt([user(prompt), user('<environment_context/>')]),
    prompt,
    'context Codex adds after the prompt does not hide it',
  );
  assert.deepEqual(conflictedFiles(prompt), FILES);
  assert.equal(conflictedFiles('Add a note.'), null);
  assert.equal(
    resolveReply([user('Add a note.')], 'default', 'th'),
    null,
    'not a resolve turn: the scenario script answers',
  );
  const first = resolveReply(history, 'default', 'th');
  assert.deepEqual(first, { kind: 'exec', cmd: resolveCommand(FILES) });
  assert.deepEqual(resolveReply([...history, ...output(1)], 'default', 'th'), { kind: 'exec', cmd: CHECK_COMMAND });
  const final = resolveReply([...history, ...output(2)], 'shared-file', 'th');
  assert.equal(final?.kind, 'message');
  assert.match(final?.kind === 'message' ? final.text : '', new RegExp(`^Resolve merge conflicts ${shortId('th')}\\n`));
  // keep-markers: looks, claims success, changes nothing.
  assert.deepEqual(resolveReply(history, 'keep-markers', 'th'), { kind: 'exec', cmd: 'git status --short' });
  assert.equal(resolveReply([...history, ...output(1)], 'keep-markers', 'th')?.kind, 'message');
});

test('demo model: its sed keeps both sides of two-way and diff3 conflicts and leaves no marker', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-sed-'));
  try {
    writeFileSync(join(dir, 'notes.md'), '# Note\n\n<<<<<<< HEAD\nmine\n=======\ntheirs\n>>>>>>> main\nend\n');
    writeFileSync(join(dir, "it's.txt"), '<<<<<<< ours\na\n||||||| base\nold\n=======\nb\n>>>>>>> theirs\n');
    execFileSync('sh', ['-c', resolveCommand(['notes.md', "it's.txt"])], { cwd: dir });
    assert.equal(readFileSync(join(dir, 'notes.md'), 'utf8'), '# Note\n\nmine\ntheirs\nend\n');
    assert.equal(readFileSync(join(dir, "it's.txt"), 'utf8'), 'a\nb\n');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

function rec(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: 't-1-1',
    taskId: 't-1',
    index: 1,
    branch: 'quartet/k/1',
    worktree: '/w',
    base: 'b',
    phase: 'finished',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    tokensByThread: {},
    startedAt: null,
    endedAt: null,
    lastEvent: null,
    lastEventAt: null,
    lastError: null,
    journal: '/j',
    threadId: 'th',
    threadIds: ['th'],
    model: null,
    modelProvider: null,
    demoModel: false,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: 'c',
    filesChanged: 1,
    ...ATTEMPT_EXTRAS,
    ...over,
  };
}

test('who can be resolved: the core refuses with a reason, the tree offers it only where it applies', () => {
  const task = (over: Partial<TaskRecord> = {}): TaskRecord => ({
    id: 't-1',
    key: 'k',
    title: 'T',
    prompt: 'p',
    createdAt: 'x',
    state: 'open',
    baseRef: 'main',
    baseCommit: 'b',
    options: DEFAULT_LAUNCH_OPTIONS,
    recommended: null,
    landing: null,
    attempts: [],
    ...over,
  });
  assert.equal(resolveProblem(rec(), task()), null);
  assert.match(resolveProblem(rec({ threadId: null }), task()) ?? '', /no Codex thread.*rework/);
  assert.match(
    resolveProblem(rec({ phase: 'failed', resultCommit: null }), task()) ?? '',
    /is failed with no committed result/,
  );
  assert.match(resolveProblem(rec(), task({ state: 'landed' })) ?? '', /already landed/);
  assert.match(
    resolveProblem(
      rec(),
      task({
        landing: { attemptId: 'x', step: 'merge', status: 'running', message: '', steps: [], conflictFiles: [] },
      }),
    ) ?? '',
    /already running/,
  );

  const conflicts = { withBase: true, files: ['a'], withAttempts: [] };
  assert.equal(isResolvable(rec({ conflicts }), false), true);
  assert.equal(isResolvable(rec({ conflicts }), true), false, 'the task already landed');
  assert.equal(isResolvable(rec({ conflicts: { ...conflicts, withBase: false } }), false), false);
  assert.equal(isResolvable(rec({ conflicts, threadId: null }), false), false);
  assert.equal(
    attemptContextValue({ phase: 'finished', resultCommit: 'c', threadId: 'th', conflicts }, true),
    'quartet.attempt.ended.landable.resolvable.reworkable.worktree',
  );
  const menu = /^quartet\.attempt\..*\.resolvable\b/;
  assert.ok(menu.test('quartet.attempt.ended.landable.resolvable.reworkable.worktree'));
  assert.ok(
    !menu.test(attemptContextValue({ phase: 'finished', resultCommit: 'c', threadId: 'th', conflicts: null }, true)),
  );
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { menus: Record<string, { command: string; when?: string }[]> };
  };
  const item = pkg.contributes.menus['view/item/context']?.find((m) => m.command === 'quartet.resolveWithAgent');
  assert.match(item?.when ?? '', /\.resolvable/, 'package.json offers it on .resolvable rows');
});
