// Which controls an attempt offers in the panel; the host re-checks with the tree's own rules.

import type { AttemptSnapshot, Phase } from './model';

/** Stop applies while the attempt holds, or waits for, a slot (same as the tree's Stop). */
export function canStop(phase: Phase): boolean {
  return ['queued', 'preparing', 'starting', 'working', 'needs-you'].includes(phase);
}

/** Retry (same worktree and branch, new thread) for attempts that ended without finishing. */
export function canRetry(phase: Phase): boolean {
  return ['failed', 'stalled', 'stopped', 'interrupted'].includes(phase);
}

/**
 * "Resolve with agent" (same rule as the tree's `.resolvable`): a finished, committed, unarchived attempt of a task
 * that has not landed, which conflicts with its base and has a Codex thread to continue.
 */
export function canResolve(
  attempt: Pick<AttemptSnapshot, 'phase' | 'resultCommit' | 'archived' | 'threadId' | 'conflicts'>,
  taskLanded: boolean,
): boolean {
  return attempt.phase === 'finished' && !!attempt.resultCommit && !attempt.archived && !taskLanded && !!attempt.threadId && !!attempt.conflicts?.withBase;
}
