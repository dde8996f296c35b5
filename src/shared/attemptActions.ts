// Which controls an attempt offers in the panel; the host re-checks with the tree's own rules.

import { isTerminal, type AttemptSnapshot, type Phase } from './model';

/** Stop applies while the attempt holds, or waits for, a slot (same as the tree's Stop). */
export function canStop(phase: Phase): boolean {
  return !isTerminal(phase);
}

/** Retry (same worktree and branch, new thread) for attempts that ended without finishing; the tree and the Autopilot use it too. */
export function canRetry(phase: Phase): boolean {
  return isTerminal(phase) && phase !== 'finished';
}

/**
 * "Resolve with agent" (same rule as the tree's `.resolvable`): a finished, committed, unarchived attempt of a task
 * that has not landed, which conflicts with its base and has a Codex thread to continue.
 */
export function canResolve(
  attempt: Pick<AttemptSnapshot, 'phase' | 'resultCommit' | 'archived' | 'threadId' | 'conflicts'>,
  taskLanded: boolean,
): boolean {
  return (
    attempt.phase === 'finished' &&
    !!attempt.resultCommit &&
    !attempt.archived &&
    !taskLanded &&
    !!attempt.threadId &&
    !!attempt.conflicts?.withBase
  );
}

/** The follow-up reason of a message a person typed in the panel (the trace shows it as "you said"). */
export const USER_MESSAGE_REASON = 'user-message';
/** Longest follow-up message the panel sends (the supervisor's own limit for a prompt is far higher). */
export const MAX_FOLLOW_UP_MESSAGE = 20_000;

/**
 * Why this attempt cannot take a follow-up message now, or null: the supervisor's `followUpProblem` rules that
 * a snapshot can check (an ended attempt with a thread, not archived, of a task that has not landed).
 */
export function followUpBlocker(
  attempt: Pick<AttemptSnapshot, 'index' | 'phase' | 'archived' | 'threadId' | 'landed'>,
  taskLanded: boolean,
): string | null {
  if (!isTerminal(attempt.phase)) return `attempt #${attempt.index} is ${attempt.phase}; wait until it ends`;
  if (!attempt.threadId) return `attempt #${attempt.index} never started a Codex thread; retry it instead`;
  if (attempt.archived) return `attempt #${attempt.index} is archived`;
  if (attempt.landed || taskLanded) return 'the task already landed';
  return null;
}
