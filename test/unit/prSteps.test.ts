// Unit: the land-as-PR state machine — what each poll decides, step transitions, statuses, the polling backoff.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decide,
  isPrTerminal,
  nextPrState,
  pollDelayMs,
  prStepStatus,
  type PrObservation,
  type WaitContext,
} from '../../src/core/land/prSteps';
import type { Feedback } from '../../src/core/github/prState';

const SHA = 'a'.repeat(40);
const obs = (o: Partial<PrObservation> = {}): PrObservation => ({
  state: 'open',
  merged: false,
  headSha: SHA,
  pushedSha: SHA,
  mergeable: true,
  mergeableState: 'clean',
  checks: { state: 'success', failing: [], pending: [], total: 1 },
  reviews: { approved: [], changesRequested: [] },
  feedback: [],
  skipped: [],
  ...o,
});
const ctx = (c: Partial<WaitContext> = {}): WaitContext => ({
  policy: 'none',
  fixes: 0,
  maxFixes: 3,
  waitedMs: 0,
  maxWaitMs: 60_000,
  headAgeMs: 0,
  noChecksGraceMs: 0,
  checksSentFor: null,
  ...c,
});
const failing = {
  state: 'failure' as const,
  failing: [{ name: 'unit', conclusion: 'failure', output: 'boom', url: null }],
  pending: [],
  total: 1,
};
const note: Feedback = {
  key: 'review:1',
  author: 'alice',
  kind: 'review',
  state: 'CHANGES_REQUESTED',
  path: null,
  line: null,
  body: 'rename it',
};

test('green, mergeable, no policy → merge; merged or closed on GitHub end the wait', () => {
  assert.deepEqual(decide(obs(), ctx()), { kind: 'merge' });
  assert.deepEqual(decide(obs({ merged: true, state: 'closed' }), ctx()), { kind: 'merged' });
  assert.deepEqual(decide(obs({ state: 'closed' }), ctx()), { kind: 'closed' });
});

test('waits: head not seen yet, checks running, no checks within the grace, mergeability unknown or blocked', () => {
  assert.match(wait(decide(obs({ headSha: 'b'.repeat(40) }), ctx())), /does not show the pushed commit aaaaaaaa/);
  assert.match(
    wait(decide(obs({ checks: { state: 'pending', failing: [], pending: ['unit', 'lint'], total: 2 } }), ctx())),
    /checks running: unit, lint/,
  );
  assert.match(
    wait(
      decide(
        obs({ checks: { state: 'none', failing: [], pending: [], total: 0 } }),
        ctx({ noChecksGraceMs: 10_000, headAgeMs: 500 }),
      ),
    ),
    /no checks reported yet/,
  );
  assert.deepEqual(
    decide(
      obs({ checks: { state: 'none', failing: [], pending: [], total: 0 } }),
      ctx({ noChecksGraceMs: 10_000, headAgeMs: 10_000 }),
    ),
    { kind: 'merge' },
  );
  assert.match(wait(decide(obs({ mergeable: null }), ctx())), /still computing/);
  assert.match(
    wait(decide(obs({ mergeable: false, mergeableState: 'blocked' }), ctx())),
    /cannot merge yet \(blocked\)/,
  );
});

test('failing checks and new review feedback go to one fix turn, after the checks have finished', () => {
  const d = decide(obs({ checks: failing, feedback: [note] }), ctx());
  assert.equal(d.kind, 'fix');
  if (d.kind === 'fix') {
    assert.deepEqual(
      d.checks.map((c) => c.name),
      ['unit'],
    );
    assert.deepEqual(d.feedback, [note]);
  }
  // Feedback arrives while checks still run: wait, so one turn sees both.
  assert.equal(
    decide(obs({ checks: { state: 'pending', failing: [], pending: ['unit'], total: 1 }, feedback: [note] }), ctx())
      .kind,
    'wait',
  );
  assert.equal(decide(obs({ feedback: [note] }), ctx()).kind, 'fix');
});

test('conflicts (dirty) → a conflict turn; caps and a fix that changed nothing → needs_you', () => {
  assert.deepEqual(decide(obs({ mergeable: false, mergeableState: 'dirty' }), ctx()), { kind: 'conflict' });
  assert.match(
    needs(decide(obs({ mergeable: false, mergeableState: 'dirty' }), ctx({ fixes: 3 }))),
    /conflicts with its base and 3 fix turns/,
  );
  assert.match(
    needs(decide(obs({ checks: failing }), ctx({ fixes: 3 }))),
    /failing checks \(unit\) after 3 fix turns \(the cap\)/,
  );
  assert.match(
    needs(decide(obs({ feedback: [note] }), ctx({ fixes: 1, maxFixes: 1 }))),
    /review feedback from alice after 1 fix turn \(the cap\)/,
  );
  assert.match(
    needs(decide(obs({ checks: failing }), ctx({ checksSentFor: SHA }))),
    /still fail on aaaaaaaa .* changed nothing/,
  );
  assert.match(
    needs(
      decide(obs({ checks: { state: 'pending', failing: [], pending: ['x'], total: 1 } }), ctx({ waitedMs: 60_000 })),
    ),
    /waited 1 min/,
  );
});

