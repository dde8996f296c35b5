// The git side of Resolve with agent: merge the base into an attempt's worktree, find leftover markers, commit or abort.

import { mkdirSync, writeFileSync } from 'node:fs';
import { readRegularFileIfExists, UnsafeFileError } from '../git/safeFiles';
import { dirname, join } from 'node:path';
import { QUARTET_GIT_IDENTITY } from '../git/worktrees';
import { markerLines } from '../policy/resolvePrompt';
import { LandError } from './errors';
import { refCommit, runGit } from '../git/git';

/** How `git merge --no-commit` of the base started (prGit's BaseMerge is the whole merge-into-worktree outcome). */
export type MergeStart = { kind: 'conflict'; files: string[] } | { kind: 'clean' } | { kind: 'error'; message: string };

/** Paths `git status` reports (staged, unstaged, untracked); Quartet's hidden skills are excluded and never show. */
export async function dirtyPaths(worktree: string): Promise<string[]> {
  const r = await runGit(worktree, ['status', '--porcelain', '-z', '--untracked-files=all']);
  if (r.code !== 0) throw new LandError(`git status failed in ${worktree}: ${r.stderr.trim()}`, 'git_failed');
  return r.stdout
    .split('\0')
    .filter(Boolean)
    .map((l) => l.slice(3));
}

async function unmergedPaths(worktree: string): Promise<string[]> {
  const u = await runGit(worktree, ['diff', '--name-only', '--diff-filter=U', '-z']);
  return [...new Set(u.stdout.split('\0').filter(Boolean))].sort();
}

/** `git merge --no-commit --no-ff <base>` in the worktree: on conflict the markers are left there for the agent. */
export async function startBaseMerge(worktree: string, baseCommit: string): Promise<MergeStart> {
  const r = await runGit(worktree, [...QUARTET_GIT_IDENTITY, 'merge', '--no-commit', '--no-ff', baseCommit]);
  if (r.code === 0) return { kind: 'clean' };
  const files = await unmergedPaths(worktree);
  if (files.length) return { kind: 'conflict', files };
  await runGit(worktree, ['merge', '--abort']);
  return { kind: 'error', message: `git merge ${baseCommit.slice(0, 8)} failed: ${(r.stderr || r.stdout).trim()}` };
}

/** True while the worktree is in the middle of a merge (MERGE_HEAD exists). */
export async function mergeInProgress(worktree: string): Promise<boolean> {
  return (await refCommit(worktree, 'MERGE_HEAD')) !== null;
}

/** Conflict markers still in `files` (a deleted file is a resolution too). */
export async function leftoverMarkers(worktree: string, files: string[]): Promise<{ file: string; lines: number[] }[]> {
  const out: { file: string; lines: number[] }[] = [];
  for (const file of files) {
    // Only the agent's regular files count; a FIFO or link in their place must not hang or mislead the check.
    let bytes: Buffer | null;
    try {
      bytes = readRegularFileIfExists(join(worktree, file), { maxBytes: 64 * 1024 * 1024 });
    } catch (err) {
      if (!(err instanceof UnsafeFileError)) throw err;
      out.push({ file, lines: [] });
      continue;
    }
    if (!bytes) continue;
    const lines = markerLines(bytes.toString('utf8'));
    if (lines.length) out.push({ file, lines });
  }
  return out;
}

/** Stages everything and commits the merge as Quartet; refuses while any path is still unmerged. Returns the merge commit. */
export async function commitBaseMerge(worktree: string, message: string): Promise<string> {
  const add = await runGit(worktree, ['add', '-A']);
  if (add.code !== 0) throw new LandError(`git add failed: ${add.stderr.trim()}`, 'git_failed');
  const left = await unmergedPaths(worktree);
  if (left.length) throw new LandError(`still unmerged after staging: ${left.join(', ')}`, 'git_failed');
  // --no-verify: the user's hooks do not gate Quartet's merge; the checks that follow do.
  const c = await runGit(worktree, [...QUARTET_GIT_IDENTITY, 'commit', '--no-verify', '-q', '-m', message]);
  if (c.code !== 0)
    throw new LandError(`git commit of the merge failed: ${(c.stderr || c.stdout).trim()}`, 'git_failed');
  const head = await refCommit(worktree, 'HEAD');
  if (!head) throw new LandError('no commit after git commit', 'git_failed');
  return head;
}

/**
 * Aborts the merge and puts the worktree back at `preMerge` (files, index, no MERGE_HEAD). What the agent
 * left is saved first as a binary patch against `preMerge`, so nothing it wrote is lost. Returns the patch path.
 */
export async function abortBaseMerge(
  worktree: string,
  preMerge: string,
  patchFile: string | null,
): Promise<string | null> {
  let saved: string | null = null;
  await runGit(worktree, ['add', '-A']);
  const d = patchFile ? await runGit(worktree, ['diff', '--cached', '--binary', preMerge]) : null;
  if (patchFile && d && d.code === 0 && d.stdout.trim()) {
    mkdirSync(dirname(patchFile), { recursive: true });
    writeFileSync(patchFile, d.stdout);
    saved = patchFile;
  }
  await runGit(worktree, ['merge', '--abort']);
  const reset = await runGit(worktree, ['reset', '-q', '--hard', preMerge]);
  if (reset.code !== 0)
    throw new LandError(`could not reset ${worktree} to ${preMerge.slice(0, 8)}: ${reset.stderr.trim()}`, 'git_failed');
  // Only what the merge or the agent added: the worktree was clean before (Resolve refuses otherwise).
  await runGit(worktree, ['clean', '-fdq']);
  return saved;
}
