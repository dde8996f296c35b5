// An attempt's worktree on a worker host: the base reaches it by `git push` to a bare cache repo there; made, reset and removed over ssh.

import { execFile } from 'node:child_process';
import { basename } from 'node:path';
import { repoWorktreeDir } from '../git/worktrees';
import { sanitizeKey } from '../git/pathSafety';
import { remoteCommand, remotePathWord, shellWord } from './remoteShell';
import { gitSshCommand, runSsh, sshFailure, type SshResult, type SshSettings } from './ssh';
import type { WorkerHost } from './workerConfig';

export class RemoteWorktreeError extends Error {
  constructor(
    message: string,
    /** ssh itself failed (255, timeout): the host, not the command, is the problem. */
    readonly unreachable: boolean,
  ) {
    super(message);
    this.name = 'RemoteWorktreeError';
  }
}

/** Where one attempt lives on its host; every path absolute there (resolved by the host's shell). */
export interface RemoteAttempt {
  host: string;
  /** `<root>/<repo-name>-<hash>`: this repository's folder on the host. */
  repoDir: string;
  /** The bare repo pushes go to (`<repoDir>/cache.git`). */
  cache: string;
  worktree: string;
  /** The app-server's process group id, for Stop. */
  pidFile: string;
}

/** Runs a script with `sh -c` there; positional arguments are quoted words, never shell text. */
export async function remoteScript(
  host: string,
  settings: SshSettings,
  what: string,
  script: string,
  args: readonly string[],
  opts: { input?: string | Buffer; timeoutMs?: number } = {},
): Promise<string> {
  const r = await runSsh(host, `sh -c ${shellWord(script)} ${remoteCommand(['sh', ...args])}`, settings, {
    timeoutMs: opts.timeoutMs ?? 120_000,
    input: opts.input,
  });
  if (r.code !== 0) throw remoteError(host, what, r);
  return r.stdout;
}

function remoteError(host: string, what: string, r: SshResult): RemoteWorktreeError {
  const unreachable = r.code === 255 || r.timedOut || r.code === null;
  return new RemoteWorktreeError(`${what} on ${host} failed: ${sshFailure(r)}`, unreachable);
}

/** Runs git here with the worker's ssh options (git push/fetch ride the host's shared connection). */
export function gitOverSsh(repo: string, args: string[], settings: SshSettings): Promise<string> {
  const env = { ...settings.env, GIT_SSH_COMMAND: gitSshCommand(settings), GIT_TERMINAL_PROMPT: '0' };
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: repo, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new RemoteWorktreeError(`git ${args[0]} failed: ${stderr.trim() || err.message}`, false));
      else resolve(stdout);
    });
  });
}

/** `host:path` as git reads it (scp-like); git quotes the path for the remote shell itself. */
export const gitUrl = (host: string, path: string): string => `${host}:${path}`;

const PREPARE = [
  'set -e',
  'root=$1; name=$2; task=$3; index=$4; id=$5',
  'mkdir -p -- "$root"; root=$(cd -- "$root" && pwd -P)',
  'dir="$root/$name"; mkdir -p -- "$dir/.run" "$dir/$task"',
  // Idempotent: an existing cache keeps the objects earlier attempts pushed, so the next push sends less.
  '[ -d "$dir/cache.git" ] || git init -q --bare -- "$dir/cache.git"',
  'printf "%s\\0%s\\0%s\\0" "$dir" "$dir/$task/$index" "$dir/.run/$id.pid"',
].join('\n');

/** Creates the host's folders and cache repo (idempotent) and says where the attempt goes there. */
export async function locateRemote(
  worker: WorkerHost,
  settings: SshSettings,
  a: { repo: string; attemptId: string; taskKey: string; index: number },
): Promise<RemoteAttempt> {
  // The root is expanded by the host's shell ("~" is the home there); the rest are plain words.
  const name = basename(repoWorktreeDir('/', a.repo));
  const rootWord = remotePathWord(worker.worktreeRoot);
  const script = PREPARE.replace('root=$1;', () => `root=${rootWord};`);
  const out = await remoteScript(worker.host, settings, 'preparing the worktree folder', script, [
    '',
    name,
    sanitizeKey(a.taskKey),
    String(a.index),
    sanitizeKey(a.attemptId, 80),
  ]);
  const [repoDir, worktree, pidFile] = out.split('\0');
  if (!repoDir || !worktree || !pidFile) throw new RemoteWorktreeError(`unexpected answer from ${worker.host}`, false);
  return { host: worker.host, repoDir, cache: `${repoDir}/cache.git`, worktree, pidFile };
}

const CHECKOUT = [
  'set -e',
  'cache=$1; wt=$2; branch=$3; commit=$4',
  'if [ -e "$wt/.git" ]; then',
  // Same commit as here: a retry keeps what the agent left there, as a local retry keeps its worktree.
  '  cd -- "$wt"; [ "$(git rev-parse HEAD)" = "$commit" ] || git reset -q --hard "$commit"; echo reused',
  'else',
  '  git --git-dir="$cache" worktree prune',
  '  git --git-dir="$cache" worktree add -q -f -B "$branch" -- "$wt" "$commit"; echo created',
  'fi',
].join('\n');

/**
 * Puts `commit` (the base, or the branch tip for a follow-up) on the host and the attempt's worktree
 * there on it. The push goes to a ref of the attempt's own, so attempts never race on one ref.
 */
export async function checkoutRemote(
  repo: string,
  r: RemoteAttempt,
  settings: SshSettings,
  branch: string,
  commit: string,
  attemptId: string,
): Promise<{ reused: boolean }> {
  await gitOverSsh(
    repo,
    [
      'push',
      '-q',
      '--no-verify',
      gitUrl(r.host, r.cache),
      `+${commit}:refs/quartet/attempts/${sanitizeKey(attemptId, 80)}`,
    ],
    settings,
  );
  const out = await remoteScript(r.host, settings, 'creating the worktree', CHECKOUT, [
    r.cache,
    r.worktree,
    branch,
    commit,
  ]);
  return { reused: out.trim() === 'reused' };
}

const REMOVE = [
  'cache=$1; wt=$2; branch=$3',
  '[ -d "$cache" ] || exit 0',
  'git --git-dir="$cache" worktree remove --force -- "$wt" 2>/dev/null || rm -rf -- "$wt"',
  'git --git-dir="$cache" worktree prune',
  'git --git-dir="$cache" branch -D -- "$branch" >/dev/null 2>&1',
  'true',
].join('\n');

/** Removes the attempt's worktree and branch on its host (its result is already fetched here). */
export async function removeRemote(r: RemoteAttempt, settings: SshSettings, branch: string): Promise<void> {
  await remoteScript(r.host, settings, 'removing the worktree', REMOVE, [r.cache, r.worktree, branch]);
}
