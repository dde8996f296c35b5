// Pure Autopilot decisions: retry delays (SPEC §8.4), reconciliation (§8.5), the turn loop (§16.5), worker exits (§16.6), holds.

import { isActive, isTerminal, type Phase, type Reason, type TaskState } from '../../shared/model';
import type { NormalizedIssue } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { isActiveState, isRoutable, isTerminalState } from './scheduling';

/** Delay after a clean worker exit before re-checking the issue (SPEC §8.4). */
export const CONTINUATION_RETRY_MS = 1000;

export type RetryKind = 'continuation' | 'failure';

/** Continuation: 1 s. Failure: `min(10000 * 2^(attempt-1), maxRetryBackoffMs)`. */
export function retryDelay(kind: RetryKind, attempt: number, c: AutopilotConfig): number {
  if (kind === 'continuation') return CONTINUATION_RETRY_MS;
  const n = Math.max(1, Math.floor(attempt));
  return Math.min(10_000 * 2 ** (n - 1), c.maxRetryBackoffMs);
}

/** SPEC §16.6 `next_attempt_from`: the retry after a first run is 1, then 2, … */
export const nextRetryAttempt = (current: number | null): number => (current ?? 0) + 1;

export type ReconcileAction =
  { action: 'keep'; issue: NormalizedIssue } | { action: 'stop'; cleanup: boolean; why: string };

/** SPEC §8.5 part B for one running issue; `refreshed` is undefined when the tracker no longer returns it. */
export function reconcileRunning(refreshed: NormalizedIssue | undefined, c: AutopilotConfig): ReconcileAction {
  if (!refreshed) return { action: 'stop', cleanup: false, why: 'the issue is no longer visible in the tracker' };
  if (isTerminalState(refreshed.state, c))
    return { action: 'stop', cleanup: true, why: `the issue moved to ${refreshed.state}` };
  if (!isActiveState(refreshed.state, c))
    return { action: 'stop', cleanup: false, why: `the issue moved to ${refreshed.state}, which is not active` };
  if (!isRoutable(refreshed, c))
    return {
      action: 'stop',
      cleanup: false,
      why: 'the issue is no longer routable (dispatchable flag, required labels or trusted author/label)',
    };
  return { action: 'keep', issue: refreshed };
}

export type AfterTurn = { next: 'continue'; turn: number } | { next: 'exit'; why: string };

/** SPEC §16.5 after a completed turn: another turn on the same thread while the issue stays active and routable, up to maxTurns. */
export function afterTurn(refreshed: NormalizedIssue | undefined, turn: number, c: AutopilotConfig): AfterTurn {
  if (!refreshed) return { next: 'exit', why: 'the issue is no longer visible' };
  if (!isActiveState(refreshed.state, c) || isTerminalState(refreshed.state, c))
    return { next: 'exit', why: `the issue is ${refreshed.state}` };
  if (!isRoutable(refreshed, c)) return { next: 'exit', why: 'the issue is no longer routable' };
  if (turn >= c.maxTurns) return { next: 'exit', why: `max turns (${c.maxTurns}) reached` };
  return { next: 'continue', turn: turn + 1 };
}

/** How one attempt of a worker session ended. */
export type AttemptEnd = 'normal' | 'failed' | 'stopped_by_user';

/** Phase of an attempt → whether its session is still going, and how it ended if not. */
export function attemptEnd(phase: Phase, reason: Reason | null): AttemptEnd | 'turn_done' | 'running' {
  if (phase === 'queued' || isActive(phase)) return 'running';
  if (phase === 'finished') return 'turn_done';
  if (reason === 'stopped_by_user') return 'stopped_by_user';
  // Another attempt of the dispatch won the race: the session did its work, nothing to retry.
  return reason === 'outraced' ? 'normal' : 'failed';
}

/**
 * A worker session (all attempts of one dispatch) exits normally when any attempt ended its turn loop
 * cleanly; when a person stopped every attempt the claim is released without retry; otherwise it failed.
 */
export function workerExit(ends: readonly AttemptEnd[]): 'normal' | 'abnormal' | 'stopped_by_user' {
  if (ends.includes('normal')) return 'normal';
  if (ends.length > 0 && ends.every((e) => e === 'stopped_by_user')) return 'stopped_by_user';
  return 'abnormal';
}

export interface TaskView {
  taskId: string;
  state: TaskState;
  attempts: { id: string; phase: Phase; reason: Reason | null; archived: boolean }[];
}

/**
 * Quartet extension to SPEC §8.2: the agents cannot move tracker issues, so an issue whose task already
 * has a result (awaiting review or landed), has attempts running outside the Autopilot, or was stopped by
 * a person is not dispatched again until that changes. Null = dispatchable.
 */
export function issueHold(task: TaskView | null): string | null {
  if (!task) return null;
  if (task.state === 'landed') return 'landed';
  const live = task.attempts.filter((a) => !a.archived);
  if (live.some((a) => a.phase === 'queued' || isActive(a.phase))) return `attempts of ${task.taskId} are running`;
  if (live.some((a) => a.phase === 'finished')) return `result of ${task.taskId} awaits review`;
  if (live.length && live.every((a) => isTerminal(a.phase)) && live.some((a) => a.reason === 'stopped_by_user'))
    return 'stopped by you';
  return null;
}
