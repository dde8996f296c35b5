// The remote side of one attempt's run: worktree on its host, Codex over ssh, the result fetched back into the local worktree.

import { execFile } from 'node:child_process';
import type { CodexSpawn } from '../execution/codexSpawn';
import type { CommitResult } from '../git/worktrees';
import { sanitizeKey } from '../git/pathSafety';
import { remoteCodexSpawn } from './remoteSpawn';
import { checkoutRemote, locateRemote, removeRemote, RemoteWorktreeError, type RemoteAttempt } from './remoteWorktree';
import { commitAndFetch, sendSkills } from './remoteResult';
import { runSsh } from './ssh';
import type { WorkerPool } from './workerPool';

export interface RemoteAttemptInput {
  repo: string;
  host: string;
  attemptId: string;
  taskKey: string;
  index: number;
  branch: string;
}

function workerOf(pool: WorkerPool, host: string) {
  const w = pool.worker(host);
  if (!w) throw new RemoteWorktreeError(`${host} is no longer in quartet.workers`, true);
  return w;
}

export function locate(pool: WorkerPool, a: RemoteAttemptInput): Promise<RemoteAttempt> {
  return locateRemote(workerOf(pool, a.host), pool.settings(), a);
}

export interface RemoteRun {
  remote: RemoteAttempt;
  spawn: CodexSpawn;
}

/** Where the attempt goes on its host (folders and cache repo made there) and how Codex will start; one round trip. */
export async function locateRemoteRun(pool: WorkerPool, a: RemoteAttemptInput): Promise<RemoteRun> {
  const remote = await locate(pool, a);
  const spawn = remoteCodexSpawn({
    host: a.host,
    settings: pool.settings(),
    worktree: remote.worktree,
    pidFile: remote.pidFile,
    localCwd: a.repo,
  });
  return { remote, spawn };
}

/** Puts `commit` (the local branch tip) and the worktree on it there, then the local worktree's skills. */
export async function readyRemoteRun(
  pool: WorkerPool,
  run: RemoteRun,
  a: RemoteAttemptInput & { commit: string; localWorktree: string },
): Promise<{ reused: boolean; skills: string[] }> {
  const settings = pool.settings();
  const { reused } = await checkoutRemote(a.repo, run.remote, settings, a.branch, a.commit, a.attemptId);
  const skills = await sendSkills(a.localWorktree, run.remote, settings);
  return { reused, skills };
}

function git(cwd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('git', args, { cwd }, (err, out, stderr) =>
      err ? reject(new Error(stderr.trim() || err.message)) : resolve(out),
    ),
  );
}

/**
 * Commits on the host, fetches the branch back and moves the local worktree (and so the local branch)
 * onto it: diff, checks, compare, land and rework then work on the local worktree as for any attempt.
 */
export async function finishRemoteRun(
  pool: WorkerPool,
  a: RemoteAttemptInput & { localWorktree: string; message: string },
): Promise<CommitResult> {
  const remote = await locate(pool, a);
  const r = await commitAndFetch(a.repo, remote, pool.settings(), a);
  // The local worktree holds nothing of its own (the agent worked there): only Quartet's untracked skills, kept.
  await git(a.localWorktree, ['reset', '-q', '--hard', r.tip]);
  await git(a.repo, ['update-ref', '-d', `refs/quartet/fetched/${sanitizeKey(a.attemptId, 80)}`]);
  return { commit: r.commit, files: r.files };
}

/** Removes the attempt's worktree and branch on its host (Delete Task, Clean Up); the result is already here. */
export async function removeRemoteRun(pool: WorkerPool, a: RemoteAttemptInput): Promise<void> {
  const remote = await locate(pool, a);
  await removeRemote(remote, pool.settings(), a.branch);
}

/** One quick round trip: did the host (not the command) go away? */
export async function hostReachable(pool: WorkerPool, host: string): Promise<boolean> {
  if (!pool.worker(host)) return false;
  const r = await runSsh(host, 'true', pool.settings(), { timeoutMs: 20_000 });
  return r.code === 0;
}
