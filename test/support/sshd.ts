// Real OpenSSH worker hosts for tests: one Debian `sshd -D -e` per host on 127.0.0.1, throwaway keys, its own HOME and PATH.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import type { SshSettings } from '../../src/core/workers/ssh';

const SSHD = '/usr/sbin/sshd';

export interface LabHostSpec {
  /** The ssh_config alias tests use as the host string. */
  name: string;
  /** The login PATH on this host (default: node, the repo's codex and /usr/bin:/bin). */
  path?: string;
  /** Written as-is, no server started: connections are refused. */
  down?: boolean;
}

export interface LabHost {
  name: string;
  port: number;
  /** This host's login HOME (`~` on it); worktree roots go under it. */
  home: string;
  /** Kills this host's sshd and every session it serves (a host that drops). */
  kill(): Promise<void>;
}

export interface SshLab {
  dir: string;
  /** `ssh -F` file naming each host alias → 127.0.0.1:port with the lab's user key and known_hosts. */
  configFile: string;
  hosts: LabHost[];
  settings(): SshSettings;
  close(): Promise<void>;
}

export const sshdAvailable = existsSync(SSHD);

/** A login PATH with node and the repository's pinned codex, like a prepared build host. */
export function pathWithCodex(): string {
  return [dirname(process.execPath), resolve(__dirname, '../../../node_modules/.bin'), '/usr/bin', '/bin'].join(':');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

function keygen(file: string): string {
  const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'quartet-test', '-f', file]);
  if (r.status !== 0) throw new Error(`ssh-keygen failed: ${r.stderr.toString()}`);
  return readFileSync(`${file}.pub`, 'utf8').trim();
}

/** Children of `pid` (the listener's per-connection sshd processes), straight from /proc. */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone while we looked
    }
  }
  return out;
}

async function waitListening(log: () => string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 10_000;
  while (!log().includes('Server listening')) {
    if (child.exitCode !== null || Date.now() > until) throw new Error(`sshd did not start:\n${log()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startSshLab(specs: LabHostSpec[]): Promise<SshLab> {
  // Short, under /tmp: ssh control sockets must fit in ~104 bytes.
  const dir = mkdtempSync('/tmp/qssh-');
  const userKey = join(dir, 'id_user');
  const userPub = keygen(userKey);
  const controlDir = join(dir, 'cm');
  mkdirSync(controlDir, { mode: 0o700 });
  // sshd refuses to start without its privilege separation directory.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const hosts: LabHost[] = [];
  const known: string[] = [];
  const config: string[] = [];
  for (const spec of specs) {
    const hdir = join(dir, spec.name);
    const home = join(hdir, 'home');
    mkdirSync(home, { recursive: true });
    // Codex refuses to put its helpers under the temp dir, and HOME (so CODEX_HOME) is in /tmp here.
    mkdirSync(join(hdir, 'tmp'));
    const hostPub = keygen(join(hdir, 'hostkey'));
    writeFileSync(join(hdir, 'authorized_keys'), `${userPub}\n`);
    const port = await freePort();
    known.push(`[127.0.0.1]:${port} ${hostPub}`);
    config.push(
      `Host ${spec.name}`,
      '  HostName 127.0.0.1',
      `  Port ${port}`,
      `  User ${process.env.USER || 'root'}`,
      `  IdentityFile ${userKey}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${join(dir, 'known_hosts')}`,
      '  StrictHostKeyChecking yes',
      '',
    );
    // As root in a container: no PAM, no strict modes on /tmp, keys only. SetEnv gives each "host" its own HOME and PATH.
    const sshdConfig = [
      'ListenAddress 127.0.0.1',
      `Port ${port}`,
      `HostKey ${join(hdir, 'hostkey')}`,
      'PidFile none',
      'UsePAM no',
      'StrictModes no',
      'PermitRootLogin prohibit-password',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      `AuthorizedKeysFile ${join(hdir, 'authorized_keys')}`,
      `SetEnv HOME=${home} TMPDIR=${join(hdir, 'tmp')} PATH=${spec.path ?? pathWithCodex()}`,
      'PrintMotd no',
      'MaxStartups 100',
      'MaxSessions 100',
    ];
    writeFileSync(join(hdir, 'sshd_config'), `${sshdConfig.join('\n')}\n`);
    let child: ChildProcess | null = null;
    if (!spec.down) {
      const c = spawn(SSHD, ['-D', '-e', '-f', join(hdir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      let log = '';
      c.stderr?.on('data', (b: Buffer) => (log = (log + b.toString()).slice(-20_000)));
      await waitListening(() => log, c);
      child = c;
    }
    const kill = async (): Promise<void> => {
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
      const listener = child.pid;
      // Killing the listener alone leaves its sessions running: end them first, and let the listener reap
      // them (once it is gone they would be zombies of an init that may never reap).
      const sessions = childrenOf(listener);
      for (const pid of sessions) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      const until = Date.now() + 2000;
      while (sessions.some((pid) => existsSync(`/proc/${pid}`)) && Date.now() < until)
        await new Promise((r) => setTimeout(r, 10));
      const exited = new Promise((r) => child?.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    };
    hosts.push({ name: spec.name, port, home, kill });
  }
  writeFileSync(join(dir, 'known_hosts'), `${known.join('\n')}\n`);
  writeFileSync(join(dir, 'ssh_config'), config.join('\n'));
  chmodSync(join(dir, 'ssh_config'), 0o600);
  const configFile = join(dir, 'ssh_config');
  return {
    dir,
    configFile,
    hosts,
    settings: () => ({
      configFile,
      controlDir,
      controlPersistSeconds: 60,
      connectTimeoutSeconds: 5,
      env: { ...process.env },
    }),
    async close() {
      for (const h of hosts)
        spawnSync('ssh', ['-F', configFile, '-o', `ControlPath=${join(controlDir, '%C')}`, '-O', 'exit', h.name], {
          stdio: 'ignore',
        });
      await Promise.all(hosts.map((h) => h.kill()));
      // Shared connections see their server gone and exit on their own; remove what is left of them.
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
