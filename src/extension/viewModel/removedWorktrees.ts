// Which worktrees Quartet removed between two snapshots, and which open paths point into them (pure).

import type { Snapshot } from '../../shared/model';

/** Worktrees of attempts archived since `previous`, or of attempts that left the snapshot (a deleted task). */
export function removedWorktrees(previous: Snapshot | undefined, current: Snapshot | undefined): string[] {
  // A disconnect or another repository's snapshot removes nothing on disk.
  if (!previous || !current || previous.repo !== current.repo) return [];
  const now = new Map(current.tasks.flatMap((t) => t.attempts).map((a) => [a.id, a]));
  const out = new Set<string>();
  for (const before of previous.tasks.flatMap((t) => t.attempts)) {
    if (!before.worktree || before.archived) continue;
    const after = now.get(before.id);
    if (!after || after.archived) out.add(before.worktree);
  }
  return [...out];
}

/** True when `path` (a URI path, `/` separated) is one of `dirs` or inside one. */
export function isUnderAny(path: string, dirs: readonly string[]): boolean {
  return dirs.some((d) => {
    const dir = d.replace(/\/+$/, '');
    return path === dir || path.startsWith(`${dir}/`);
  });
}