test('review policy "approved": an approval is needed and changes requested block, even when green', () => {
  assert.match(wait(decide(obs(), ctx({ policy: 'approved' }))), /approving review/);
  assert.match(
    wait(decide(obs({ reviews: { approved: ['bob'], changesRequested: ['alice'] } }), ctx({ policy: 'approved' }))),
    /changes requested by alice/,
  );
  assert.deepEqual(decide(obs({ reviews: { approved: ['bob'], changesRequested: [] } }), ctx({ policy: 'approved' })), {
    kind: 'merge',
  });
  // Policy none: a standing "changes requested" (already answered by a fix) does not block.
  assert.deepEqual(decide(obs({ reviews: { approved: [], changesRequested: ['alice'] } }), ctx()), { kind: 'merge' });
});

test('transitions: push → pr → wait ⇄ fix → merge → delete-branch → update-local → done', () => {
  assert.equal(nextPrState('push', 'ok'), 'pr');
  assert.equal(nextPrState('push', 'rejected'), 'refused');
  assert.equal(nextPrState('push', 'failed'), 'failed');
  assert.equal(nextPrState('pr', 'ok'), 'wait');
  assert.equal(nextPrState('pr', 'failed'), 'failed');
  assert.equal(nextPrState('wait', 'error'), 'failed', 'GitHub stopped answering: the PR stays open');
  assert.equal(nextPrState('wait', 'fix'), 'fix');
  assert.equal(nextPrState('wait', 'conflict'), 'fix');
  assert.equal(nextPrState('wait', 'merge'), 'merge');
  assert.equal(nextPrState('wait', 'merged'), 'delete-branch');
  assert.equal(nextPrState('wait', 'closed'), 'refused');
  assert.equal(nextPrState('wait', 'needs_you'), 'needs_you');
  assert.equal(nextPrState('fix', 'pushed'), 'wait');
  assert.equal(nextPrState('fix', 'unchanged'), 'wait');
  assert.equal(nextPrState('fix', 'failed'), 'needs_you');
  assert.equal(nextPrState('fix', 'push_rejected'), 'refused', 'GitHub refused the fixed branch');
  assert.equal(nextPrState('fix', 'push_failed'), 'failed');
  assert.equal(nextPrState('merge', 'merged'), 'delete-branch');
  assert.equal(nextPrState('merge', 'not_mergeable'), 'wait');
  assert.equal(nextPrState('merge', 'head_moved'), 'wait');
  assert.equal(nextPrState('merge', 'failed'), 'failed');
  assert.equal(nextPrState('delete-branch', 'failed'), 'update-local', 'a branch left behind does not undo the merge');
  assert.equal(nextPrState('update-local', 'failed'), 'done');
});

test('terminal states end the walk; every step leads on', () => {
  for (const s of ['done', 'needs_you', 'refused', 'failed'] as const) assert.equal(isPrTerminal(s), true);
  for (const s of ['push', 'pr', 'wait', 'fix', 'merge', 'delete-branch', 'update-local'] as const)
    assert.equal(isPrTerminal(s), false);
});

test('step statuses', () => {
  assert.equal(prStepStatus('update-local', 'skipped'), 'skipped');
  assert.equal(prStepStatus('update-local', 'aside'), 'ok');
  assert.equal(prStepStatus('wait', 'merge'), 'ok');
  assert.equal(prStepStatus('wait', 'needs_you'), 'failed');
  assert.equal(prStepStatus('delete-branch', 'absent'), 'ok');
  assert.equal(prStepStatus('merge', 'head_moved'), 'failed');
  assert.equal(prStepStatus('fix', 'unchanged'), 'ok');
  assert.equal(prStepStatus('fix', 'push_rejected'), 'failed');
  assert.equal(prStepStatus('wait', 'error'), 'failed');
});

test('polling backoff: 5 s, ×1.5, capped at 60 s; custom policies for tests', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 6, 7, 20].map((n) => pollDelayMs(n)),
    [5000, 7500, 11250, 16875, 56953, 60000, 60000],
  );
  assert.equal(pollDelayMs(3, { initialMs: 20, factor: 2, maxMs: 100 }), 100);
  assert.equal(pollDelayMs(-1), 5000);
});

function wait(d: ReturnType<typeof decide>): string {
  assert.equal(d.kind, 'wait', JSON.stringify(d));
  return d.kind === 'wait' ? d.why : '';
}

function needs(d: ReturnType<typeof decide>): string {
  assert.equal(d.kind, 'needs_you', JSON.stringify(d));
  return d.kind === 'needs_you' ? d.why : '';
}
