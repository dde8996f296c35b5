// The git side of a land as a PR: merge the base into the attempt's worktree for a conflict turn, and bring the local base up to date.

import { refCommit, runGit } from '../git/git';
import { advanceBase } from './landGit';
import { commitBaseMerge, dirtyPaths, mergeInProgress, startBaseMerge } from './resolveGit';

export type BaseMerge =
  | { kind: 'merged'; commit: string }
  | { kind: 'conflict'; files: string[]; preMerge: string }
  | { kind: 'up_to_date' }
  | { kind: 'refused'; message: string };

/**
 * Merges `ref` (the fetched remote base) into the attempt's worktree. Clean → committed as Quartet. Conflicts →
 * left in the worktree, mid-merge, for a follow-up turn to resolve (the same git steps as Resolve with agent).
 */
export async function mergeBaseIntoWorktree(worktree: string, ref: string, message: string): Promise<BaseMerge> {
  const dirty = await dirtyPaths(worktree);
  if (dirty.length)
    return {
      kind: 'refused',
      message: `${worktree} has uncommitted changes (${dirty.slice(0, 5).join(', ')}); not merging the base into it`,
    };
  const preMerge = await refCommit(worktree, 'HEAD');
  if (!preMerge) return { kind: 'refused', message: `${worktree} has no HEAD` };
  const m = await startBaseMerge(worktree, ref);
  if (m.kind === 'error') return { kind: 'refused', message: m.message };
  if (m.kind === 'conflict') return { kind: 'conflict', files: m.files, preMerge };
  // `--no-commit` on a base already contained: "Already up to date", no merge to conclude.
  if (!(await mergeInProgress(worktree))) return { kind: 'up_to_date' };
  return { kind: 'merged', commit: await commitBaseMerge(worktree, message) };
}

export type LocalUpdate =
  | { kind: 'advanced'; detail: string }
  | { kind: 'aside'; branch: string; detail: string }
  | { kind: 'skipped'; detail: string }
  | { kind: 'failed'; detail: string };

/**
 * After GitHub merged the PR: move the local base to the fetched base, fast-forward only, by the same rules
 * as a local land (a clean checkout of the base follows; a dirty one gets the result on `landedBranch`).
 */
export async function updateLocalBase(
  repo: string,
  baseBranch: string,
  fetched: string,
  landedBranch: string,
): Promise<LocalUpdate> {
  const local = await refCommit(repo, `refs/heads/${baseBranch}`);
  if (!local) return { kind: 'skipped', detail: `there is no local ${baseBranch}` };
  if (local === fetched) return { kind: 'skipped', detail: `${baseBranch} is already at ${fetched.slice(0, 8)}` };
  const ff = await runGit(repo, ['merge-base', '--is-ancestor', local, fetched]);
  if (ff.code !== 0)
    return {
      kind: 'skipped',
      detail: `local ${baseBranch} has commits that are not on the remote; it was not moved (pull when ready)`,
    };
  const a = await advanceBase({
    repo,
    baseBranch,
    expected: local,
    commit: fetched,
    landedBranch,
    reflog: `quartet land (PR merged) ${fetched.slice(0, 8)}`,
  });
  if (a.kind === 'advanced')
    return {
      kind: 'advanced',
      detail: `${baseBranch} ${local.slice(0, 8)} → ${fetched.slice(0, 8)}${a.checkout ? `; fast-forwarded ${a.checkout}` : ''}`,
    };
  if (a.kind === 'aside') {
    const why = a.overwrites.length
      ? `the merged result would overwrite ignored files in your checkout (${a.overwrites.join(', ')})`
      : 'your checkout has uncommitted changes';
    return {
      kind: 'aside',
      branch: a.branch,
      detail: `${why}; ${baseBranch} was not moved; the merged result is on ${a.branch}`,
    };
  }
  return { kind: 'failed', detail: a.kind === 'moved' ? a.detail : a.message };
}
