// Where a repository's supervisor keeps its state and socket (state in the git common dir, never the work tree).

import { lstatSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir, tmpdir } from 'node:os';
import { gitCommonDir } from './gitRepo';
import { stableHash } from './pathSafety';

/** Unix socket paths are limited to ~107 bytes; stay well under. */
const MAX_SOCKET_PATH = 100;

export interface SupervisorPaths {
  stateDir: string;
  socket: string;
  lock: string;
  info: string;
  log: string;
  /** Socket folders passed over and why (the supervisor logs them). */
  notes: string[];
}

const myUid = (): number => (typeof process.getuid === 'function' ? process.getuid() : 0);

/**
 * Why `dir` must not hold the socket, or null: it must be a real folder (not a link), owned by us,
 * mode 0700. Agents can write `/tmp`: a folder planted or loosened there would let them replace the socket.
 */
export function socketDirProblem(dir: string, uid: number = myUid()): string | null {
  let st;
  try {
    st = lstatSync(dir);
  } catch (err) {
    return `${dir} cannot be read: ${(err as Error).message}`;
  }
  if (st.isSymbolicLink()) return `${dir} is a symbolic link`;
  if (!st.isDirectory()) return `${dir} is not a folder`;
  if (st.uid !== uid) return `${dir} is owned by uid ${st.uid}, not ${uid}`;
  if ((st.mode & 0o777) !== 0o700) return `${dir} has mode ${(st.mode & 0o777).toString(8)}, not 700`;
  return null;
}

export interface SocketCandidate {
  /** The folder that holds the socket. */
  dir: string;
  socket: string;
  /** Folders Quartet creates on the way to `dir` (under a shared base such as /tmp); each must pass the check too. */
  created: string[];
}

/** The first candidate whose folders exist (created 0700 when missing) and pass `socketDirProblem`; the others' reasons as notes. */
export function chooseSocket(
  candidates: readonly SocketCandidate[],
  uid: number = myUid(),
): { socket: string; notes: string[] } {
  const notes: string[] = [];
  for (const c of candidates) {
    if (Buffer.byteLength(c.socket) > MAX_SOCKET_PATH) {
      notes.push(`${c.socket} is longer than ${MAX_SOCKET_PATH} bytes`);
      continue;
    }
    let problem: string | null = null;
    // The base (the git dir, the runtime dir, ~/.quartet, /tmp) is the user's or the system's: only our own levels are checked.
    try {
      if (c.created[0]) mkdirSync(dirname(c.created[0]), { recursive: true, mode: 0o700 });
    } catch (err) {
      problem = `${dirname(c.created[0] ?? c.dir)} cannot be created: ${(err as Error).message}`;
    }
    for (const d of problem ? [] : c.created) {
      try {
        // Not recursive: each level is created (or found) and checked on its own.
        mkdirSync(d, { mode: 0o700 });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST')
          problem = `${d} cannot be created: ${(err as Error).message}`;
      }
      problem ??= socketDirProblem(d, uid);
      if (problem) break;
    }
    if (!problem) return { socket: c.socket, notes };
    notes.push(`not using ${c.dir} for the socket: ${problem}`);
  }
  throw new Error(
    `no safe folder for the supervisor socket (a folder owned by you with mode 0700, not a link): ${notes.join('; ')}`,
  );
}

/** The socket folders in order: the state folder, then the per-user runtime folder, ~/.quartet/run, /tmp/quartet-<uid>/quartet. */
export function socketCandidates(
  stateDir: string,
  env: NodeJS.ProcessEnv = process.env,
  uid: number = myUid(),
): SocketCandidate[] {
  const name = `${stableHash(stateDir)}.sock`;
  const out: SocketCandidate[] = [{ dir: stateDir, socket: join(stateDir, 'supervisor.sock'), created: [stateDir] }];
  if (env.XDG_RUNTIME_DIR) {
    const dir = join(env.XDG_RUNTIME_DIR, 'quartet');
    out.push({ dir, socket: join(dir, name), created: [dir] });
  }
  const run = join(homedir(), '.quartet', 'run');
  out.push({ dir: run, socket: join(run, name), created: [run] });
  const tmp = join(tmpdir(), `quartet-${uid}`, 'quartet');
  out.push({ dir: tmp, socket: join(tmp, name), created: [dirname(tmp), tmp] });
  return out;
}

export async function supervisorPaths(repo: string): Promise<SupervisorPaths> {
  const stateDir = join(await gitCommonDir(repo), 'quartet');
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const { socket, notes } = chooseSocket(socketCandidates(stateDir));
  return {
    stateDir,
    socket,
    lock: join(stateDir, 'supervisor.lock'),
    info: join(stateDir, 'supervisor.json'),
    log: join(stateDir, 'supervisor.log'),
    notes,
  };
}
