// Pure mapping from an attempt's state to the namespaced contextValue that package.json menus match.

import type { AttemptSnapshot, Phase } from '../../shared/model';

/**
 * `quartet.attempt.<state>[.retryable][.worktree]`, where state is one of queued | running | needsYou | ended.
 * Menus match with regexes such as `viewItem =~ /^quartet\.attempt\.(queued|running|needsYou)\b/`.
 */
export type AttemptState = 'queued' | 'running' | 'needsYou' | 'ended';

export const TASK_CONTEXT_VALUE = 'quartet.task';

/** Phases from which a Retry (same worktree and branch, new thread) makes sense. */
export const RETRYABLE_PHASES: readonly Phase[] = ['failed', 'stalled', 'stopped', 'interrupted'];

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

export function isRetryable(phase: Phase): boolean {
  return RETRYABLE_PHASES.includes(phase);
}

/** Land applies to a finished attempt with a committed result whose task has not landed yet. */
export function isLandable(attempt: Pick<AttemptSnapshot, 'phase' | 'resultCommit' | 'archived'>, taskLanded: boolean): boolean {
  return attempt.phase === 'finished' && !!attempt.resultCommit && !attempt.archived && !taskLanded;
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
  attempt: Pick<AttemptSnapshot, 'phase'> & Partial<Pick<AttemptSnapshot, 'threadId' | 'resultCommit' | 'archived'>>,
  worktreeExists: boolean,
  taskLanded = false,
): string {
  const archived = attempt.archived ?? null;
  let value = `quartet.attempt.${attemptState(attempt.phase)}`;
  if (archived) return `${value}.archived`;
  if (isRetryable(attempt.phase)) value += '.retryable';
  if (isResumable({ phase: attempt.phase, threadId: attempt.threadId ?? null })) value += '.resumable';
  if (isLandable({ phase: attempt.phase, resultCommit: attempt.resultCommit ?? null, archived }, taskLanded)) value += '.landable';
  if (isReworkable({ archived }, taskLanded)) value += '.reworkable';
  if (worktreeExists) value += '.worktree';
  return value;
}
