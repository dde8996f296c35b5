// Unit: the Autopilot's pure rules — eligibility, dispatch order, slots, retry delays, reconciliation, turns, holds (SPEC §8, §16, §17.4).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_AUTOPILOT_CONFIG,
  normalizeAutopilotConfig,
  type AutopilotConfig,
} from '../../src/core/autopilot/config';
import {
  eligibility,
  selectForDispatch,
  sortForDispatch,
  stateSlots,
  type DispatchContext,
} from '../../src/core/autopilot/scheduling';
import {
  afterTurn,
  attemptEnd,
  issueHold,
  reconcileRunning,
  retryDelay,
  workerExit,
} from '../../src/core/autopilot/decisions';
import { issue } from '../support/memorySource';

const cfg = (over: Partial<AutopilotConfig> = {}): AutopilotConfig => ({ ...DEFAULT_AUTOPILOT_CONFIG, ...over });
const ctx = (
  over: Partial<{ running: string[]; claimed: string[]; retrying: string[]; held: Record<string, string> }> = {},
): DispatchContext => ({
  running: new Set(over.running ?? []),
  claimed: new Set(over.claimed ?? []),
  retrying: new Set(over.retrying ?? []),
  hold: (id) => over.held?.[id] ?? null,
});
const ids = (xs: { identifier: string }[]): string[] => xs.map((x) => x.identifier);

test('dispatch order: priority 1..4 first, then oldest created, then identifier; null and out-of-range priorities last', () => {
  const xs = [
    issue({ identifier: 'E', priority: null, createdAt: '2026-01-01T00:00:00Z' }),
    issue({ identifier: 'D', priority: 0, createdAt: '2025-01-01T00:00:00Z' }),
    issue({ identifier: 'C', priority: 2, createdAt: '2026-02-01T00:00:00Z' }),
    issue({ identifier: 'B', priority: 2, createdAt: '2026-01-15T00:00:00Z' }),
    issue({ identifier: 'A', priority: 1, createdAt: '2026-03-01T00:00:00Z' }),
    issue({ identifier: 'G', priority: 2, createdAt: null }),
    issue({ identifier: 'F', priority: 2, createdAt: '2026-01-15T00:00:00Z' }),
  ];
  assert.deepEqual(ids(sortForDispatch(xs)), ['A', 'B', 'F', 'C', 'G', 'D', 'E']);
});

test('dispatchable=false issues are not eligible', () => {
  const e = eligibility(issue({ dispatchable: false }), ctx(), cfg());
  assert.equal(e.eligible, false);
  assert.match(e.eligible ? '' : e.why, /not dispatchable/);
  assert.equal(eligibility(issue(), ctx(), cfg()).eligible, true);
});

test('required labels: case-insensitive after normalization; every label needed; a blank label matches nothing', () => {
  const c = normalizeAutopilotConfig({ requiredLabels: [' Quartet ', 'Ready'] }).config;
  assert.deepEqual(c.requiredLabels, ['quartet', 'ready']);
  assert.equal(eligibility(issue({ labels: ['quartet', 'ready', 'bug'] }), ctx(), c).eligible, true);
  const missing = eligibility(issue({ labels: ['quartet'] }), ctx(), c);
  assert.equal(missing.eligible, false);
  assert.match(missing.eligible ? '' : missing.why, /missing label ready/);
  assert.equal(eligibility(issue({ labels: ['x'] }), ctx(), cfg({ requiredLabels: [''] })).eligible, false);
});

test('states: active and not terminal, compared trimmed and lowercased', () => {
  assert.equal(eligibility(issue({ state: ' in progress ' }), ctx(), cfg()).eligible, true);
  assert.equal(eligibility(issue({ state: 'Done' }), ctx(), cfg()).eligible, false);
  assert.equal(eligibility(issue({ state: 'Backlog' }), ctx(), cfg()).eligible, false);
  assert.equal(eligibility(issue({ state: '' }), ctx(), cfg()).eligible, false, 'required fields');
});

