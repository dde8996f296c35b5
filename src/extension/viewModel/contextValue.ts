// Pure mapping from an attempt's state to the namespaced contextValue that package.json menus match.

import type { AttemptSnapshot, Phase } from '../../shared/model';
import { canRetry } from '../../shared/attemptActions';

/**
 * `quartet.attempt.<state>[.retryable][.resumable][.landable][.resolvable][.reworkable][.worktree]`, where state is one of queued | running | needsYou | ended.
 * Menus match with regexes such as `viewItem =~ /^quartet\.attempt\.(queued|running|needsYou)\b/`.
 */
export type AttemptState = 'queued' | 'running' | 'needsYou' | 'ended';

export const TASK_CONTEXT_VALUE = 'quartet.task';

export function attemptState(phase: Phase): AttemptState {
  switch (phase) {
    case 'queued':
      return 'queued';
    case 'preparing':
    case 'starting':
    case 'working':
      return 'running';
    case 'needs-you':
      return 'needsYou';
    default:
      return 'ended';
  }
}

/** Stop applies while the attempt still holds, or waits for, a slot. */
export function isStoppable(phase: Phase): boolean {
  return attemptState(phase) !== 'ended';
}

/** A Retry (same worktree and branch, new thread) makes sense: the panel's rule (shared/attemptActions.ts). */
export function isRetryable(phase: Phase): boolean {
  return canRetry(phase);
}

/** Land applies to a finished attempt with a committed result whose task has not landed yet. */
export function isLandable(
  attempt: Pick<AttemptSnapshot, 'phase' | 'resultCommit' | 'archived'>,
  taskLanded: boolean,
): boolean {
  return attempt.phase === 'finished' && !!attempt.resultCommit && !attempt.archived && !taskLanded;
}

/**
 * "Resolve with agent" applies to a landable attempt that conflicts with its base (a land ended in conflict,
 * or another task's land made it conflict) and has a Codex thread to continue.
 */
export function isResolvable(
  attempt: Pick<AttemptSnapshot, 'phase' | 'resultCommit' | 'archived' | 'threadId' | 'conflicts'>,
  taskLanded: boolean,
): boolean {
  return isLandable(attempt, taskLanded) && !!attempt.threadId && !!attempt.conflicts?.withBase;
}

/** Rework throws an attempt away (archived first) and starts a fresh one; anything not archived qualifies. */
export function isReworkable(attempt: Pick<AttemptSnapshot, 'archived'>, taskLanded: boolean): boolean {
  return !attempt.archived && !taskLanded;
}

/** Resume continues the attempt's own Codex thread, so it needs one. */
export function isResumable(attempt: Pick<AttemptSnapshot, 'phase' | 'threadId'>): boolean {
  return isRetryable(attempt.phase) && !!attempt.threadId;
}

export function attemptContextValue(
  attempt: Pick<AttemptSnapshot, 'phase'> &
    Partial<Pick<AttemptSnapshot, 'threadId' | 'resultCommit' | 'archived' | 'conflicts'>>,
  worktreeExists: boolean,
  taskLanded = false,
): string {
  const archived = attempt.archived ?? null;
  let value = `quartet.attempt.${attemptState(attempt.phase)}`;
  if (archived) return `${value}.archived`;
  if (isRetryable(attempt.phase)) value += '.retryable';
  if (isResumable({ phase: attempt.phase, threadId: attempt.threadId ?? null })) value += '.resumable';
  const landing = {
    phase: attempt.phase,
    resultCommit: attempt.resultCommit ?? null,
    archived,
    threadId: attempt.threadId ?? null,
    conflicts: attempt.conflicts ?? null,
  };
  if (isLandable(landing, taskLanded)) value += '.landable';
  if (isResolvable(landing, taskLanded)) value += '.resolvable';
  if (isReworkable({ archived }, taskLanded)) value += '.reworkable';
  if (worktreeExists) value += '.worktree';
  return value;
}
