// Unit: when policy race stops the others (only on a current clear winner with passing checks) and when the task budget is spent.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { budgetStop, raceCall, taskBudgetBreach } from '../../src/core/orchestrator/earlyStop';
import { verdictBasis } from '../../src/core/verdict/judgeTask';
import { DEFAULT_LAUNCH_OPTIONS, type LaunchOptions } from '../../src/core/contract/launch';
import { ATTEMPT_EXTRAS, ZERO_TOKENS, type Phase, type TaskVerdict } from '../../src/shared/model';
import type { AttemptRecord, TaskRecord } from '../../src/core/orchestrator/records';
import { taskDescription } from '../../src/extension/viewModel/taskView';

const NOW = Date.parse('2026-12-07T12:00:00Z');

function rec(index: number, phase: Phase, total: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: `t-1-${index}`,
    taskId: 't-1',
    index,
    branch: `quartet/k/${index}`,
    worktree: `/w/${index}`,
    base: 'b',
    phase,
    reason: null,
    tokens: { ...ZERO_TOKENS, total, input: total },
    tokensByThread: {},
    startedAt: new Date(NOW - 60_000).toISOString(),
    endedAt: null,
    lastEvent: null,
    lastEventAt: null,
    lastError: null,
    journal: '/j',
    threadId: 'th',
    threadIds: ['th'],
    model: 'gpt-5.5',
    modelProvider: null,
    demoModel: false,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: phase === 'finished' ? `c${index}` : null,
    filesChanged: 1,
    ...ATTEMPT_EXTRAS,
    ...(phase === 'finished'
      ? { checks: { state: 'passed' as const, command: 'npm test', exitCode: 0, durationMs: 1, summary: [], at: 'x' } }
      : {}),
    ...over,
  };
}

function taskWith(
  attempts: AttemptRecord[],
  options: Partial<LaunchOptions>,
  verdict: Partial<TaskVerdict> | null,
): TaskRecord {
  const base: TaskRecord = {
    id: 't-1',
    key: 'k',
    title: 'T',
    prompt: 'p',
    createdAt: new Date(NOW - 120_000).toISOString(),
    state: 'open',
    baseRef: 'main',
    baseCommit: 'b',
    options: { ...DEFAULT_LAUNCH_OPTIONS, ...options },
    recommended: null,
    landing: null,
    attempts,
  };
  if (!verdict) return base;
  return {
    ...base,
    verdict: {
      state: 'done',
      confidence: 'clear',
      recommended: 't-1-1',
      headline: 'clear winner: #1',
      entries: [],
      matrix: [],
      basis: verdictBasis(attempts),
      at: 'x',
      ...verdict,
    },
  };
}

const racing = (): AttemptRecord[] => [
  rec(1, 'finished', 50_000),
  rec(2, 'working', 20_000),
  rec(3, 'queued', 0),
  rec(4, 'failed', 10_000),
];

test('race: a current clear winner with passing checks stops every unfinished attempt; the saving is the spend they did not repeat', () => {
  const call = raceCall(taskWith(racing(), { policy: 'race' }, {}), NOW);
  assert.ok(call);
  assert.equal(call.kind, 'race');
  assert.equal(call.winner, 't-1-1');
  assert.deepEqual(
    call.stopped.map((s) => [s.index, s.tokens, s.elapsedMs]),
    [
      [2, 20_000, 60_000],
      [3, 0, 60_000],
    ],
  );
  assert.equal(call.savedTokens, 30_000 + 50_000);
  assert.equal(call.message, '#1 won the race (clear winner: #1); stopped #2, #3');
  const retrying = racing().map((a) => (a.index === 4 ? { ...a, nextRetryAt: 'soon' } : a));
  assert.deepEqual(
    raceCall(taskWith(retrying, { policy: 'race' }, {}), NOW)?.stopped.map((s) => s.index),
    [2, 3, 4],
    'a failed attempt waiting to retry is unfinished too',
  );
});

test('race: nothing is stopped for policy all, a close call, a stale verdict, a winner without passing checks, or twice', () => {
  assert.equal(raceCall(taskWith(racing(), { policy: 'all' }, {}), NOW), null);
  assert.equal(raceCall(taskWith(racing(), { policy: 'race' }, { confidence: 'close' }), NOW), null);
  assert.equal(raceCall(taskWith(racing(), { policy: 'race' }, { basis: 'an older set of attempts' }), NOW), null);
  assert.equal(raceCall(taskWith(racing(), { policy: 'race' }, null), NOW), null);
  const noChecks = racing().map((a) =>
    a.index === 1
      ? {
          ...a,
          checks: { state: 'none' as const, command: null, exitCode: null, durationMs: null, summary: [], at: 'x' },
        }
      : a,
  );
  assert.equal(
    raceCall(taskWith(noChecks, { policy: 'race' }, {}), NOW),
    null,
    'no checks, no evidence: the person judges',
  );
  const once = {
    ...taskWith(racing(), { policy: 'race' }, {}),
    earlyStop: budgetStop(taskWith(racing(), {}, null), 'x', NOW),
  };
  assert.equal(raceCall(once, NOW), null);
  const allDone = racing().map((a) => ({ ...a, phase: 'finished' as const }));
  assert.equal(raceCall(taskWith(allDone, { policy: 'race' }, {}), NOW), null, 'nothing left to stop');
});

test('task budget: tokens and time over all attempts; cost priced per attempt (the demo model is free)', () => {
  const t = (o: Partial<LaunchOptions>, attempts = racing()) => taskWith(attempts, o, null);
  assert.equal(taskBudgetBreach(t({}), NOW), null);
  assert.equal(taskBudgetBreach(t({ taskTokenBudget: 80_001 }), NOW), null);
  assert.equal(
    taskBudgetBreach(t({ taskTokenBudget: 80_000 }), NOW),
    'task token budget reached: 80k ≥ 80k (all attempts)',
  );
  assert.match(
    taskBudgetBreach(t({ taskCostBudgetUsd: 0.01 }), NOW) ?? '',
    /^task cost budget reached: \$0\.\d{4} ≥ \$0\.01 \(estimated, all attempts\)$/,
  );
  const demo = racing().map((a) => ({ ...a, demoModel: true }));
  assert.equal(taskBudgetBreach(t({ taskCostBudgetUsd: 0.01 }, demo), NOW), null);
  assert.equal(taskBudgetBreach(t({ taskTimeBudgetMs: 120_001 }), NOW), null);
  assert.equal(
    taskBudgetBreach(t({ taskTimeBudgetMs: 120_000 }), NOW),
    'task time budget reached: 120 s ≥ 120 s since launch',
  );
  const stop = budgetStop(t({}), 'task time budget reached', NOW);
  assert.deepEqual(
    [stop.kind, stop.winner, stop.savedTokens, stop.stopped.map((s) => s.index)],
    ['budget', null, null, [2, 3]],
  );
});

test('the task row says why attempts stopped early before it counts them', () => {
  const race = raceCall(taskWith(racing(), { policy: 'race' }, {}), NOW)!;
  const snapshot = { attempts: racing(), earlyStop: race };
  assert.equal(taskDescription(snapshot), 'race won by #1 · 4 attempts · 1 running · 1 queued · 1 finished · 1 failed');
  assert.equal(
    taskDescription({ attempts: racing(), earlyStop: budgetStop(taskWith(racing(), {}, null), 'x', NOW) }),
    'task budget reached · 4 attempts · 1 running · 1 queued · 1 finished · 1 failed',
  );
});
