// Which controls an attempt offers in the panel; the host re-checks with the tree's own rules.

import type { Phase } from './model';

/** Stop applies while the attempt holds, or waits for, a slot (same as the tree's Stop). */
export function canStop(phase: Phase): boolean {
  return ['queued', 'preparing', 'starting', 'working', 'needs-you'].includes(phase);
}

/** Retry (same worktree and branch, new thread) for attempts that ended without finishing. */
export function canRetry(phase: Phase): boolean {
  return ['failed', 'stalled', 'stopped', 'interrupted'].includes(phase);
}
