// Unit: tree rows that fit 300 px (one headline per state), the ★ reasons in the tooltip, status-bar target, launch reveal, tab cleanup.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ATTEMPT_EXTRAS,
  ZERO_TOKENS,
  type AttemptSnapshot,
  type CheckSummary,
  type Snapshot,
  type TaskSnapshot,
} from '../../src/shared/model';
import { attemptHeadline, attemptRowLabel, recommendedWhy, rowContext } from '../../src/extension/viewModel/attemptRow';
import { attemptTooltipMarkdown } from '../../src/extension/viewModel/attemptView';
import { firstWaiting, launchReveal, statusBarTooltip } from '../../src/extension/viewModel/taskView';
import { isUnderAny, removedWorktrees } from '../../src/extension/viewModel/removedWorktrees';
import { changedRows } from '../../src/extension/viewModel/changedRows';

const checks = (state: CheckSummary['state'], over: Partial<CheckSummary> = {}): CheckSummary => ({
  state,
  command: 'npm test',
  exitCode: state === 'failed' ? 1 : state === 'passed' ? 0 : null,
  durationMs: 900,
  summary: [],
  at: 't',
  ...over,
});

function attempt(index: number, over: Partial<AttemptSnapshot> = {}): AttemptSnapshot {
  return {
    id: `t-1-${index}`,
    taskId: 't-1',
    index,
    branch: `quartet/k/${index}`,
    worktree: `/wt/k/${index}`,
    base: 'a'.repeat(40),
    phase: 'working',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    startedAt: '2026-11-21T10:00:00Z',
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
    resultCommit: null,
    filesChanged: 0,
    ...ATTEMPT_EXTRAS,
    ...over,
  };
}
const task = (attempts: AttemptSnapshot[], over: Partial<TaskSnapshot> = {}): TaskSnapshot => ({
  id: 't-1',
  key: 'k',
  title: 'T',
  prompt: 'p',
  createdAt: 'x',
  state: 'open',
  baseRef: 'main',
  attempts,
  recommended: null,
  landing: null,
  ...over,
});
const snap = (tasks: TaskSnapshot[], repo = '/r'): Snapshot => ({
  repo,
  generatedAt: 'x',
  tasks,
  counts: { running: 0, needsYou: 0, queued: 0, finished: 0, failed: 0 },
  warnings: [],
});
const none = { waitingForChecks: null };

const REASONS = ['checks pass', 'merges cleanly into main', '+3 −0 in 1 file', '12k tokens', '40s'];
const star = attempt(2, {
  phase: 'finished',
  resultCommit: 'c',
  recommended: true,
  checks: checks('passed'),
  diffStat: { files: 1, added: 3, removed: 0 },
  score: { score: 100, eligible: true, reasons: REASONS },
  tokens: { ...ZERO_TOKENS, total: 12_000 },
});

test('the row label is the number only; the headline says the one thing that matters now', () => {
  assert.equal(attemptRowLabel(star), '#2');
  assert.equal(attemptHeadline(star, none), '★ checks pass · +3 −0');
  assert.equal(
    recommendedWhy({ ...star, conflicts: { withBase: true, files: [], withAttempts: [] } }),
    'checks pass · conflicts with base · +3 −0',
  );
  const waiting = attempt(1, {
    phase: 'needs-you',
    pending: { id: 'p', kind: 'command', summary: 'npm ci', reason: null },
    tokens: { ...ZERO_TOKENS, total: 5000 },
    demoModel: true,
  });
  assert.equal(
    attemptHeadline(waiting, none),
    'needs you: npm ci',
    'the command to approve, not elapsed time and tokens',
  );
  assert.equal(attemptHeadline(attempt(1, { phase: 'needs-you' }), none), 'needs you');
  const failedChecks = attempt(3, {
    phase: 'finished',
    resultCommit: 'c',
    checks: checks('failed', { summary: ['# fail 2', 'not ok 1 - greets'] }),
  });
  assert.equal(attemptHeadline(failedChecks, none), 'checks failed: # fail 2');
  assert.equal(attemptHeadline({ ...failedChecks, checks: checks('failed') }, none), 'checks failed: exit 1');
  assert.equal(
    attemptHeadline(attempt(4, { lastEvent: 'ran `npm test` (exit 1)' }), none),
    'ran `npm test` (exit 1)',
    'the running step',
  );
  assert.equal(attemptHeadline(attempt(4, { phase: 'starting' }), none), 'starting');
  assert.equal(attemptHeadline(attempt(4, { phase: 'failed', reason: 'model_error' }), none), 'failed (model_error)');
  assert.equal(
    attemptHeadline(attempt(4, { phase: 'finished', checks: checks('running') }), none),
    'running checks: npm test',
  );
  assert.equal(
    attemptHeadline(attempt(4, { phase: 'finished', resultCommit: 'c', checks: checks('passed') }), {
      waitingForChecks: 'waiting for checks on #3',
    }),
    'waiting for checks on #3',
  );
  assert.equal(
    attemptHeadline(attempt(4, { phase: 'finished', resultCommit: 'c', checks: checks('none') }), none),
    'no checks',
  );
  const landed = {
    ...star,
    landed: { at: 'x', commit: 'abcdef1234', aside: null, message: 'm' },
    archived: { at: 'x', reason: 'landed', patch: 'p', postMortem: '' },
  };
  assert.equal(attemptHeadline(landed, none), 'landed abcdef1');
  assert.equal(
    attemptHeadline({ ...landed, landed: { ...landed.landed, revertedBy: 'fedcba9876' } }, none),
    'land undone (revert fedcba9)',
  );
  assert.equal(
    attemptHeadline({ ...star, archived: { at: 'x', reason: 'r', patch: 'p', postMortem: '' } }, none),
    'archived',
  );
});