test('a Todo issue with a non-terminal (or unknown) blocker waits; terminal blockers and non-Todo states do not block', () => {
  const open = issue({ state: 'Todo', blockedBy: [{ id: 'b', identifier: '#9', state: 'In Progress' }] });
  const e = eligibility(open, ctx(), cfg());
  assert.deepEqual(e, { eligible: false, status: 'waiting', why: 'blocked by #9' });
  assert.equal(
    eligibility(issue({ state: 'Todo', blockedBy: [{ id: 'b', identifier: '#9', state: null }] }), ctx(), cfg())
      .eligible,
    false,
  );
  assert.equal(
    eligibility(issue({ state: 'Todo', blockedBy: [{ id: 'b', identifier: '#9', state: 'done' }] }), ctx(), cfg())
      .eligible,
    true,
  );
  assert.equal(
    eligibility(
      issue({ state: 'In Progress', blockedBy: [{ id: 'b', identifier: '#9', state: 'Todo' }] }),
      ctx(),
      cfg(),
    ).eligible,
    true,
  );
});

test('running, claimed, retrying and held issues are not dispatched again; a retry ignores its own claim', () => {
  const i = issue({ id: 'X' });
  assert.equal(eligibility(i, ctx({ running: ['X'] }), cfg()).eligible, false);
  assert.equal(eligibility(i, ctx({ claimed: ['X'] }), cfg()).eligible, false);
  assert.equal(eligibility(i, ctx({ retrying: ['X'], claimed: ['X'] }), cfg()).eligible, false);
  assert.equal(eligibility(i, ctx({ claimed: ['X'] }), cfg(), true).eligible, true);
  assert.deepEqual(eligibility(i, ctx({ held: { X: 'result awaits review' } }), cfg()), {
    eligible: false,
    status: 'held',
    why: 'result awaits review',
  });
});

test('global concurrency: no more than max_concurrent_agents including those already running', () => {
  const xs = ['A', 'B', 'C', 'D'].map((identifier) => issue({ identifier }));
  assert.deepEqual(ids(selectForDispatch(xs, ctx(), [], cfg({ maxConcurrentAgents: 2 }))), ['A', 'B']);
  assert.deepEqual(ids(selectForDispatch(xs, ctx(), ['Todo'], cfg({ maxConcurrentAgents: 2 }))), ['A']);
  assert.deepEqual(ids(selectForDispatch(xs, ctx(), ['Todo', 'Todo'], cfg({ maxConcurrentAgents: 2 }))), []);
});

test('per-state concurrency: the state limit applies by normalized state; other states fall back to the global limit', () => {
  const c = normalizeAutopilotConfig({
    maxConcurrentAgents: 5,
    maxConcurrentByState: { ' TODO ': 1, 'in progress': 0, x: 'two' } as Record<string, unknown> as Record<
      string,
      number
    >,
  }).config;
  assert.deepEqual(c.maxConcurrentByState, { todo: 1 }, 'invalid entries ignored, keys lowercased');
  const xs = [
    issue({ identifier: 'A', state: 'Todo' }),
    issue({ identifier: 'B', state: 'todo' }),
    issue({ identifier: 'C', state: 'In Progress' }),
    issue({ identifier: 'D', state: 'In Progress' }),
  ];
  assert.deepEqual(ids(selectForDispatch(xs, ctx(), [], c)), ['A', 'C', 'D']);
  assert.deepEqual(ids(selectForDispatch(xs, ctx(), ['Todo'], c)), ['C', 'D']);
  assert.equal(stateSlots('In Progress', ['in progress'], c), 4);
});

