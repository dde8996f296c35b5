// The one worktree-admin lock per repository: every `git worktree add/remove/prune` in Quartet runs under it.

import { canonicalPath } from './pathSafety';
import { SerialQueue } from './serialQueue';

// Concurrent `git worktree add` on one repository races on `.git/worktrees` (half-registered worktrees), so
// attempts, lands, temporary worktrees, archives and restores all queue here, keyed by the repository's real path.
const queue = new SerialQueue();

/** Runs `job` while holding the repository's worktree-admin lock (FIFO; a failed job does not block the next). */
export function withWorktreeLock<T>(repo: string, job: () => Promise<T>): Promise<T> {
  return queue.run(canonicalPath(repo), job);
}
