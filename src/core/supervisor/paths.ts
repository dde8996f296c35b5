// Where a repository's supervisor keeps its state and socket (state in the git common dir, never the work tree).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { gitCommonDir } from '../execution/gitRepo';
import { stableHash } from '../execution/pathSafety';

/** Unix socket paths are limited to ~107 bytes; stay well under. */
const MAX_SOCKET_PATH = 100;

export interface SupervisorPaths {
  stateDir: string;
  socket: string;
  lock: string;
  info: string;
  log: string;
}

export async function supervisorPaths(repo: string): Promise<SupervisorPaths> {
  const stateDir = join(await gitCommonDir(repo), 'quartet');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  let socket = join(stateDir, 'supervisor.sock');
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
    const base = process.env.XDG_RUNTIME_DIR || join(tmpdir(), `quartet-${uid}`);
    const dir = join(base, 'quartet');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    socket = join(dir, `${stableHash(stateDir)}.sock`);
  }
  return {
    stateDir,
    socket,
    lock: join(stateDir, 'supervisor.lock'),
    info: join(stateDir, 'supervisor.json'),
    log: join(stateDir, 'supervisor.log'),
  };
}
