// A remote attempt's skills go out and its result comes back: tar of the skill folders over ssh; commit there, `git fetch` here.

import { execFile } from 'node:child_process';
import { QUARTET_GIT_IDENTITY, type CommitResult } from '../git/worktrees';
import { sanitizeKey } from '../git/pathSafety';
import { excludedByQuartet, linkedWorktree } from '../skills/worktreeExclude';
import { gitOverSsh, gitUrl, remoteScript, RemoteWorktreeError, type RemoteAttempt } from './remoteWorktree';
import type { SshSettings } from './ssh';

/** The skill folders Quartet installed in the local worktree (its per-worktree exclude lists them). */
export async function installedSkillDirs(localWorktree: string): Promise<string[]> {
  const { gitDir } = await linkedWorktree(localWorktree);
  return excludedByQuartet(gitDir)
    .map((p) => p.replace(/^\//, '').replace(/\/$/, ''))
    .filter((rel) => rel && !rel.split('/').includes('..'));
}

function tarOf(dir: string, rels: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile('tar', ['-C', dir, '-cf', '-', '--', ...rels], { encoding: 'buffer', maxBuffer: 64 << 20 }, (err, out) =>
      err ? reject(err) : resolve(out),
    );
  });
}

const UNPACK = [
  'set -e',
  'cd -- "$1"; shift',
  // Same names as the local worktree's exclude: Codex finds the skills, git status and the commit never see them.
  'ex=$(git rev-parse --git-path info/exclude); mkdir -p -- "$(dirname -- "$ex")"; touch -- "$ex"',
  'for rel; do grep -qxF -- "/$rel/" "$ex" || printf "/%s/\\n" "$rel" >> "$ex"; done',
  'tar -xf -',
].join('\n');

/** Copies the skills installed here into the worktree on the host; returns the folders sent. */
export async function sendSkills(localWorktree: string, r: RemoteAttempt, settings: SshSettings): Promise<string[]> {
  const rels = await installedSkillDirs(localWorktree);
  if (!rels.length) return [];
  const tar = await tarOf(localWorktree, rels);
  await remoteScript(r.host, settings, 'copying skills', UNPACK, [r.worktree, ...rels], { input: tar });
  return rels;
}

const COMMIT = [
  'set -e',
  'cd -- "$1"',
  'git add -A',
  'n=$(git diff --cached --name-only -z | tr -cd "\\000" | wc -c)',
  // --no-verify: the repo's checks run in Quartet's scorecard, as for a local attempt.
  `if [ "$n" -gt 0 ]; then git ${QUARTET_GIT_IDENTITY.join(' ')} commit --no-verify -q -F -; fi`,
  'printf "%s\\0%s\\0" "$n" "$(git rev-parse HEAD)"',
].join('\n');

export interface FetchedResult extends CommitResult {
  /** The tip of the attempt's branch there, now in this repository. */
  tip: string;
}

/**
 * Commits what the agent left there (as Quartet, like a local attempt), then fetches the branch into
 * this repository under a ref of the attempt's own; the caller moves the local branch onto it.
 */
export async function commitAndFetch(
  repo: string,
  r: RemoteAttempt,
  settings: SshSettings,
  a: { attemptId: string; branch: string; message: string },
): Promise<FetchedResult> {
  const out = await remoteScript(r.host, settings, 'committing the result', COMMIT, [r.worktree], { input: a.message });
  const [n, tip] = out.split('\0');
  if (!tip || !/^[0-9a-f]{40,64}$/.test(tip)) throw new RemoteWorktreeError(`unexpected answer from ${r.host}`, false);
  const ref = `refs/quartet/fetched/${sanitizeKey(a.attemptId, 80)}`;
  await gitOverSsh(
    repo,
    ['fetch', '-q', '--no-tags', gitUrl(r.host, r.cache), `+refs/heads/${a.branch}:${ref}`],
    settings,
  );
  const files = Number(n) || 0;
  return { commit: files > 0 ? tip : null, files, tip };
}
