// Runs commands on worker hosts with the system's OpenSSH client: the user's config and agent, one shared connection per host.

import { spawn } from 'node:child_process';
import { lstatSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { invalidHost, RemoteQuotingError, shellWord } from './remoteShell';

export interface SshSettings {
  /** `ssh -F FILE` instead of `~/.ssh/config` (e.g. a config only for build hosts); null: the user's own. */
  configFile: string | null;
  /** Where the ControlMaster sockets live; a socket path has ~104 bytes, so keep it short. */
  controlDir: string;
  /** How long an idle shared connection stays up after its last command. */
  controlPersistSeconds: number;
  connectTimeoutSeconds: number;
  /** The environment ssh runs with: `SSH_AUTH_SOCK` (the user's agent) comes from here. */
  env: NodeJS.ProcessEnv;
}

export interface SshResult {
  /** The remote command's exit code; 255 is ssh's own failure (unreachable, refused, auth). */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Room ssh needs past the directory: `/` + 40 hex of `%C` + the 17-byte temporary suffix it binds first. */
const SOCKET_NAME_ROOM = 1 + 40 + 17;
const MAX_SOCKET_PATH = 104;
const OUTPUT_CAP = 1 << 20;

/** A private (0700, ours) folder for control sockets: `$XDG_RUNTIME_DIR/quartet-ssh`, else `/tmp/quartet-ssh-<uid>`. */
export function defaultControlDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = process.getuid?.() ?? 0;
  const candidates = [env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'quartet-ssh') : null, `/tmp/quartet-ssh-${uid}`];
  for (const dir of candidates) {
    if (!dir || dir.length + SOCKET_NAME_ROOM > MAX_SOCKET_PATH) continue;
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      const st = lstatSync(dir);
      // Anyone who can write here could plant a socket and take over our ssh sessions.
      if (st.isDirectory() && st.uid === uid && (st.mode & 0o077) === 0) return dir;
    } catch {
      // try the next one
    }
  }
  throw new Error(
    'no private directory for ssh control sockets ($XDG_RUNTIME_DIR/quartet-ssh or /tmp/quartet-ssh-<uid> must be a 0700 folder of yours)',
  );
}

export function defaultSshSettings(env: NodeJS.ProcessEnv = process.env): SshSettings {
  return {
    configFile: env.QUARTET_SSH_CONFIG || null,
    controlDir: defaultControlDir(env),
    controlPersistSeconds: 300,
    connectTimeoutSeconds: 10,
    env,
  };
}

/** The options every ssh call to a worker uses (no host, no command): also what git's GIT_SSH_COMMAND runs. */
export function sshOptions(settings: SshSettings): string[] {
  const socketPath = join(settings.controlDir, '%C');
  if (settings.controlDir.length + SOCKET_NAME_ROOM > MAX_SOCKET_PATH)
    throw new Error(`ssh control directory ${settings.controlDir} is too long for a socket path`);
  return [
    ...(settings.configFile ? ['-F', settings.configFile] : []),
    // Never ask: a prompt nobody sees would hang an attempt. Host keys are checked as the user's config says.
    '-o',
    'BatchMode=yes',
    '-o',
    'ControlMaster=auto',
    '-o',
    `ControlPath=${socketPath}`,
    '-o',
    `ControlPersist=${settings.controlPersistSeconds}`,
    '-o',
    `ConnectTimeout=${settings.connectTimeoutSeconds}`,
    // A host that vanishes without closing the connection (a network drop) is noticed in ~45 s, not never.
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=3',
    // A worker runs agents' code: it gets neither the user's agent nor X11, and the user's forwards stay theirs.
    '-o',
    'ForwardAgent=no',
    '-o',
    'ForwardX11=no',
    '-o',
    'ClearAllForwardings=yes',
    '-T',
  ];
}

/**
 * `GIT_SSH_COMMAND` for git push/fetch to a worker: the same options, so git rides the host's shared
 * connection. git runs it through the local shell, so every word is quoted (POSIX rules, as remoteShell's).
 */
export function gitSshCommand(settings: SshSettings): string {
  return ['ssh', ...sshOptions(settings)].map(shellWord).join(' ');
}

/** The ssh argv for one remote command (already quoted by `remoteShell`), or for a control operation (`-O exit`). */
export function sshArgv(
  host: string,
  settings: SshSettings,
  remote: { command: string } | { control: 'check' | 'exit' },
): string[] {
  const bad = invalidHost(host);
  if (bad) throw new RemoteQuotingError(bad);
  const argv = sshOptions(settings);
  if ('control' in remote) return [...argv, '-O', remote.control, '--', host];
  return [...argv, '--', host, remote.command];
}

/** Runs one remote command; never throws for a failed command — the caller reads `code` (255: ssh itself failed). */
export function runSsh(
  host: string,
  command: string,
  settings: SshSettings,
  opts: { timeoutMs?: number; input?: string | Buffer } = {},
): Promise<SshResult> {
  return runSshArgv(sshArgv(host, settings, { command }), settings.env, opts);
}

/** Ends the shared connection to `host` (at shutdown; a dropped host's master ends on its own). */
export async function closeSshMaster(host: string, settings: SshSettings): Promise<void> {
  await runSshArgv(sshArgv(host, settings, { control: 'exit' }), settings.env, { timeoutMs: 5000 });
}

function runSshArgv(
  argv: string[],
  env: NodeJS.ProcessEnv,
  opts: { timeoutMs?: number; input?: string | Buffer },
): Promise<SshResult> {
  return new Promise((resolve) => {
    const child = spawn('ssh', argv, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const take = (into: Buffer[]) => (b: Buffer) => {
      if (size >= OUTPUT_CAP) return;
      size += b.length;
      into.push(b);
    };
    child.stdout.on('data', take(out));
    child.stderr.on('data', take(err));
    let timedOut = false;
    const timer = opts.timeoutMs ? setTimeout(() => ((timedOut = true), child.kill('SIGKILL')), opts.timeoutMs) : null;
    child.on('error', (e) => err.push(Buffer.from(`ssh could not start: ${e.message}\n`)));
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({
        code: code ?? (child.exitCode === null ? null : child.exitCode),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** ssh's own complaint (the last non-empty stderr line), for an error a person can act on. */
export function sshFailure(result: SshResult): string {
  if (result.timedOut) return 'ssh did not answer in time';
  const line = result.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .pop();
  return line ?? `ssh exited with ${result.code ?? 'a signal'}`;
}