test('rowContext: the ★ gate names the finished attempts whose checks still run', () => {
  const t = task([star, attempt(3, { phase: 'finished', checks: checks('running') }), attempt(4)]);
  assert.deepEqual(rowContext(t), { waitingForChecks: 'waiting for checks on #3', judged: false });
  assert.deepEqual(rowContext(task([star])), { ...none, judged: false });
});

test('rowContext and rows with a verdict: "cross-testing" while it runs; once judged, each row leads with its evidence', () => {
  const crossing = {
    ...task([star]),
    verdict: {
      state: 'cross-testing' as const,
      confidence: 'waiting' as const,
      recommended: null,
      headline: '',
      entries: [],
      matrix: [],
      basis: '',
      at: '',
    },
  };
  assert.deepEqual(rowContext(crossing), { waitingForChecks: 'judging the attempts', judged: false });
  const judged = { ...crossing, verdict: { ...crossing.verdict, state: 'done' as const } };
  const wrong = attempt(2, {
    phase: 'finished',
    resultCommit: 'c2',
    checks: checks('passed'),
    score: { score: 50, eligible: true, reasons: ["fails #1's tests (trims names in French too)", 'checks pass'] },
  });
  assert.equal(attemptHeadline(wrong, rowContext(judged)), "fails #1's tests (trims names in French too)");
  assert.equal(attemptHeadline(wrong, none), 'checks pass', 'without a verdict the row keeps the plain checks word');
});

test('the tooltip carries the ★ reasons, the checks, the gate, tokens and the cost', () => {
  const md = attemptTooltipMarkdown(star, Date.parse('2026-11-21T10:01:00Z'), {
    cost: '$0.12 est. (priced as gpt-5.5)',
  });
  assert.ok(
    md.includes('★ Recommended: checks pass · merges cleanly into main · \\+3 −0 in 1 file · 12k tokens · 40s'),
    md,
  );
  assert.match(md, /Checks: `npm test` passed \(exit 0\)/);
  assert.match(md, /Tokens: 12k total/);
  assert.ok(
    md.includes(String.raw`Cost: $0\.12 est\. \(priced as gpt\-5\.5\)`),
    'the cost, escaped like all untrusted text',
  );
  const gated = attemptTooltipMarkdown(
    { ...star, recommended: false, score: { score: 100, eligible: true, reasons: REASONS } },
    0,
    { waitingForChecks: 'waiting for checks on #3' },
  );
  assert.match(gated, /Scorecard: checks pass/);
  assert.match(gated, /No ★ yet: waiting for checks on \\#3/);
  assert.match(
    attemptTooltipMarkdown(attempt(1, { phase: 'finished', checks: checks('none', { command: null }) }), 0),
    /Checks: none \(no check command\)/,
  );
});

test('changedRows repaints every row of a task when its ★ gate changes', () => {
  const a3 = attempt(3, { phase: 'finished', checks: checks('running') });
  const before = snap([task([star, a3])]);
  const after = snap([task([star, { ...a3, checks: checks('passed') }])]);
  assert.deepEqual(changedRows(before, after), [
    { taskId: 't-1', attemptId: 't-1-2' },
    { taskId: 't-1', attemptId: 't-1-3' },
    { taskId: 't-1' },
  ]);
});

test('status bar: its click selects the first waiting attempt in tree order and says so', () => {
  const s = snap([task([attempt(1), attempt(2, { phase: 'needs-you' }), attempt(3, { phase: 'needs-you' })])]);
  assert.deepEqual(firstWaiting(s), { taskId: 't-1', attemptId: 't-1-2' });
  assert.equal(firstWaiting(snap([task([attempt(1)])])), null);
  assert.match(statusBarTooltip({ running: 1, needsYou: 1, queued: 0 }), /Click to select the attempt waiting for you/);
  assert.match(statusBarTooltip({ running: 1, needsYou: 0, queued: 0 }), /Click to open the Tasks view/);
});

test('launch reveal: never takes the view away from where the person went', () => {
  assert.equal(launchReveal(true, false), 'focus', 'palette launch with the view hidden opens it');
  assert.equal(launchReveal(false, true), 'select', 'launched from the view: select the row, keep focus');
  assert.equal(launchReveal(false, false), 'none', 'the person clicked Explorer meanwhile: stay there');
  assert.equal(launchReveal(true, true), 'select');
});

test('removedWorktrees: archived or vanished attempts only, never on a disconnect or a repo switch', () => {
  const live = snap([task([attempt(1, { phase: 'finished' }), attempt(2, { phase: 'finished' })])]);
  const archived = snap([
    task([
      attempt(1, { phase: 'finished', archived: { at: 'x', reason: 'landed', patch: 'p', postMortem: '' } }),
      attempt(2, { phase: 'finished' }),
    ]),
  ]);
  assert.deepEqual(removedWorktrees(live, archived), ['/wt/k/1']);
  assert.deepEqual(removedWorktrees(archived, archived), []);
  assert.deepEqual(removedWorktrees(live, snap([])), ['/wt/k/1', '/wt/k/2'], 'a deleted task');
  assert.deepEqual(removedWorktrees(live, undefined), []);
  assert.deepEqual(removedWorktrees(live, snap([], '/other')), []);
  assert.ok(isUnderAny('/wt/k/1/notes/a.md', ['/wt/k/1']));
  assert.ok(!isUnderAny('/wt/k/10/a.md', ['/wt/k/1']), 'a sibling with a longer number is not inside');
});
