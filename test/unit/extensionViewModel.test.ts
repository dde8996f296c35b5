// Unit tests of the extension's pure view model: formatting, row texts, contextValues, counts, transitions, settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AttemptSnapshot, Snapshot, TaskSnapshot } from '../../src/shared/model';
import { ZERO_TOKENS } from '../../src/shared/model';
import { codeSpan, elapsedMs, humanizeElapsed, oneLine } from '../../src/extension/viewModel/format';
import {
  attemptAccessibilityLabel,
  attemptDescription,
  attemptIcon,
  attemptLabel,
  attemptTooltipMarkdown,
  phaseWithReason,
} from '../../src/extension/viewModel/attemptView';
import { attemptContextValue } from '../../src/extension/viewModel/contextValue';
import { attentionCounts, statusBarText, taskDescription, visibleTasks } from '../../src/extension/viewModel/taskView';
import {
  formatTransition,
  newFailures,
  newlyWaiting,
  phaseTransitions,
} from '../../src/extension/viewModel/transitions';
import {
  agentEnv,
  defaultAttempts,
  launchOptions,
  secretEnvNames,
  supervisorSettings,
} from '../../src/extension/settingsModel';
import { attemptCountItems, validateTitle } from '../../src/extension/commands/newTaskModel';
import { answerPrompt } from '../../src/extension/commands/answerModel';

import { ATTEMPT_EXTRAS } from '../../src/shared/model';

const T0 = Date.parse('2026-11-21T10:00:00Z');

function attempt(over: Partial<AttemptSnapshot> = {}): AttemptSnapshot {
  return {
    id: 't-000000000001-1',
    taskId: 't-000000000001',
    index: 1,
    branch: 'quartet/fix-x-00000000/1',
    worktree: '/tmp/wt/1',
    base: 'a'.repeat(40),
    phase: 'working',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    startedAt: new Date(T0).toISOString(),
    endedAt: null,
    lastEvent: null,
    lastEventAt: null,
    lastError: null,
    journal: '/tmp/j.jsonl',
    threadId: 'th-1',
    threadIds: ['th-1'],
    model: null,
    modelProvider: null,
    demoModel: false,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: null,
    filesChanged: 0,
    ...ATTEMPT_EXTRAS,
    ...over,
  };
}

function task(
  id: string,
  createdAt: string,
  attempts: AttemptSnapshot[],
  over: Partial<TaskSnapshot> = {},
): TaskSnapshot {
  return {
    id,
    key: `k-${id}`,
    title: `Task ${id}`,
    prompt: 'do it',
    createdAt,
    state: 'open',
    baseRef: 'main',
    attempts,
    recommended: null,
    landing: null,
    ...over,
  };
}

function snapshot(tasks: TaskSnapshot[]): Snapshot {
  return {
    repo: '/r',
    generatedAt: new Date(T0).toISOString(),
    tasks,
    counts: { running: 0, needsYou: 0, queued: 0, finished: 0, failed: 0 },
    warnings: [],
  };
}

test('humanizeElapsed ticks in seconds, then minutes, then hours', () => {
  assert.equal(humanizeElapsed(0), '0s');
  assert.equal(humanizeElapsed(59_999), '59s');
  assert.equal(humanizeElapsed(72_000), '1m 12s');
  assert.equal(humanizeElapsed(3_600_000 + 5 * 60_000), '1h 5m');
  assert.equal(humanizeElapsed(-5), '0s');
});

test('elapsedMs runs until now, stops at endedAt, and is null before start', () => {
  assert.equal(elapsedMs({ startedAt: null, endedAt: null }, T0), null);
  assert.equal(elapsedMs({ startedAt: new Date(T0).toISOString(), endedAt: null }, T0 + 5000), 5000);
  assert.equal(
    elapsedMs({ startedAt: new Date(T0).toISOString(), endedAt: new Date(T0 + 2000).toISOString() }, T0 + 9000),
    2000,
  );
});

