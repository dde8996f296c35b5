// Small read-only git queries about a repository: its root, common dir, current branch and HEAD.

import { simpleGit } from 'simple-git';
import { resolve, isAbsolute } from 'node:path';
import { realpathSync } from 'node:fs';

/** Toplevel of the git repository containing `dir`, or null when `dir` is not inside one. */
export async function findRepoRoot(dir: string): Promise<string | null> {
  try {
    const top = (await simpleGit({ baseDir: dir }).revparse(['--show-toplevel'])).trim();
    return top ? realpathSync(top) : null;
  } catch {
    return null;
  }
}

/** The git common dir (shared by all worktrees): where Quartet keeps its state. */
export async function gitCommonDir(repo: string): Promise<string> {
  const out = (await simpleGit({ baseDir: repo }).revparse(['--git-common-dir'])).trim();
  return realpathSync(isAbsolute(out) ? out : resolve(repo, out));
}

export interface HeadInfo {
  /** Current branch name, or null when HEAD is detached. */
  branch: string | null;
  /** Commit HEAD points at, or null in a repository without commits. */
  commit: string | null;
}

export async function headInfo(repo: string): Promise<HeadInfo> {
  const git = simpleGit({ baseDir: repo });
  let branch: string | null = null;
  try {
    branch = (await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || null;
  } catch {
    branch = null;
  }
  let commit: string | null = null;
  try {
    commit = (await git.revparse(['--verify', '--quiet', 'HEAD^{commit}'])).trim() || null;
  } catch {
    commit = null;
  }
  return { branch, commit };
}

/** Resolves `ref` to a commit sha, or throws a readable error. */
export async function resolveCommit(repo: string, ref: string): Promise<string> {
  try {
    const sha = (await simpleGit({ baseDir: repo }).revparse(['--verify', '--quiet', `${ref}^{commit}`])).trim();
    if (sha) return sha;
  } catch {
    // fall through to the readable error below
  }
  throw new Error(`base ref "${ref}" does not name a commit in ${repo}`);
}

/** Local branches a person would base a task on: every `refs/heads` branch except Quartet's own `quartet/*`. */
export async function localBranches(repo: string): Promise<string[]> {
  const out = await simpleGit({ baseDir: repo }).raw([
    'for-each-ref',
    '--format=%(refname:short)',
    '--sort=-committerdate',
    'refs/heads',
  ]);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter((b) => b && !b.startsWith('quartet/'));
}
