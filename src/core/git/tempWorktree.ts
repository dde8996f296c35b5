// A throw-away detached worktree under the worktree root: created and removed one at a time per repo, always removed.

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { canonicalPath, isInside, PathSafetyError } from './pathSafety';
import { copyWorktreeIncludes, repoWorktreeDir } from './worktrees';
import { withWorktreeLock } from './worktreeLock';
import { git, GitError, runGit } from './git';

/** `.land` cannot collide with a task folder: sanitized task keys never start with a dot. */
const LAND_DIR = '.land';

/** Runs `job` in a fresh worktree detached at `commit`; the worktree is removed whatever happens. */
export async function withTempWorktree<T>(
  repo: string,
  worktreeRoot: string,
  commit: string,
  job: (dir: string) => Promise<T>,
): Promise<T> {
  const parent = join(repoWorktreeDir(worktreeRoot, repo), LAND_DIR);
  mkdirSync(parent, { recursive: true });
  if (isInside(canonicalPath(repo), parent)) {
    throw new PathSafetyError(
      `worktree root ${worktreeRoot} is inside the repository ${repo}; choose a root outside the checkout`,
    );
  }
  const dir = join(canonicalPath(parent), `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`);
  // Only the registration races on `.git/worktrees`; filling the files in (the slow part) runs outside the queue.
  await withWorktreeLock(repo, async () => {
    const r = await runGit(repo, ['worktree', 'add', '--no-checkout', '--detach', dir, commit]);
    if (r.code !== 0) throw new GitError(`could not create a temporary worktree at ${dir}: ${r.stderr.trim()}`);
  });
  try {
    const r = await runGit(dir, ['reset', '-q', '--hard']);
    if (r.code !== 0) throw new GitError(`could not check out ${commit.slice(0, 8)} in ${dir}: ${r.stderr.trim()}`);
    // The checks may need the same local files (.env…) the attempts got.
    copyWorktreeIncludes(repo, dir);
    return await job(dir);
  } finally {
    await removeTempWorktree(repo, dir);
  }
}

async function removeTempWorktree(repo: string, dir: string): Promise<void> {
  await withWorktreeLock(repo, async () => {
    const r = await runGit(repo, ['worktree', 'remove', '--force', '--force', dir]);
    if (r.code !== 0 || existsSync(dir)) {
      // A process left behind by the checks can hold files open; delete by hand and let git forget it.
      rmSync(dir, { recursive: true, force: true });
      await git(repo, ['worktree', 'prune']);
    }
  });
}