test('retry backoff: 10 s · 2^(n-1), capped by maxRetryBackoffMs; a clean exit re-checks after 1 s', () => {
  const c = cfg({ maxRetryBackoffMs: 300_000 });
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelay('failure', n, c)),
    [10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000],
  );
  assert.equal(retryDelay('failure', 3, cfg({ maxRetryBackoffMs: 25_000 })), 25_000);
  assert.equal(retryDelay('continuation', 1, c), 1000);
  assert.equal(retryDelay('continuation', 9, c), 1000);
});

test('reconciliation: terminal stops and cleans; non-active or unroutable stops and keeps; invisible stops; active refreshes', () => {
  const c = cfg({ requiredLabels: ['quartet'] });
  const base = issue({ labels: ['quartet'] });
  assert.deepEqual(reconcileRunning({ ...base, state: 'Done' }, c), {
    action: 'stop',
    cleanup: true,
    why: 'the issue moved to Done',
  });
  const paused = reconcileRunning({ ...base, state: 'Backlog' }, c);
  assert.equal(paused.action === 'stop' && paused.cleanup, false);
  const unlabeled = reconcileRunning({ ...base, labels: [] }, c);
  assert.equal(unlabeled.action === 'stop' && unlabeled.cleanup, false);
  const gone = reconcileRunning(undefined, c);
  assert.equal(gone.action === 'stop' && gone.cleanup, false);
  const moved = { ...base, state: 'In Progress', title: 'renamed' };
  assert.deepEqual(reconcileRunning(moved, c), { action: 'keep', issue: moved });
});

test('turn loop: continue while active and routable, stop at maxTurns or when the issue leaves the active states', () => {
  const c = cfg({ maxTurns: 3 });
  assert.deepEqual(afterTurn(issue({ state: 'In Progress' }), 1, c), { next: 'continue', turn: 2 });
  assert.deepEqual(afterTurn(issue(), 2, c), { next: 'continue', turn: 3 });
  assert.equal(afterTurn(issue(), 3, c).next, 'exit');
  assert.equal(afterTurn(issue({ state: 'Human Review' }), 1, c).next, 'exit');
  assert.equal(afterTurn(issue({ dispatchable: false }), 1, c).next, 'exit');
  assert.equal(afterTurn(undefined, 1, c).next, 'exit');
  assert.equal(afterTurn(issue(), 1, cfg({ maxTurns: 1 })).next, 'exit');
});

test('attempt ends and worker exits: any clean end is normal; all stopped by a person releases; otherwise a failure', () => {
  assert.equal(attemptEnd('working', null), 'running');
  assert.equal(attemptEnd('queued', null), 'running');
  assert.equal(attemptEnd('finished', null), 'turn_done');
  assert.equal(attemptEnd('stalled', 'stall_timeout'), 'failed');
  assert.equal(attemptEnd('stopped', 'stopped_by_user'), 'stopped_by_user');
  assert.equal(workerExit(['failed', 'normal']), 'normal');
  assert.equal(workerExit(['stopped_by_user', 'stopped_by_user']), 'stopped_by_user');
  assert.equal(workerExit(['stopped_by_user', 'failed']), 'abnormal');
  assert.equal(workerExit([]), 'abnormal');
});

test('holds: landed, running outside the Autopilot, awaiting review, stopped by a person; failed-only tasks may be retried', () => {
  const t = (attempts: { phase: string; reason?: string; archived?: boolean }[], state = 'open') =>
    ({
      taskId: 't-1',
      state,
      attempts: attempts.map((a, i) => ({
        id: `t-1-${i + 1}`,
        phase: a.phase,
        reason: a.reason ?? null,
        archived: a.archived ?? false,
      })),
    }) as Parameters<typeof issueHold>[0];
  assert.equal(issueHold(null), null);
  assert.equal(issueHold(t([{ phase: 'finished' }], 'landed')), 'landed');
  assert.match(issueHold(t([{ phase: 'working' }, { phase: 'failed' }])) ?? '', /running/);
  assert.match(issueHold(t([{ phase: 'finished' }, { phase: 'failed' }])) ?? '', /awaits review/);
  assert.equal(issueHold(t([{ phase: 'stopped', reason: 'stopped_by_user' }])), 'stopped by you');
  assert.equal(
    issueHold(
      t([
        { phase: 'failed', reason: 'model_error' },
        { phase: 'stopped', reason: 'canceled_by_reconciliation' },
      ]),
    ),
    null,
  );
  assert.equal(issueHold(t([{ phase: 'finished', archived: true }])), null, 'archived results do not hold');
});

