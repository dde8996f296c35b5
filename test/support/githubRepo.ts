// Test support: a repository whose `origin` is the fake GitHub (smart HTTP, token required), seeded from the repo itself.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FakeGithub, type FakeGithubOptions } from './fakeGithub';

export interface GithubRepo {
  bare: string;
  fake: FakeGithub;
  token: string;
}

/** A token that looks like a real one, unique per test, so a leak is easy to grep for. */
export function fakeToken(): string {
  return `ghp_${randomBytes(18).toString('hex')}`;
}

/** Seeds a bare repo under `dir` with `repo`'s current branch, serves it as octo/sample, and points `repo`'s origin at it. */
export async function connectToFakeGithub(
  dir: string,
  repo: string,
  opts: Partial<FakeGithubOptions> = {},
): Promise<GithubRepo> {
  const root = join(dir, 'github');
  mkdirSync(root, { recursive: true });
  const bare = join(root, 'sample.git');
  // Only the default branch: GitHub has what was pushed, not the attempt branches of this checkout.
  const branch = execFileSync('git', ['symbolic-ref', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '-q', '--bare', '-b', branch, bare]);
  execFileSync('git', ['push', '-q', bare, `HEAD:refs/heads/${branch}`], { cwd: repo });
  const token = opts.token ?? fakeToken();
  const fake = await FakeGithub.start({ ...opts, bare, token });
  const remotes = execFileSync('git', ['remote'], { cwd: repo, encoding: 'utf8' }).split('\n');
  execFileSync('git', ['remote', remotes.includes('origin') ? 'set-url' : 'add', 'origin', fake.remoteUrl], {
    cwd: repo,
  });
  return { bare, fake, token };
}

/** Runs git in the bare repo (what "GitHub" has). */
export function bareGit(bare: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: bare, encoding: 'utf8' }).trim();
}
