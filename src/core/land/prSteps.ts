// The land-as-PR state machine (pure): push → pr → wait ⇄ fix → merge → delete-branch → update-local → done | needs_you | refused | failed.

import type { ChecksSummary, FailingCheck, Feedback, ReviewsSummary } from '../github/prState';
import type { StepStatus } from './landSteps';

export type PrStep = 'push' | 'pr' | 'wait' | 'fix' | 'merge' | 'delete-branch' | 'update-local';
export type PrTerminal = 'done' | 'needs_you' | 'refused' | 'failed';
export type PrState = PrStep | PrTerminal;

/** What one poll of the PR saw. */
export interface PrObservation {
  state: 'open' | 'closed';
  merged: boolean;
  /** The head GitHub reports, and the commit Quartet last pushed. */
  headSha: string;
  pushedSha: string;
  mergeable: boolean | null;
  mergeableState: string;
  checks: ChecksSummary;
  reviews: ReviewsSummary;
  /** Review feedback not sent to the attempt yet. */
  feedback: Feedback[];
  /** Review feedback from people without write access: journaled as skipped, never sent (docs/security.md §4). */
  skipped: Feedback[];
}

export interface WaitContext {
  policy: 'none' | 'approved';
  fixes: number;
  maxFixes: number;
  /** Time spent waiting on the current head, and the limit before asking a person. */
  waitedMs: number;
  maxWaitMs: number;
  /** Since the current head was pushed; with no check at all, wait `noChecksGraceMs` for CI to report. */
  headAgeMs: number;
  noChecksGraceMs: number;
  /** The head whose failing checks were already sent to a fix turn (that then changed nothing). */
  checksSentFor: string | null;
}

export type WaitDecision =
  | { kind: 'wait'; why: string }
  | { kind: 'fix'; checks: FailingCheck[]; feedback: Feedback[] }
  | { kind: 'conflict' }
  | { kind: 'merge' }
  | { kind: 'merged' }
  | { kind: 'closed' }
  | { kind: 'needs_you'; why: string };

const names = (xs: readonly string[]): string => xs.join(', ');

/** The next move after looking at the PR. Checks finish before feedback is sent, so one fix turn sees both. */
export function decide(o: PrObservation, c: WaitContext): WaitDecision {
  if (o.merged) return { kind: 'merged' };
  if (o.state === 'closed') return { kind: 'closed' };
  if (c.waitedMs >= c.maxWaitMs)
    return {
      kind: 'needs_you',
      why: `waited ${Math.round(c.waitedMs / 60_000)} min for checks and reviews on ${o.headSha.slice(0, 8)}; the PR stays open`,
    };
  if (o.headSha !== o.pushedSha)
    return { kind: 'wait', why: `GitHub does not show the pushed commit ${o.pushedSha.slice(0, 8)} yet` };
  const capped = c.fixes >= c.maxFixes;
  if (o.mergeable === false && o.mergeableState === 'dirty') {
    return capped
      ? { kind: 'needs_you', why: `the PR conflicts with its base and ${c.fixes} fix turns are used up` }
      : { kind: 'conflict' };
  }
  if (o.checks.state === 'pending') return { kind: 'wait', why: `checks running: ${names(o.checks.pending)}` };
  if (o.checks.state === 'none' && c.headAgeMs < c.noChecksGraceMs)
    return { kind: 'wait', why: 'no checks reported yet' };
  const failing = o.checks.state === 'failure' ? o.checks.failing : [];
  if (failing.length && c.checksSentFor === o.headSha) {
    return {
      kind: 'needs_you',
      why: `checks still fail on ${o.headSha.slice(0, 8)} (${names(failing.map((f) => f.name))}) and the last fix turn changed nothing`,
    };
  }
  if (failing.length || o.feedback.length) {
    if (capped) {
      const what = failing.length
        ? `failing checks (${names(failing.map((f) => f.name))})`
        : `review feedback from ${names([...new Set(o.feedback.map((f) => f.author))])}`;
      return {
        kind: 'needs_you',
        why: `${what} after ${c.fixes} fix turn${c.fixes === 1 ? '' : 's'} (the cap); the PR stays open`,
      };
    }
    return { kind: 'fix', checks: failing, feedback: o.feedback };
  }
  if (c.policy === 'approved') {
    if (o.reviews.changesRequested.length)
      return {
        kind: 'wait',
        why: `changes requested by ${names(o.reviews.changesRequested)}; waiting for a new review`,
      };
    if (!o.reviews.approved.length) return { kind: 'wait', why: 'waiting for an approving review' };
  }
  if (o.mergeable === null) return { kind: 'wait', why: 'GitHub is still computing whether the PR can merge' };
  if (o.mergeable === false) return { kind: 'wait', why: `GitHub says the PR cannot merge yet (${o.mergeableState})` };
  return { kind: 'merge' };
}

