// Replacing a skill folder the branch tracks, in one worktree only: skip-worktree bits in that worktree's own index.

import { removeNoFollow } from '../git/safeFiles';
import { gitOut, SkillsError } from './worktreeExclude';

async function must(cwd: string, args: string[]): Promise<string> {
  const r = await gitOut(cwd, args);
  if (r.code !== 0) throw new SkillsError(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim()}`, 'git_failed');
  return r.stdout;
}

/** Tracked files under `rel` with whether this worktree's index marks them skip-worktree (`ls-files -v`: `S`). */
export async function trackedFiles(top: string, rel: string): Promise<{ path: string; skipped: boolean }[]> {
  const out = await must(top, ['ls-files', '-v', '-z', '--', rel]);
  return out
    .split('\0')
    .filter(Boolean)
    .map((l) => ({ path: l.slice(2), skipped: l[0] === 'S' }));
}

/**
 * Marks the tracked files of `rel` skip-worktree, then empties the folder for the new text. Each
 * linked worktree has its own index, so the mark holds here only: `git status`, `git diff` and
 * Quartet's `git add -A` treat the files as unchanged, and nothing of the override is ever committed.
 */
export async function overrideTracked(top: string, rel: string): Promise<void> {
  const files = (await trackedFiles(top, rel)).map((f) => f.path);
  if (files.length) await must(top, ['update-index', '--skip-worktree', '--', ...files]);
  removeNoFollow(top, rel);
}

/** Undoes `overrideTracked`: clears the marks and restores the branch's files from the index. */
export async function restoreTracked(top: string, rel: string): Promise<void> {
  const files = (await trackedFiles(top, rel)).map((f) => f.path);
  if (!files.length) return;
  await must(top, ['update-index', '--no-skip-worktree', '--', ...files]);
  removeNoFollow(top, rel);
  await must(top, ['checkout', '--', rel]);
}