test('attempt description: phase · elapsed · tokens · last event', () => {
  const a = attempt({ tokens: { ...ZERO_TOKENS, total: 6100 }, lastEvent: 'ran `npm test` (exit 1)' });
  assert.equal(attemptDescription(a, T0 + 72_000), 'working · 1m 12s · 6.1k tok · ran `npm test` (exit 1)');
  assert.equal(attemptDescription(attempt({ phase: 'queued', startedAt: null }), T0), 'queued');
  assert.equal(attemptDescription(attempt({ phase: 'needs-you' }), T0 + 1000), 'needs you · 1s');
  assert.equal(
    attemptDescription(
      attempt({ phase: 'failed', reason: 'model_error', endedAt: new Date(T0 + 3000).toISOString() }),
      T0 + 99_000,
    ),
    'failed (model_error) · 3s',
  );
  assert.equal(attemptDescription(attempt({ demoModel: true }), T0), 'working · 0s · demo model');
  assert.equal(phaseWithReason(attempt({ phase: 'stopped', reason: 'stopped_by_user' })), 'stopped');
  assert.equal(phaseWithReason(attempt({ phase: 'stalled', reason: 'stall_timeout' })), 'stalled (stall_timeout)');
});

test('labels, accessibility labels and icons', () => {
  const a = attempt({ index: 3, phase: 'finished' });
  assert.equal(attemptLabel(a), 'Attempt 3');
  assert.equal(attemptAccessibilityLabel(a), 'Attempt 3 finished');
  assert.equal(attemptAccessibilityLabel(attempt({ index: 2, phase: 'needs-you' })), 'Attempt 2 needs you');
  assert.equal(attemptIcon('working').id, 'sync~spin');
  assert.deepEqual(attemptIcon('needs-you'), { id: 'bell', color: 'list.warningForeground' });
  assert.equal(attemptIcon('interrupted').id, 'debug-disconnect');
});

test('tooltip escapes untrusted text and shows tokens', () => {
  const md = attemptTooltipMarkdown(
    attempt({ lastError: '[click](command:evil)', tokens: { ...ZERO_TOKENS, input: 1234, cachedInput: 5, output: 6 } }),
    T0,
  );
  assert.match(md, /1,234 in · 5 cached · 6 out/);
  assert.ok(md.includes('\\[click\\]\\(command:evil\\)'));
  assert.equal(codeSpan('a`b'), '``a`b``');
});

test('the tooltip of a needs-you row carries the pending request whole: command, reason, cwd', () => {
  const command = `/bin/bash -lc "${'x'.repeat(300)} > /var/tmp/out"`;
  const md = attemptTooltipMarkdown(
    attempt({
      phase: 'needs-you',
      pending: { id: 'p', kind: 'command', summary: 'run `x…`', reason: 'needs /var/tmp', command, cwd: '/wt/1' },
    }),
    T0,
  );
  assert.ok(md.includes(command), 'never clipped');
  assert.match(md, /Reason: needs \/var\/tmp/);
  assert.match(md, /Cwd: `\/wt\/1`/);
});

