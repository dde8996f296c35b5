// Unit: the panel's land texts (kind, place, status, PR checks/reviews, follow-ups), Resolve's rule, and the host's resolve request.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHASES, type AttemptSnapshot, type LandProgress } from '../../src/shared/model';
import { canResolve } from '../../src/shared/attemptActions';
import {
  fixTurnsText,
  followUpReasonLabel,
  isPrLand,
  landHeadline,
  landStatusClass,
  offersResolve,
  prChecksText,
  prReviewsText,
  visibleSteps,
} from '../../src/shared/landView';
import { parseWebviewMessage } from '../../src/shared/protocolGuards';
import type { WebviewRequest } from '../../src/shared/protocol';
import { isResolvable } from '../../src/extension/viewModel/contextValue';
import { answerRequest, type RequestDeps } from '../../src/extension/panel/panelRequests';
import { attemptFixture } from '../webview/snapshotFixture';
import { CONFLICT_TASK, landingSnapshot, PR_TASK, prLanding } from '../webview/landingFixture';

const task = { baseRef: 'main' };
const local = (o: Partial<LandProgress> = {}): LandProgress => ({
  attemptId: 'a',
  step: 'merge',
  status: 'running',
  message: '',
  steps: [],
  conflictFiles: [],
  ...o,
});

test('headline: which kind of land, where, and how it ended', () => {
  assert.equal(landHeadline(local(), task, 2), 'Landing #2 locally on main');
  assert.equal(landHeadline(local({ status: 'landed' }), task, 2), 'Landed #2 locally on main');
  assert.equal(
    landHeadline(local({ status: 'conflict' }), task, 1),
    'The land of #1 locally on main conflicts with main',
  );
  assert.equal(
    landHeadline(local({ status: 'checks_failed' }), task, 1),
    'The land of #1 locally on main stopped: the checks failed',
  );
  assert.equal(
    landHeadline(local({ status: 'refused' }), task, null),
    'The land of the attempt locally on main was refused',
  );
  // Before GitHub gave the PR a number, `prRepo` already says it is one.
  assert.equal(
    landHeadline(prLanding({ step: 'push', pr: undefined }), task, 2),
    'Landing #2 as pull request on octo/sample',
  );
  assert.equal(landHeadline(prLanding(), task, 2), 'Landing #2 as pull request #12 on octo/sample');
  assert.equal(
    landHeadline(prLanding({ status: 'needs_you' }), task, 2),
    'The land of #2 as pull request #12 on octo/sample needs you',
  );
  assert.equal(
    landHeadline(prLanding({ status: 'failed' }), task, 2),
    'The land of #2 as pull request #12 on octo/sample failed',
  );
  assert.equal(isPrLand(local()), false);
  assert.equal(isPrLand({ prRepo: 'o/r' }), true);
});

test('PR facts: checks, reviews, fix turns', () => {
  assert.equal(prChecksText({ state: 'success', failing: [], pending: [] }), 'checks passed');
  assert.equal(prChecksText({ state: 'failure', failing: ['ci', 'lint'], pending: [] }), 'checks failing: ci, lint');
  assert.equal(prChecksText({ state: 'pending', failing: [], pending: ['ci'] }), 'checks running: ci');
  assert.equal(prChecksText({ state: 'pending', failing: [], pending: [] }), 'checks pending');
  assert.equal(prChecksText({ state: 'none', failing: [], pending: [] }), 'no checks reported');
  assert.equal(prReviewsText({ approved: [], changesRequested: [] }), 'no reviews yet');
  assert.equal(prReviewsText({ approved: ['a', 'b'], changesRequested: [] }), 'approved by a, b');
  assert.equal(prReviewsText({ approved: [], changesRequested: ['c'] }), 'changes requested by c');
  assert.deepEqual([0, 1, 3].map(fixTurnsText), ['no fix turns', '1 fix turn', '3 fix turns']);
  assert.deepEqual(['resolve-conflicts', 'pr-fix', 'pr-conflicts', 'autopilot-continue'].map(followUpReasonLabel), [
    'resolve conflicts',
    'fix for the pull request',
    'pull request conflicts',
    'autopilot continue',
  ]);
  assert.deepEqual(['ok', 'landed', 'running', 'skipped', 'failed', 'conflict'].map(landStatusClass), [
    'passed',
    'passed',
    'land-running',
    'muted',
    'error-text',
    'error-text',
  ]);
});

