// The git side of a land as a PR: merge the base into the attempt's worktree for a conflict turn, and bring the local base up to date.

import { QUARTET_GIT_IDENTITY } from '../execution/worktrees';
import { isClean, refCommit, runGit } from './git';
import { advanceBase } from './landGit';

export type BaseMerge =
  | { kind: 'merged'; commit: string }
  | { kind: 'conflict'; files: string[] }
  | { kind: 'up_to_date' }
  | { kind: 'refused'; message: string };

/**
 * Merges `ref` (the fetched base) into the attempt's worktree. Clean → committed as Quartet. Conflicts →
 * left in the worktree, mid-merge, for a fix turn to resolve; Quartet's commit after it concludes the merge.
 */
export async function mergeBaseIntoWorktree(worktree: string, ref: string, message: string): Promise<BaseMerge> {
  if (!(await isClean(worktree))) return { kind: 'refused', message: `${worktree} has uncommitted changes; not merging the base into it` };
  const before = await refCommit(worktree, 'HEAD');
  const r = await runGit(worktree, [...QUARTET_GIT_IDENTITY, 'merge', '--no-ff', '--no-verify', '--no-edit', '-m', message, ref]);
  if (r.code === 0) {
    const after = await refCommit(worktree, 'HEAD');
    return after && after !== before ? { kind: 'merged', commit: after } : { kind: 'up_to_date' };
  }
  const u = await runGit(worktree, ['diff', '--name-only', '--diff-filter=U', '-z']);
  const files = [...new Set(u.stdout.split('\0').filter(Boolean))].sort();
  if (files.length) return { kind: 'conflict', files };
  await runGit(worktree, ['merge', '--abort']);
  return { kind: 'refused', message: `git merge ${ref} failed: ${(r.stderr || r.stdout).trim()}` };
}

/** Files of `commit` that still hold conflict markers (a conflict turn that did not finish the job). */
export async function filesWithConflictMarkers(worktree: string, commit: string, files: readonly string[]): Promise<string[]> {
  if (!files.length) return [];
  const r = await runGit(worktree, ['grep', '-l', '-E', '^(<<<<<<<|>>>>>>>)( |$)', commit, '--', ...files]);
  return r.stdout.split('\n').filter(Boolean).map((l) => l.slice(commit.length + 1)).sort();
}

/** True while the worktree is in the middle of a merge (MERGE_HEAD exists). */
export async function isMerging(worktree: string): Promise<boolean> {
  return (await refCommit(worktree, 'MERGE_HEAD')) !== null;
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
export async function updateLocalBase(repo: string, baseBranch: string, fetched: string, landedBranch: string): Promise<LocalUpdate> {
  const local = await refCommit(repo, `refs/heads/${baseBranch}`);
  if (!local) return { kind: 'skipped', detail: `there is no local ${baseBranch}` };
  if (local === fetched) return { kind: 'skipped', detail: `${baseBranch} is already at ${fetched.slice(0, 8)}` };
  const ff = await runGit(repo, ['merge-base', '--is-ancestor', local, fetched]);
  if (ff.code !== 0) return { kind: 'skipped', detail: `local ${baseBranch} has commits that are not on the remote; it was not moved (pull when ready)` };
  const a = await advanceBase({ repo, baseBranch, expected: local, commit: fetched, landedBranch, reflog: `quartet land (PR merged) ${fetched.slice(0, 8)}` });
  if (a.kind === 'advanced') return { kind: 'advanced', detail: `${baseBranch} ${local.slice(0, 8)} → ${fetched.slice(0, 8)}${a.checkout ? `; fast-forwarded ${a.checkout}` : ''}` };
  if (a.kind === 'aside') return { kind: 'aside', branch: a.branch, detail: `your checkout has uncommitted changes; ${baseBranch} was not moved; the merged result is on ${a.branch}` };
  return { kind: 'failed', detail: a.kind === 'moved' ? a.detail : a.message };
}
