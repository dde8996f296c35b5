// Git plumbing shared by every layer above: exit-code-aware runs, a typed failure, ref and worktree queries.

import { execFile } from 'node:child_process';
import { simpleGit } from 'simple-git';

/** Diffs and patches of generated files can be large; past this is an error, not a truncated answer. */
const MAX_BUFFER = 256 * 1024 * 1024;

/** A git command that failed or could not run; the message names the command and the directory. */
export class GitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs git and returns its exit code. simple-git resolves a non-zero exit with an empty stderr as
 * success, but for `merge-tree`, `merge` and `update-ref` the exit code IS the answer.
 */
export function runGit(cwd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<GitRun> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, env: env ?? process.env, maxBuffer: MAX_BUFFER, windowsHide: true },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
        if (code === null) reject(new GitError(`git ${args[0] ?? ''} could not run in ${cwd}: ${err?.message ?? ''}`));
        else resolve({ code, stdout, stderr });
      },
    );
  });
}

/** `simple-git` raw call that turns failures into a GitError naming the command. */
export async function git(cwd: string, args: string[]): Promise<string> {
  try {
    return await simpleGit({ baseDir: cwd }).raw(args);
  } catch (err) {
    throw new GitError(`git ${args.join(' ')} failed in ${cwd}: ${(err as Error).message.trim()}`);
  }
}

/** Commit a ref points at, or null when it does not exist. */
export async function refCommit(cwd: string, ref: string): Promise<string | null> {
  const r = await runGit(cwd, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  return r.code === 0 ? r.stdout.trim() || null : null;
}

/** True when `ancestor` is reachable from `commit` (false on any error, so a caller re-checks rather than trusts). */
export async function isAncestor(cwd: string, ancestor: string, commit: string): Promise<boolean> {
  return (await runGit(cwd, ['merge-base', '--is-ancestor', ancestor, commit])).code === 0;
}

export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Full ref name (`refs/heads/main`) or null when detached. */
  branch: string | null;
}

/** Parses `git worktree list --porcelain`. */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = [];
  let cur: WorktreeEntry | null = null;
  for (const line of out.split('\n')) {
    if (line.startsWith('worktree ')) {
      cur = { path: line.slice('worktree '.length), head: null, branch: null };
      entries.push(cur);
    } else if (cur && line.startsWith('HEAD ')) {
      cur.head = line.slice(5);
    } else if (cur && line.startsWith('branch ')) {
      cur.branch = line.slice(7);
    }
  }
  return entries;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  return parseWorktreeList(await git(repo, ['worktree', 'list', '--porcelain']));
}

/** The worktree (the user's checkout or another) that has `refs/heads/<branch>` checked out, if any. */
export async function checkoutOf(repo: string, branch: string): Promise<WorktreeEntry | null> {
  return (await listWorktrees(repo)).find((w) => w.branch === `refs/heads/${branch}`) ?? null;
}

/** True when `git status --porcelain` is empty: no staged, unstaged or untracked (non-ignored) changes. */
export async function isClean(worktree: string): Promise<boolean> {
  return (await git(worktree, ['status', '--porcelain', '--untracked-files=all'])).trim() === '';
}