/** What each step can end with. */
export interface PrStepResults {
  push: 'ok' | 'rejected' | 'failed';
  pr: 'ok' | 'failed';
  /** The wait polls until `decide` says more than "wait"; `error`: GitHub stopped answering (or refused the token). */
  wait: Exclude<WaitDecision['kind'], 'wait'> | 'error';
  /**
   * `pushed`: the fix made a commit and it is on GitHub; `unchanged`: it made none; `failed`: the turn did not finish;
   * `push_rejected` / `push_failed`: the fix is made but GitHub refused it or could not be reached.
   */
  fix: 'pushed' | 'unchanged' | 'failed' | 'push_rejected' | 'push_failed';
  merge: 'merged' | 'not_mergeable' | 'head_moved' | 'failed';
  'delete-branch': 'deleted' | 'absent' | 'failed';
  'update-local': 'advanced' | 'aside' | 'skipped' | 'failed';
}

export function isPrTerminal(state: PrState): state is PrTerminal {
  return state === 'done' || state === 'needs_you' || state === 'refused' || state === 'failed';
}

/** The next state after `step` ended with `result`. */
export function nextPrState<S extends PrStep>(step: S, result: PrStepResults[S]): PrState {
  switch (step) {
    case 'push':
      return result === 'ok' ? 'pr' : result === 'rejected' ? 'refused' : 'failed';
    case 'pr':
      return result === 'ok' ? 'wait' : 'failed';
    case 'wait': {
      const map: Record<PrStepResults['wait'], PrState> = {
        fix: 'fix',
        conflict: 'fix',
        merge: 'merge',
        merged: 'delete-branch',
        closed: 'refused',
        needs_you: 'needs_you',
        error: 'failed',
      };
      return map[result as PrStepResults['wait']];
    }
    case 'fix':
      return result === 'failed'
        ? 'needs_you'
        : result === 'push_rejected'
          ? 'refused'
          : result === 'push_failed'
            ? 'failed'
            : 'wait';
    case 'merge':
      return result === 'merged' ? 'delete-branch' : result === 'failed' ? 'failed' : 'wait';
    // The PR is merged: a branch that could not be deleted or a local base left behind do not undo that.
    case 'delete-branch':
      return 'update-local';
    case 'update-local':
      return 'done';
    default:
      return 'failed';
  }
}

/** Status shown for a step that ended with `result`. */
export function prStepStatus<S extends PrStep>(step: S, result: PrStepResults[S]): StepStatus {
  if (step === 'update-local' && result === 'skipped') return 'skipped';
  if (step === 'wait') return result === 'closed' || result === 'needs_you' || result === 'error' ? 'failed' : 'ok';
  return ['ok', 'pushed', 'unchanged', 'merged', 'deleted', 'absent', 'advanced', 'aside'].includes(result)
    ? 'ok'
    : 'failed';
}

export interface PollPolicy {
  initialMs: number;
  factor: number;
  maxMs: number;
}

export const DEFAULT_POLL: PollPolicy = { initialMs: 5000, factor: 1.5, maxMs: 60_000 };

/** Delay before poll number `n` (0-based) on the same head: initial × factor^n, capped. */
export function pollDelayMs(n: number, p: PollPolicy = DEFAULT_POLL): number {
  return Math.min(p.maxMs, Math.round(p.initialMs * p.factor ** Math.max(0, n)));
}