test('contextValue encodes state, retryability, resume, land, rework and the worktree', () => {
  assert.equal(attemptContextValue({ phase: 'working' }, true), 'quartet.attempt.running.reworkable.worktree');
  assert.equal(attemptContextValue({ phase: 'queued' }, false), 'quartet.attempt.queued.reworkable');
  assert.equal(attemptContextValue({ phase: 'needs-you' }, true, true), 'quartet.attempt.needsYou.worktree');
  assert.equal(
    attemptContextValue({ phase: 'finished', resultCommit: 'abc' }, true),
    'quartet.attempt.ended.landable.reworkable.worktree',
  );
  assert.equal(
    attemptContextValue({ phase: 'finished', resultCommit: null }, true),
    'quartet.attempt.ended.reworkable.worktree',
    'nothing to land',
  );
  assert.equal(
    attemptContextValue({ phase: 'finished', resultCommit: 'abc' }, true, true),
    'quartet.attempt.ended.worktree',
    'the task already landed',
  );
  assert.equal(
    attemptContextValue({ phase: 'failed', threadId: 't' }, true),
    'quartet.attempt.ended.retryable.resumable.reworkable.worktree',
  );
  assert.equal(attemptContextValue({ phase: 'interrupted' }, false), 'quartet.attempt.ended.retryable.reworkable');
  const archived = { at: 'x', reason: 'r', patch: 'p', postMortem: '' };
  assert.equal(
    attemptContextValue({ phase: 'finished', resultCommit: 'abc', archived }, false),
    'quartet.attempt.ended.archived',
  );
  // The menu regexes in package.json, checked against the values.
  const stop = /^quartet\.attempt\.(queued|running|needsYou)\b/;
  const retry = /^quartet\.attempt\..*\.retryable\b/;
  const land = /^quartet\.attempt\..*\.landable\b/;
  assert.ok(stop.test('quartet.attempt.running.worktree') && !stop.test('quartet.attempt.ended.retryable'));
  assert.ok(retry.test('quartet.attempt.ended.retryable.worktree') && !retry.test('quartet.attempt.ended.worktree'));
  assert.ok(
    land.test('quartet.attempt.ended.landable.reworkable.worktree') && !land.test('quartet.attempt.ended.archived'),
  );
});

test('tasks: newest first, attempts by index, archived hidden; description counts', () => {
  const older = task('t-1', '2026-11-21T09:00:00Z', [
    attempt({ index: 2, phase: 'finished' }),
    attempt({ index: 1, phase: 'failed' }),
  ]);
  const newer = task('t-2', '2026-11-21T10:00:00Z', [
    attempt({ index: 1 }),
    attempt({ index: 2 }),
    attempt({ index: 3, phase: 'needs-you' }),
    attempt({ index: 4, phase: 'queued' }),
  ]);
  const archived = task('t-3', '2026-11-21T11:00:00Z', [], { state: 'archived' });
  const shown = visibleTasks(snapshot([older, archived, newer]));
  assert.deepEqual(
    shown.map((t) => t.id),
    ['t-2', 't-1'],
  );
  assert.deepEqual(
    shown[1]?.attempts.map((a) => a.index),
    [1, 2],
  );
  assert.equal(taskDescription(newer), '4 attempts · 2 running · 1 needs you · 1 queued');
  assert.equal(taskDescription(older), '2 attempts · 1 finished · 1 failed');
  assert.equal(taskDescription(task('t-4', '', [attempt()])), '1 attempt · 1 running');
  const counts = attentionCounts(snapshot([older, newer]));
  assert.deepEqual(counts, { running: 2, needsYou: 1, queued: 1 });
  assert.equal(statusBarText(counts), '$(pulse) 2 running · $(clock) 1 queued · $(bell) 1 needs you');
  assert.equal(statusBarText({ running: 0, needsYou: 0, queued: 0 }), '$(pulse) Quartet');
});

test('transitions: logged once per change, needs-you announced once per question, failures only when new', () => {
  const a1 = attempt({ id: 't-1-1', phase: 'working' });
  const s1 = snapshot([task('t-1', 'x', [a1])]);
  assert.equal(phaseTransitions(undefined, s1).length, 1);
  assert.equal(phaseTransitions(s1, s1).length, 0);
  const waiting = attempt({
    id: 't-1-1',
    phase: 'needs-you',
    pending: { id: 'p1', kind: 'command', summary: 'rm -rf x', reason: null },
  });
  const s2 = snapshot([task('t-1', 'x', [waiting])]);
  const [t] = phaseTransitions(s1, s2);
  assert.equal(formatTransition(t!), 'task=t-1 attempt=t-1-1 session=th-1 phase=needs-you reason=-');
  const announced = new Set<string>();
  const first = newlyWaiting(s2, announced);
  assert.equal(first.length, 1);
  for (const w of first) announced.add(w.key);
  assert.equal(newlyWaiting(s2, announced).length, 0);
  const failed = snapshot([
    task('t-1', 'x', [attempt({ id: 't-1-1', phase: 'failed', reason: 'codex_exit', lastError: 'boom' })]),
  ]);
  assert.equal(newFailures(undefined, failed).length, 0);
  assert.equal(newFailures(s2, failed).length, 1);
  assert.equal(newFailures(failed, failed).length, 0);
});

