// Undo a local land: one revert commit on the base, only while the base tip is still the landed commit.

import { QUARTET_GIT_IDENTITY } from '../git/worktrees';
import { checkoutOf, isClean, refCommit, runGit } from '../git/git';
import { inLandQueue } from './localLand';
import { withTempWorktree } from '../git/tempWorktree';
import type { UndoLandResult } from '../contract/land';

export interface UndoLandInput {
  repo: string;
  baseBranch: string;
  /** The commit the land put on the base. */
  landedCommit: string;
  worktreeRoot: string;
  message: string;
}

/** Why an undo cannot happen now, or null: the base must still end at the landed commit (nothing landed since). */
export async function undoProblem(repo: string, baseBranch: string, landedCommit: string): Promise<string | null> {
  const tip = await refCommit(repo, `refs/heads/${baseBranch}`);
  if (!tip) return `${baseBranch} is not a branch any more`;
  if (tip !== landedCommit)
    return `${baseBranch} moved since the land (now ${tip.slice(0, 8)}); revert ${landedCommit.slice(0, 8)} by hand with git revert`;
  const co = await checkoutOf(repo, baseBranch);
  if (co && !(await isClean(co.path)))
    return `your checkout of ${baseBranch} (${co.path}) has uncommitted changes; commit or stash them first`;
  return null;
}

/** Reverts the landed commit in a temporary worktree and advances the base to the revert (compare-and-swap). */
export function undoLand(input: UndoLandInput): Promise<UndoLandResult> {
  return inLandQueue(input.repo, async () => {
    const problem = await undoProblem(input.repo, input.baseBranch, input.landedCommit);
    if (problem) return { status: 'refused', message: problem };
    return withTempWorktree(
      input.repo,
      input.worktreeRoot,
      input.landedCommit,
      async (dir): Promise<UndoLandResult> => {
        // A merge-mode land is a merge commit: revert it against its first parent (the base before the land).
        const parents =
          (await runGit(dir, ['rev-list', '--parents', '-n', '1', input.landedCommit])).stdout.trim().split(' ')
            .length - 1;
        const r = await runGit(dir, ['revert', '--no-commit', ...(parents > 1 ? ['-m', '1'] : []), input.landedCommit]);
        if (r.code !== 0) return { status: 'refused', message: `git revert failed: ${(r.stderr || r.stdout).trim()}` };
        const c = await runGit(dir, [...QUARTET_GIT_IDENTITY, 'commit', '--no-verify', '-q', '-m', input.message]);
        if (c.code !== 0) return { status: 'refused', message: `git commit failed: ${c.stderr.trim()}` };
        const commit = await refCommit(dir, 'HEAD');
        if (!commit) return { status: 'refused', message: 'no commit after git commit' };
        return advance(input, commit);
      },
    );
  });
}

/** Moves the base from the landed commit to the revert: compare-and-swap on the ref, or fast-forward a clean checkout. */
async function advance(input: UndoLandInput, commit: string): Promise<UndoLandResult> {
  const reflog = `quartet undo land ${input.landedCommit.slice(0, 8)}`;
  const done = (checkout: string | null): UndoLandResult => ({
    status: 'reverted',
    commit,
    checkoutUpdated: checkout,
    message: `reverted ${input.landedCommit.slice(0, 8)} on ${input.baseBranch} as ${commit.slice(0, 8)}`,
  });
  const co = await checkoutOf(input.repo, input.baseBranch);
  if (!co) {
    const r = await runGit(input.repo, [
      'update-ref',
      '-m',
      reflog,
      `refs/heads/${input.baseBranch}`,
      commit,
      input.landedCommit,
    ]);
    return r.code === 0
      ? done(null)
      : { status: 'refused', message: `${input.baseBranch} moved while undoing; nothing was reverted` };
  }
  if (!(await isClean(co.path)))
    return {
      status: 'refused',
      message: `your checkout of ${input.baseBranch} has uncommitted changes; nothing was reverted`,
    };
  const r = await runGit(co.path, ['merge', '--ff-only', '--no-edit', commit]);
  const now = await refCommit(input.repo, `refs/heads/${input.baseBranch}`);
  return r.code === 0 && now === commit
    ? done(co.path)
    : { status: 'refused', message: `fast-forward of ${co.path} did not apply: ${(r.stderr || r.stdout).trim()}` };
}
