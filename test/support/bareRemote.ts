// Test support: a bare repository acting as `origin`, a clone of it as the user's checkout, and attempt branches.

import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { git, makeRepo } from './repoHarness';

export interface RemoteAndClone {
  /** The bare `origin`. */
  bare: string;
  /** The user's checkout: a clone of `origin`, on `main`, clean. */
  clone: string;
}

/** Seeds `origin` from the demo sample repo and clones it; the seed repo is deleted. */
export function makeRemoteAndClone(dir: string): RemoteAndClone {
  const seedDir = join(dir, 'seed');
  mkdirSync(seedDir, { recursive: true });
  const seed = makeRepo(seedDir);
  const bare = join(dir, 'origin.git');
  execFileSync('git', ['clone', '-q', '--bare', seed, bare]);
  rmSync(seedDir, { recursive: true, force: true });
  const clone = join(dir, 'checkout');
  execFileSync('git', ['clone', '-q', bare, clone]);
  return { bare, clone };
}

/**
 * Makes an attempt branch the way Quartet does: a linked worktree on `branch` from `base`, files
 * written there, committed as one commit. Returns the worktree path.
 */
export function makeAttempt(
  repo: string,
  worktree: string,
  branch: string,
  base: string,
  files: Record<string, string>,
  message = 'attempt',
): string {
  mkdirSync(dirname(worktree), { recursive: true });
  git(repo, 'worktree', 'add', '-q', '-b', branch, worktree, base);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(worktree, path)), { recursive: true });
    writeFileSync(join(worktree, path), content);
  }
  git(worktree, 'add', '-A');
  git(worktree, 'commit', '-qm', message);
  return worktree;
}

/** Commits `files` on the branch checked out in `checkout` (a person working on main meanwhile). */
export function commitFiles(checkout: string, files: Record<string, string>, message: string): string {
  for (const [path, content] of Object.entries(files)) writeFileSync(join(checkout, path), content);
  git(checkout, 'add', '-A');
  git(checkout, 'commit', '-qm', message);
  return git(checkout, 'rev-parse', 'HEAD');
}