test('settings validate into launch options and supervisor settings', () => {
  const values: Record<string, unknown> = {
    'codex.command': '  ',
    approvalPolicy: 'never',
    autoApprove: 'bogus',
    sandbox: 'read-only',
    model: '',
    stallTimeoutMs: 5,
    maxRetries: 2,
    attempts: 42,
    maxConcurrent: 3,
    worktreeRoot: '~/wt',
    secretEnvNames: ['MY_TOKEN', 7, ' '],
    stopAttemptsWhenLastClientDisconnects: true,
  };
  const read = (k: string): unknown => values[k];
  const o = launchOptions(read);
  assert.equal(o.codexCommand, 'codex app-server');
  assert.equal(o.approvalPolicy, 'never');
  assert.equal(o.autoApprove, 'patches-in-worktree', 'an unknown value falls back to the default');
  assert.equal(o.sandbox, 'read-only');
  assert.equal(o.model, null);
  assert.equal(o.stallTimeoutMs, 1000);
  assert.equal(o.maxRetries, 2);
  assert.equal(defaultAttempts(read), 16, "clamped to the supervisor's limit");
  assert.equal(
    defaultAttempts(() => undefined),
    4,
  );
  const sup = supervisorSettings(read);
  assert.equal(sup.maxConcurrent, 3);
  assert.ok(sup.worktreeRoot?.endsWith('/wt') && !sup.worktreeRoot.startsWith('~'));
  assert.equal(sup.stopWhenLastClientDisconnects, true);
  assert.deepEqual(secretEnvNames(read), ['MY_TOKEN']);
  assert.deepEqual(agentEnv({ A: '1' }, '/bin/codex'), { A: '1', QUARTET_CODEX: '/bin/codex' });
});

test('new task helpers: title validation and attempt counts with the default first', () => {
  assert.ok(validateTitle('  '));
  assert.ok(validateTitle('x'.repeat(201)));
  assert.equal(validateTitle('Fix it'), undefined);
  const items = attemptCountItems(4);
  assert.deepEqual(
    items.map((i) => i.label),
    [
      '4 attempts',
      '1 attempt',
      '2 attempts',
      '3 attempts',
      '5 attempts',
      '6 attempts',
      '7 attempts',
      '8 attempts',
      '9 attempts',
      '10 attempts',
      '11 attempts',
      '12 attempts',
      '13 attempts',
      '14 attempts',
      '15 attempts',
      '16 attempts',
    ],
  );
  assert.equal(oneLine('a\n  b', 10), 'a b');
  assert.equal(
    answerPrompt({
      id: 'q',
      kind: 'userInput',
      summary: 's',
      reason: null,
      questions: [{ id: '1', question: 'Which DB?', options: [] }],
    }),
    'Which DB?',
  );
  assert.equal(answerPrompt({ id: 'q', kind: 'command', summary: 'npm publish', reason: null }), 'npm publish');
});

test('changedRows: only rows that changed, or null when tasks/attempts came or went', async () => {
  const { changedRows } = await import('../../src/extension/viewModel/changedRows');
  const t0 = task('t-1', '2026-11-21T10:00:00Z', [
    attempt({ id: 't-1-1', index: 1 }),
    attempt({ id: 't-1-2', index: 2 }),
  ]);
  const s0 = snapshot([t0]);
  const s1 = snapshot([{ ...t0, attempts: [t0.attempts[0]!, { ...t0.attempts[1]!, lastEvent: 'ran `ls` (exit 0)' }] }]);
  assert.deepEqual(changedRows(s0, s1), [{ taskId: 't-1', attemptId: 't-1-2' }, { taskId: 't-1' }]);
  assert.deepEqual(changedRows(s1, s1), []);
  assert.equal(changedRows(s0, snapshot([{ ...t0, attempts: [t0.attempts[0]!] }])), null);
  assert.equal(changedRows(undefined, s0), null);
});
