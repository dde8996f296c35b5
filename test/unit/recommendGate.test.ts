// Unit: the ★ waits until every finished attempt's checks are in; the scorecard's pick is otherwise unchanged.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checksPendingOn, gatedRecommendation, waitingForChecksText } from '../../src/core/land/recommendGate';
import { Scoring, type ScoringHost } from '../../src/core/orchestrator/scoring';
import { ATTEMPT_EXTRAS, ZERO_TOKENS, type CheckSummary, type Phase } from '../../src/shared/model';
import { DEFAULT_LAUNCH_OPTIONS } from '../../src/core/contract/launch';
import type { AttemptRecord, TaskRecord } from '../../src/core/orchestrator/records';
import { waitUntil } from '../support/waitUntil';

const checks = (state: CheckSummary['state']): CheckSummary => ({
  state,
  command: 'npm test',
  exitCode: state === 'passed' ? 0 : null,
  durationMs: 10,
  summary: [],
  at: 't',
});

function rec(index: number, phase: Phase, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: `t-1-${index}`,
    taskId: 't-1',
    index,
    branch: `quartet/k/${index}`,
    worktree: `/w/${index}`,
    base: 'b',
    phase,
    reason: null,
    tokens: { ...ZERO_TOKENS, total: 1000 * index },
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
    diffStat: { files: 1, added: 3, removed: 0 },
    ...over,
  };
}

/** Scoring over an in-memory task: rescore only reads tasks and writes records. */
function landingOver(task: TaskRecord): { landing: Scoring; task: () => TaskRecord } {
  let current = task;
  const host = {
    repo: '/r',
    stateDir: '/s',
    worktreeRoot: () => '/w',
    tasks: () => [current],
    updateAttempt: (id: string, change: (a: AttemptRecord) => AttemptRecord) => {
      current = { ...current, attempts: current.attempts.map((a) => (a.id === id ? change(a) : a)) };
    },
    updateTask: (_id: string, change: (t: TaskRecord) => TaskRecord) => {
      current = change(current);
    },
    log: () => undefined,
    envFor: () => ({}),
    allowUnsandboxed: () => false,
  } as unknown as ScoringHost;
  return { landing: new Scoring(host), task: () => current };
}

const taskOf = (attempts: AttemptRecord[]): TaskRecord => ({
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
  attempts,
});

test('pending = finished, not archived, checks running; null checks (older records) never block', () => {
  const attempts = [
    { index: 3, phase: 'finished' as Phase, archived: null, checks: checks('running') },
    { index: 1, phase: 'finished' as Phase, archived: null, checks: checks('passed') },
    { index: 2, phase: 'working' as Phase, archived: null, checks: checks('running') },
    { index: 4, phase: 'finished' as Phase, archived: { at: 'x' }, checks: checks('running') },
    { index: 5, phase: 'finished' as Phase, archived: null, checks: null },
    { index: 6, phase: 'finished' as Phase, archived: null, checks: checks('running') },
  ];
  assert.deepEqual(checksPendingOn(attempts), [3, 6]);
  assert.equal(waitingForChecksText(attempts), 'waiting for checks on #3, #6');
  assert.equal(gatedRecommendation('t-1-1', attempts), null);
  const done = attempts.filter((a) => a.index !== 3 && a.index !== 6);
  assert.equal(gatedRecommendation('t-1-1', done), 't-1-1');
  assert.equal(waitingForChecksText(done), null);
});

test('rescore: no ★ while a finished sibling runs its checks, the ★ appears once they are in and judged; reasons are kept', async () => {
  const { landing, task } = landingOver(
    taskOf([
      rec(1, 'finished', { checks: checks('passed') }),
      rec(2, 'finished', { checks: checks('passed') }),
      rec(3, 'finished', { checks: checks('running') }),
    ]),
  );
  const waiting = landing.rescore('t-1');
  assert.equal(waiting.recommended, null);
  assert.equal(task().recommended, null);
  assert.ok(
    task().attempts.every((a) => !a.recommended),
    'no attempt carries the ★',
  );
  assert.deepEqual(
    task().attempts[0]?.score?.reasons.slice(0, 2),
    ['checks pass', 'merges cleanly into main'],
    'the reasons are there while the ★ waits',
  );
  const { landing: l2, task: t2 } = landingOver({
    ...task(),
    attempts: task().attempts.map((a) => (a.index === 3 ? { ...a, checks: checks('passed') } : a)),
  });
  const card = l2.rescore('t-1');
  assert.equal(card.recommended, null, 'every check is in: the verdict on these attempts comes first');
  assert.equal(t2().verdict?.state, 'cross-testing');
  // No repository here, so no check command: the verdict weighs own checks, conflicts and size, then rescores.
  await waitUntil(() => t2().verdict?.state === 'done');
  assert.equal(t2().recommended, 't-1-1');
  assert.deepEqual(
    t2().attempts.map((a) => a.recommended),
    [true, false, false],
  );
  assert.equal(t2().verdict?.confidence, 'close', 'same evidence for all three: a close call, said so');
});

test('rescore: an attempt still working does not hold the ★ back (only finished ones do)', async () => {
  const { landing, task } = landingOver(taskOf([rec(1, 'finished', { checks: checks('passed') }), rec(2, 'working')]));
  landing.rescore('t-1');
  await waitUntil(() => task().recommended !== null);
  assert.equal(task().recommended, 't-1-1');
});
