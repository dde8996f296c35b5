// Attempt worktrees: serialized creation/removal, verification, `.worktreeinclude` copies, result commits.

import { simpleGit } from 'simple-git';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { copyTreeNoFollow, readRegularFileIfExists, UnsafeFileError } from './safeFiles';
import { availableParallelism, homedir } from 'node:os';
import { Semaphore } from './serialQueue';
import { withWorktreeLock } from './worktreeLock';
import { canonicalPath, isInside, safeJoin, sanitizeKey, stableHash, PathSafetyError } from './pathSafety';

const checkouts = new Semaphore(Math.max(1, availableParallelism()));

/** Identity Quartet commits with: a fresh CI machine has no git identity, and the agent cannot commit itself. */
export const QUARTET_GIT_IDENTITY = ['-c', 'user.name=Quartet', '-c', 'user.email=quartet@localhost'];

export function defaultWorktreeRoot(): string {
  return join(homedir(), '.quartet', 'worktrees');
}

/** `<root>/<repo-name>-<hash>`: one folder per repository, never inside the checkout. */
export function repoWorktreeDir(root: string, repo: string): string {
  return join(resolve(root), `${sanitizeKey(basename(repo), 40)}-${stableHash(canonicalPath(repo), 8)}`);
}

export interface CreateWorktreeInput {
  repo: string;
  root: string;
  taskKey: string;
  index: number;
  branch: string;
  baseCommit: string;
}

export interface CreatedWorktree {
  path: string;
  copied: string[];
  reused: boolean;
  /** Taken from the warm pool (git/worktreePool.ts): already checked out at the base. */
  warm?: boolean;
}

export class WorktreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorktreeError';
  }
}

/**
 * Creates (or reuses, for a retry) the worktree of one attempt: `registerWorktree` then `fillWorktree`.
 * Only the registration (`git worktree add --no-checkout`, ~50 ms) is serialized per repository —
 * concurrent adds race on `.git/worktrees` — while filling the files in (`git reset --hard`, the slow
 * part on a big repo) runs in parallel: each worktree has its own index and HEAD.
 */
export async function createWorktree(input: CreateWorktreeInput): Promise<CreatedWorktree> {
  return fillWorktree(input, await registerWorktree(input));
}

/** The serialized half: the folder exists (empty but for `.git`) on the attempt's branch when this resolves. */
export function registerWorktree(input: CreateWorktreeInput): Promise<CreatedWorktree> {
  return withWorktreeLock(input.repo, () => registerNow(input));
}

/** The parallel half: checks the branch's files out into a registered worktree and copies `.worktreeinclude`. */
export async function fillWorktree(input: CreateWorktreeInput, registered: CreatedWorktree): Promise<CreatedWorktree> {
  if (registered.reused) return registered;
  if (registered.warm) return { ...registered, copied: copyWorktreeIncludes(input.repo, registered.path) };
  try {
    // At most one checkout per core: more only thrash the disk cache and the CPU.
    await checkouts.run(() => simpleGit({ baseDir: registered.path }).raw(['reset', '-q', '--hard']));
  } catch (err) {
    throw new WorktreeError(
      `could not check out ${input.branch} in ${registered.path}: ${(err as Error).message.trim()}`,
    );
  }
  return { ...registered, copied: copyWorktreeIncludes(input.repo, registered.path) };
}

/** Refuses a worktree root that cannot hold worktrees: a file (or a path under one), or a folder inside the checkout. */
export function assertUsableWorktreeRoot(root: string, repo: string): void {
  const abs = resolve(root);
  let p = abs;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  if (existsSync(p) && !statSync(p).isDirectory()) {
    const where = p === abs ? 'exists and is not a directory' : `is under ${p}, which is a file`;
    throw new WorktreeError(`worktree root ${root} ${where}; change quartet.worktreeRoot (CLI: --worktree-root)`);
  }
  const repoPath = canonicalPath(repo);
  if (canonicalPath(abs) === repoPath || isInside(repoPath, abs)) {
    throw new PathSafetyError(
      `worktree root ${root} is inside the repository ${repo}; choose a root outside the checkout`,
    );
  }
}