test('the panel offers Resolve exactly where the tree does', () => {
  const variants: Partial<AttemptSnapshot>[] = [
    {},
    { resultCommit: 'c' },
    { resultCommit: 'c', conflicts: { withBase: true, files: [], withAttempts: [] } },
    { resultCommit: 'c', conflicts: { withBase: false, files: [], withAttempts: ['x'] } },
    { resultCommit: 'c', threadId: null, conflicts: { withBase: true, files: [], withAttempts: [] } },
    {
      resultCommit: 'c',
      archived: { at: 'x', reason: 'r', patch: 'p', postMortem: 'm' },
      conflicts: { withBase: true, files: [], withAttempts: [] },
    },
  ];
  let offered = 0;
  for (const phase of PHASES) {
    for (const v of variants) {
      for (const landed of [false, true]) {
        const a = attemptFixture('t-x', 1, { phase, ...v });
        assert.equal(canResolve(a, landed), isResolvable(a, landed), `${phase} ${JSON.stringify(v)} ${landed}`);
        if (canResolve(a, landed)) offered++;
      }
    }
  }
  assert.equal(offered, 1, 'only a finished, committed, conflicting attempt with a thread of an open task');
});

test('cards offer Resolve unless the land panel already does', () => {
  const s = landingSnapshot();
  const conflictTask = s.tasks[1]!;
  assert.deepEqual(
    conflictTask.attempts.map((a) => offersResolve(conflictTask, a)),
    [false, true, false],
  );
  assert.deepEqual(
    s.tasks[0]!.attempts.map((a) => offersResolve(s.tasks[0]!, a)),
    [false, false],
  );
});

function deps(snapshot = landingSnapshot()): RequestDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    snapshot: () => snapshot,
    api: {
      stop: async () => undefined,
      retry: async () => undefined,
      answer: async () => undefined,
      journal: async () => [],
    },
    resolveWithAgent: (id) => void calls.push(`resolve ${id}`),
    openDiff: async () => undefined,
    openExternal: async () => undefined,
    rawSeqs: () => undefined,
  };
}
const resolveReq = (attemptId: string): WebviewRequest => ({
  type: 'attempt/conflicts/resolve',
  id: 5,
  params: { attemptId },
});

test("host: Resolve is checked against the snapshot (the tree's rule, no land running) before the command runs", async () => {
  const d = deps();
  assert.equal((await answerRequest(resolveReq(`${CONFLICT_TASK}-1`), d)).error, undefined);
  assert.equal((await answerRequest(resolveReq(`${CONFLICT_TASK}-3`), d)).error?.code, 'refused', 'no thread');
  assert.equal((await answerRequest(resolveReq(`${PR_TASK}-2`), d)).error?.code, 'refused', 'no conflict');
  assert.equal((await answerRequest(resolveReq('t-nope-1'), d)).error?.code, 'not_found');
  const running = landingSnapshot();
  running.tasks[1]!.landing = { ...running.tasks[1]!.landing!, status: 'running', step: 'resolve' };
  const busy = await answerRequest(resolveReq(`${CONFLICT_TASK}-2`), deps(running));
  assert.match(busy.error?.message ?? '', /is running; wait for it to end/);
  assert.deepEqual(d.calls, [`resolve ${CONFLICT_TASK}-1`]);
  assert.equal(parseWebviewMessage({ type: 'attempt/conflicts/resolve', id: 1, params: { attemptId: '' } }).ok, false);
  assert.equal(parseWebviewMessage({ type: 'attempt/conflicts/resolve', id: 1, params: { attemptId: 'a' } }).ok, true);
});

test('steps: a running entry followed by its outcome is dropped; a final done that repeats the message too', () => {
  const steps = [
    { step: 'push', status: 'running', detail: 'quartet/x/1 → origin' },
    { step: 'push', status: 'ok', detail: 'abc' },
    { step: 'wait', status: 'running', detail: 'checks running: ci' },
    { step: 'fix', status: 'ok', detail: 'pushed 1a2b' },
    { step: 'wait', status: 'running', detail: 'checks running: ci' },
    { step: 'wait', status: 'ok', detail: 'checks pass' },
    { step: 'done', status: 'ok', detail: 'merged PR #1' },
  ];
  assert.deepEqual(
    visibleSteps({ steps, message: 'merged PR #1' }).map((s) => `${s.step} ${s.status}`),
    ['push ok', 'wait running', 'fix ok', 'wait ok'],
  );
  assert.equal(visibleSteps({ steps, message: 'something else' }).at(-1)?.step, 'done');
  // While it runs, the current step's running line stays.
  assert.deepEqual(
    visibleSteps({ steps: steps.slice(0, 3), message: '' }).map((s) => `${s.step} ${s.status}`),
    ['push ok', 'wait running'],
  );
  assert.equal(prReviewsText({ approved: [], changesRequested: [] }, 'merged'), 'no reviews');
});
