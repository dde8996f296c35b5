// The handshake every client does before its first call: find the repository's supervisor, then use, keep, replace or start one.

import { closeSync, openSync, readFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { currentBuild } from '../contract/buildStamp';
import { busyReport } from '../contract/busy';
import type { SupervisorPaths } from '../git/supervisorPaths';
import { isAlive } from '../execution/processTree';
import { decideHandshake, SupervisorMismatchError, type FoundSupervisor } from './handshake';
import { callRoute, notDelivered, SupervisorError } from './transport';
import { routeRequest } from './routeRequest';

export interface ConnectOptions {
  repo: string;
  /** Path of dist/supervisor.js, started with the current Node when no supervisor answers. */
  supervisorEntry: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  startTimeoutMs?: number;
  /** Use whichever supervisor answers, whatever its build (`quartet supervisor stop` must reach even a refused one). */
  anyBuild?: boolean;
}

export interface HandshakeOutcome {
  /** use: same build (or a newer one this client can talk to); keep: an older, busy one; started: none answered; replaced: an idle older one made way. */
  action: 'use' | 'keep' | 'started' | 'replaced';
  supervisor: FoundSupervisor;
  /** Set while an older supervisor is kept: the extension's tree and the CLI show it. */
  warning: string | null;
}

/** How long a replaced supervisor may take to exit before ours is started anyway (it then waits for the lock). */
const EXIT_WAIT_MS = 20_000;
/** A supervisor that turns busy between our hello and our shutdown is asked again at most this often. */
const MAX_ROUNDS = 3;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function infoPid(paths: SupervisorPaths): number | null {
  try {
    return (JSON.parse(readFileSync(paths.info, 'utf8')) as { pid?: number }).pid ?? null;
  } catch {
    return null;
  }
}

/** Who answers on the socket, or null when nobody does (or nothing sensible: then a new one is started, as always). */
async function probe(paths: SupervisorPaths): Promise<FoundSupervisor | null> {
  try {
    const h = await callRoute(paths.socket, 'hello', { ...routeRequest('hello'), timeoutMs: 5000 });
    return { stamp: { apiVersion: h.apiVersion, buildId: h.buildId, builtAt: h.builtAt }, pid: h.pid, busy: h.busy };
  } catch (err) {
    // A supervisor from before the handshake reads "hello" as a task id it does not know.
    if (!(err instanceof SupervisorError && err.status === 404)) return null;
    try {
      const s = await callRoute(paths.socket, 'snapshot', { ...routeRequest('snapshot'), timeoutMs: 5000 });
      return { stamp: null, pid: infoPid(paths), busy: busyReport(s) };
    } catch {
      return null;
    }
  }
}

/** Asks an idle supervisor to shut down and waits for it to be gone; false when it turned busy meanwhile. */
async function stopIfIdle(paths: SupervisorPaths, pid: number | null): Promise<boolean> {
  try {
    await callRoute(paths.socket, 'shutdown', {
      ...routeRequest('shutdown', { body: { ifIdle: true } }),
      timeoutMs: 10_000,
    });
  } catch (err) {
    if (err instanceof SupervisorError && err.status === 409) return false;
    if (!notDelivered(err)) throw err;
  }
  const deadline = Date.now() + EXIT_WAIT_MS;
  while (Date.now() < deadline && (pid ? isAlive(pid) : (await probe(paths)) !== null)) await sleep(100);
  return true;
}

/** Starts the supervisor detached (the existing start path) and waits until it answers. */
async function start(opts: ConnectOptions, paths: SupervisorPaths): Promise<FoundSupervisor> {
  opts.log?.(`starting the supervisor for ${opts.repo}`);
  const out = openSync(paths.log, 'a', 0o600);
  const child = spawn(process.execPath, [opts.supervisorEntry, '--repo', opts.repo], {
    detached: true,
    stdio: ['ignore', out, out],
    env: { ...(opts.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
    cwd: opts.repo,
  });
  child.unref();
  closeSync(out);
  const timeout = opts.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    // Whoever answers now is used, whatever its build: a client that raced us may have started its own.
    const found = await probe(paths);
    if (found) return found;
    await sleep(100);
  }
  throw new Error(`the Quartet supervisor did not start within ${timeout} ms; see ${paths.log}`);
}

export async function connectSupervisor(opts: ConnectOptions, paths: SupervisorPaths): Promise<HandshakeOutcome> {
  const log = (line: string): void => opts.log?.(line);
  let replaced = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const found = await probe(paths);
    if (!found) break;
    if (opts.anyBuild) return { action: 'use', supervisor: found, warning: null };
    const d = decideHandshake(currentBuild(), found);
    if (d.action === 'refuse') throw new SupervisorMismatchError(d.message);
    if (d.action === 'use') {
      if (d.note) log(d.note);
      return { action: 'use', supervisor: found, warning: null };
    }
    if (d.action === 'keep') {
      log(d.warning);
      return { action: 'keep', supervisor: found, warning: d.warning };
    }
    log(`replacing the supervisor (pid ${found.pid ?? '?'}): ${d.why}`);
    if (await stopIfIdle(paths, found.pid)) {
      replaced = true;
      break;
    }
    // It took on work between our hello and the shutdown: ask again, it is now kept or refused.
  }
  const supervisor = await start(opts, paths);
  return { action: replaced ? 'replaced' : 'started', supervisor, warning: null };
}
