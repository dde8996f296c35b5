// Removes a task's folder under the worktree root once its attempts' worktrees are gone, and never anything else.

import { rmdirSync } from 'node:fs';
import { isInside } from '../git/pathSafety';

/**
 * rmdir (not rm -r): it fails on a folder that still holds anything, so work is never deleted here.
 * Only folders strictly inside `root` qualify. Returns true when the folder was removed.
 */
export function removeEmptyDir(dir: string, root: string): boolean {
  if (!isInside(root, dir) || dir === root) return false;
  try {
    rmdirSync(dir);
    return true;
  } catch {
    return false;
  }
}