test('config: SPEC defaults, and invalid values are reported rather than guessed', () => {
  const { config, problems } = normalizeAutopilotConfig({});
  assert.deepEqual(problems, []);
  assert.equal(config.pollIntervalMs, 30_000);
  assert.equal(config.maxConcurrentAgents, 10);
  assert.equal(config.maxTurns, 20);
  assert.equal(config.maxRetryBackoffMs, 300_000);
  assert.equal(config.attemptsPerIssue, 1);
  assert.equal(config.landPolicy, 'manual');
  const bad = normalizeAutopilotConfig({ maxTurns: 0, pollIntervalMs: 'soon', landPolicy: 'yolo', activeStates: [] });
  assert.equal(bad.problems.length, 4, bad.problems.join('\n'));
  assert.equal(normalizeAutopilotConfig({ activeStates: ['Done'], terminalStates: ['done'] }).problems.length, 1);
});

test('trust boundary: an author without write access is skipped with the reason and the fix; a trusted label lets it run', () => {
  const stranger = issue({
    identifier: '#9',
    labels: ['bug'],
    author: { login: 'drive-by', role: 'NONE', canWrite: false },
  });
  const e = eligibility(stranger, ctx(), cfg());
  assert.equal(e.eligible, false);
  assert.equal(e.eligible ? '' : e.status, 'skipped');
  assert.equal(
    e.eligible ? '' : e.why,
    'author drive-by (NONE) has no write access; list a label under quartet.trusted_labels in WORKFLOW.md and add it to run it',
  );
  const c = normalizeAutopilotConfig({ trustedLabels: [' Quartet-OK ', ''] }).config;
  assert.deepEqual(c.trustedLabels, ['quartet-ok'], 'lowercased, blanks dropped');
  const still = eligibility(stranger, ctx(), c);
  assert.match(still.eligible ? '' : still.why, /a maintainer can add the label `quartet-ok` to run it/);
  assert.equal(eligibility({ ...stranger, labels: ['bug', 'quartet-ok'] }, ctx(), c).eligible, true);
  assert.deepEqual(ids(selectForDispatch([stranger, issue({ identifier: '#10' })], ctx(), [], c)), ['#10']);
  // Running work stops when the label is taken away (a maintainer withdrew consent), and the turn loop ends.
  assert.equal(reconcileRunning(stranger, c).action, 'stop');
  assert.equal(afterTurn(stranger, 1, c).next, 'exit');
  assert.equal(reconcileRunning({ ...stranger, labels: ['quartet-ok'] }, c).action, 'keep');
  const ghost = eligibility(issue({ author: { login: null, role: 'integration', canWrite: false } }), ctx(), c);
  assert.match(ghost.eligible ? '' : ghost.why, /^the author \(integration\) has no write access/);
  assert.equal(
    eligibility(
      issue({ labels: ['quartet-ok'], author: { login: null, role: 'integration', canWrite: false } }),
      ctx(),
      c,
    ).eligible,
    true,
    "a maintainer labelled the integration's issue",
  );
  // A Linear guest can label their own issue: the trusted label proves nothing there.
  const guest = eligibility(
    issue({ labels: ['quartet-ok'], author: { login: 'Guest', role: 'guest', canWrite: false, setsOwnLabels: true } }),
    ctx(),
    c,
  );
  assert.equal(
    guest.eligible ? '' : guest.why,
    'author Guest (guest) has no write access and can set labels, so no label makes the issue trusted',
  );
});
