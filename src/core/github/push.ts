// Push an attempt's branch (and fetch the base) with the token given only to that git process, never forced.

import { refCommit, runGit } from '../git/git';
import { GithubError, withoutSecret } from './errors';

/** Land pushes only the branches Quartet created; everything else is the person's and never rewritten. */
export const OWNED_PREFIX = 'quartet/';

/**
 * Environment that hands git an `Authorization` header for this remote's host only, through
 * GIT_CONFIG_COUNT/KEY/VALUE: not in argv (visible to `ps`), not in .git/config, not in any log.
 * Non-http remotes (ssh, a local path, file://) get no header; they use their own credentials.
 */
export function gitAuthEnv(
  remoteUrl: string,
  token: string | null,
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  // Never wait on a credential prompt nobody will answer.
  const env: NodeJS.ProcessEnv = { ...base, GIT_TERMINAL_PROMPT: '0' };
  if (!token || !/^https?:\/\//i.test(remoteUrl)) return env;
  const u = new URL(remoteUrl);
  const n = Number(base.GIT_CONFIG_COUNT ?? 0) || 0;
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64');
  env.GIT_CONFIG_COUNT = String(n + 1);
  env[`GIT_CONFIG_KEY_${n}`] = `http.${u.protocol}//${u.host}/.extraHeader`;
  env[`GIT_CONFIG_VALUE_${n}`] = `Authorization: Basic ${basic}`;
  return env;
}

export interface PushInput {
  repo: string;
  remote: string;
  remoteUrl: string;
  branch: string;
  /** The task's base: never pushed by a land. */
  baseBranch: string;
  token: string | null;
}

/** Pushes `branch` to the same name on `remote` as a fast-forward; returns the pushed commit. */
export async function pushBranch(i: PushInput): Promise<string> {
  if (i.branch === i.baseBranch || !i.branch.startsWith(OWNED_PREFIX)) {
    throw new GithubError(
      `refusing to push ${i.branch}: a land pushes only the attempt's own ${OWNED_PREFIX}… branch, never the base`,
      'github_push_rejected',
    );
  }
  const sha = await refCommit(i.repo, `refs/heads/${i.branch}`);
  if (!sha) throw new GithubError(`branch ${i.branch} does not exist`, 'github_push_failed');
  // --no-verify: a pre-push hook would run with the token in its environment.
  const r = await runGit(
    i.repo,
    ['push', '--no-verify', '--porcelain', i.remote, `refs/heads/${i.branch}:refs/heads/${i.branch}`],
    gitAuthEnv(i.remoteUrl, i.token),
  );
  if (r.code === 0) return sha;
  const out = withoutSecret(`${r.stdout}\n${r.stderr}`.trim(), i.token ?? undefined);
  if (/\[rejected\]|non-fast-forward|fetch first|\[remote rejected\]/.test(out)) {
    throw new GithubError(
      `the push of ${i.branch} to ${i.remote} was rejected: the remote branch has commits that are not on the attempt's branch (someone pushed to it?). Quartet never force-pushes; bring those commits into the attempt, then land again.\n${out}`,
      'github_push_rejected',
    );
  }
  throw new GithubError(`git push ${i.remote} ${i.branch} failed: ${out}`, 'github_push_failed');
}

/** Fetches `branch` from `remote` into refs/remotes/<remote>/<branch>; returns its commit. */
export async function fetchBranch(i: {
  repo: string;
  remote: string;
  remoteUrl: string;
  branch: string;
  token: string | null;
}): Promise<string> {
  const tracking = `refs/remotes/${i.remote}/${i.branch}`;
  const r = await runGit(
    i.repo,
    ['fetch', '--no-tags', '--quiet', i.remote, `+refs/heads/${i.branch}:${tracking}`],
    gitAuthEnv(i.remoteUrl, i.token),
  );
  if (r.code !== 0)
    throw new GithubError(
      `git fetch ${i.remote} ${i.branch} failed: ${withoutSecret(r.stderr.trim(), i.token ?? undefined)}`,
      'github_push_failed',
    );
  const sha = await refCommit(i.repo, tracking);
  if (!sha) throw new GithubError(`${i.remote} has no branch ${i.branch}`, 'github_push_failed');
  return sha;
}
