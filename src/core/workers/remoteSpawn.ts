// `codex app-server` on a worker host over ssh stdio: its own process group there (setsid), a pid file to end it by.

import type { CodexSpawn, SpawnSpec } from '../execution/codexSpawn';
import { remoteCommand, RemoteQuotingError, shellWord } from './remoteShell';
import { runSsh, sshArgv, type SshSettings } from './ssh';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The remote command: cd into the worktree, then `setsid -w` so Codex and every shell it starts form
 * one process group whose id (the pid file) Stop can signal; `-w` keeps ssh's session open until it
 * exits, so its stdio is the JSON-RPC channel. Only `env` is set there, on top of the host's login env.
 */
export function remoteCodexCommand(
  worktree: string,
  pidFile: string,
  argv: readonly string[],
  env: Record<string, string>,
): string {
  const assigns = Object.entries(env).map(([k, v]) => {
    if (!ENV_NAME.test(k)) throw new RemoteQuotingError(`${JSON.stringify(k)} is not an environment variable name`);
    return `${k}=${v}`;
  });
  // In `sh -c`, $0 is the pid file and "$@" the command: no value is ever parsed as shell text.
  const inner = 'echo $$ > "$0" && exec env "$@"';
  return `cd -- ${shellWord(worktree)} && exec setsid -w sh -c ${shellWord(inner)} ${remoteCommand([pidFile, '--', ...assigns, ...argv])}`;
}

/** Ends the group whose leader wrote `pidFile`, then the file; a missing file or host is not an error. */
export function killGroupCommand(pidFile: string): string {
  const f = shellWord(pidFile);
  return `if [ -s ${f} ]; then p=$(cat -- ${f}); kill -s KILL -- "-$p" 2>/dev/null; rm -f -- ${f}; fi; true`;
}

export interface RemoteSpawnInput {
  host: string;
  settings: SshSettings;
  /** Absolute paths on the host (resolved there). */
  worktree: string;
  pidFile: string;
  /** A local folder for the ssh client's cwd (it reads nothing there). */
  localCwd: string;
}

export function remoteCodexSpawn(input: RemoteSpawnInput): CodexSpawn {
  const { host, settings, worktree, pidFile } = input;
  return {
    host,
    worktree,
    spawn(argv, env): SpawnSpec {
      // The local ssh client carries the attempt's tag too (found and ended like a local Codex), nothing else of ours.
      const tag = Object.fromEntries(Object.entries(env).filter(([k]) => k === 'QUARTET_ATTEMPT_ID'));
      const local = Object.fromEntries(
        Object.entries(settings.env).filter((e): e is [string, string] => typeof e[1] === 'string'),
      );
      return {
        file: 'ssh',
        args: sshArgv(host, settings, { command: remoteCodexCommand(worktree, pidFile, argv, env) }),
        cwd: input.localCwd,
        env: { ...local, ...tag },
      };
    },
    async killRemote() {
      await runSsh(host, killGroupCommand(pidFile), settings, { timeoutMs: 15_000 }).catch(() => undefined);
    },
  };
}