async function registerNow(input: CreateWorktreeInput): Promise<CreatedWorktree> {
  const { repo, root, taskKey, index, branch, baseCommit } = input;
  assertUsableWorktreeRoot(root, repo);
  const repoDir = repoWorktreeDir(root, repo);
  mkdirSync(repoDir, { recursive: true });
  const path = safeJoin(repoDir, sanitizeKey(taskKey), String(index));
  const git = simpleGit({ baseDir: repo });
  if (existsSync(path) && (await worktreeBranch(path)) === branch) {
    return { path, copied: [], reused: true };
  }
  if (existsSync(path)) throw new WorktreeError(`${path} exists but is not the worktree of ${branch}`);
  // One git call in the usual case (it is the serialized part of a launch): a new branch at the base.
  try {
    await git.raw(['worktree', 'add', '--no-checkout', '-b', branch, path, baseCommit]);
  } catch (err) {
    const message = (err as Error).message.trim();
    // The branch exists already (a retry whose worktree was cleaned up): attach the worktree to it instead.
    if (!/a branch named .* already exists/.test(message))
      throw new WorktreeError(`git worktree add failed for ${branch}: ${message}`);
    try {
      await git.raw(['worktree', 'add', '--no-checkout', path, branch]);
    } catch (again) {
      throw new WorktreeError(`git worktree add failed for ${branch}: ${(again as Error).message.trim()}`);
    }
  }
  const actual = checkedOutBranch(path);
  if (actual !== branch) throw new WorktreeError(`worktree ${path} is on ${actual ?? 'nothing'}, expected ${branch}`);
  return { path: canonicalPath(path), copied: [], reused: false };
}

/** The branch a linked worktree has checked out, read from its git files (no process: this runs under the lock). */
function checkedOutBranch(path: string): string | null {
  try {
    const gitdir = /^gitdir: (.+)$/m.exec(readFileSync(join(path, '.git'), 'utf8'))?.[1]?.trim();
    const head = gitdir ? readFileSync(resolve(path, gitdir, 'HEAD'), 'utf8').trim() : '';
    return head.startsWith('ref: refs/heads/') ? head.slice('ref: refs/heads/'.length) : null;
  } catch {
    return null;
  }
}

async function worktreeBranch(path: string): Promise<string | null> {
  try {
    return (await simpleGit({ baseDir: path }).raw(['symbolic-ref', '--quiet', '--short', 'HEAD'])).trim() || null;
  } catch {
    return null;
  }
}

/** Paths listed in the repo's `.worktreeinclude` (one per line, `#` comments), kept inside the repo. */
export function readWorktreeInclude(repo: string): string[] {
  const bytes = readRegularFileIfExists(join(repo, '.worktreeinclude'), { maxBytes: 64 * 1024 });
  if (!bytes) return [];
  return bytes
    .toString('utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** Copies `.worktreeinclude` entries (e.g. `.env`, untracked local config) from the checkout into a worktree. */
export function copyWorktreeIncludes(repo: string, worktree: string): string[] {
  const copied: string[] = [];
  for (const entry of readWorktreeInclude(repo)) {
    const from = resolve(repo, entry);
    if (!isInside(repo, from) || from.includes(`${join(repo, '.git')}`)) continue;
    if (!existsSync(from)) continue;
    safeJoin(worktree, entry);
    // The branch may have a link (or a linked folder) where the include goes: copy plain files, through no link.
    try {
      copyTreeNoFollow(from, worktree, relative(repo, from));
    } catch (err) {
      if (err instanceof UnsafeFileError)
        throw new WorktreeError(`cannot copy ${entry} from .worktreeinclude: ${err.message}`);
      throw err;
    }
    copied.push(entry);
  }
  return copied;
}

export interface CommitResult {
  commit: string | null;
  files: number;
}

/** Commits whatever the agent left in the worktree, as Quartet; returns the new tip (or null if clean). */
export async function commitWorktree(worktree: string, message: string): Promise<CommitResult> {
  const git = simpleGit({ baseDir: worktree });
  await git.raw(['add', '-A']);
  const staged = (await git.raw(['diff', '--cached', '--name-only', '-z'])).split('\0').filter(Boolean);
  if (staged.length === 0) return { commit: null, files: 0 };
  // --no-verify: the repo's checks run in Quartet's scorecard, not as a hook that could block the result.
  await git.raw([...QUARTET_GIT_IDENTITY, 'commit', '--no-verify', '-q', '-m', message]);
  const commit = (await git.revparse(['HEAD'])).trim();
  return { commit, files: staged.length };
}

/** Number of files that differ between `base` and the worktree's tip. */
export async function filesChangedSince(worktree: string, base: string): Promise<number> {
  const out = await simpleGit({ baseDir: worktree }).raw(['diff', '--name-only', '-z', base, 'HEAD']);
  return out.split('\0').filter(Boolean).length;
}

/** Removes an attempt's worktree (serialized); the branch stays, so the result is never lost. */
export function removeWorktree(repo: string, path: string): Promise<void> {
  return withWorktreeLock(repo, async () => {
    await simpleGit({ baseDir: repo }).raw(['worktree', 'remove', '--force', path]);
  });
}
