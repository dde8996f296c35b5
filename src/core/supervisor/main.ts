// Entry point of a repository's supervisor daemon: `node dist/supervisor.js --repo DIR`.

import { chmodSync, existsSync, readdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Orchestrator } from '../orchestrator/orchestrator';
import { findRepoRoot } from '../git/gitRepo';
import { scrubSecrets, secretValues } from '../config/secrets';
import { createSupervisorServer } from './server';
import { supervisorPaths } from '../git/supervisorPaths';
import { releaseLock, takeLock } from './supervisorLock';
import { killTree, pidsByEnvValue } from '../execution/processTree';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { AutopilotService } from './autopilotService';
import { workflowAutopilotSetup } from './workflowAutopilot';
import { SecretRegistry } from '../config/secretRegistry';
import { TEST_TRACKER_ENV } from '../autopilot/testTracker';
import { isTerminal } from '../../shared/model';
import { SupervisorIdentity } from './supervisorIdentity';
import { busyReport, describeBusy, isBusy } from '../contract/busy';
import type { BusyReport } from '../contract/hello';
import { readServeConfig } from './serve/serveConfig';
import { startHttpServe, type HttpServe } from './serve/httpServe';
import { startHeadlessAutopilot } from './serve/headlessAutopilot';

const IDLE_EXIT_MS = Number(process.env.QUARTET_SUPERVISOR_IDLE_MS ?? 30 * 60_000);
/** How long a new supervisor waits for a shutting-down owner to release the repository's lock. */
const LOCK_WAIT_MS = 15_000;

/** Secret values held in memory (tracker credentials a client sent): never in the log, journals or state. */
const secrets = new SecretRegistry();

function log(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${secrets.redact(line)}\n`);
}

async function main(): Promise<void> {
  const i = process.argv.indexOf('--repo');
  const repo = await findRepoRoot(i > 0 ? (process.argv[i + 1] ?? '.') : process.cwd());
  if (!repo) {
    process.stderr.write('quartet supervisor: --repo is not inside a git repository\n');
    process.exit(2);
  }
  // `quartet serve`: the listen address and tokens come on stdin (never argv or env, which other users' tools can read).
  const serve = await readServeConfig(process.argv, process.stdin).catch((err: unknown) => {
    process.stderr.write(`quartet supervisor: ${(err as Error).message}\n`);
    process.exit(2);
  });
  if (serve) secrets.add([serve.authToken ?? '', serve.trackerToken ?? '']);
  const paths = await supervisorPaths(repo);
  for (const note of paths.notes) log(note);
  // A client starts us when nobody answers on the socket: usually the owner is shutting down
  // (it stops answering first, then ends its attempts). Wait for it rather than leave the client without one.
  const lockDeadline = Date.now() + LOCK_WAIT_MS;
  while (!takeLock(paths.lock)) {
    if (Date.now() > lockDeadline) {
      log('another supervisor owns this repository; exiting');
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const orch = new Orchestrator({
    repo,
    stateDir: paths.stateDir,
    env: scrubSecrets(process.env),
    secrets: secretValues(process.env),
    log,
    secretValues: () => secrets.list(),
  });
  orch.start();
  void sweepStrays(orch, paths.stateDir, 'a previous supervisor');
  const setup = workflowAutopilotSetup({
    workflow: orch.workflow,
    env: orch.env,
    localTasks: () => orch.snapshot().tasks,
    log,
    testTrackerFile: process.env[TEST_TRACKER_ENV] || undefined,
  });
  const autopilot = new AutopilotService(orch, setup, log, { stateDir: paths.stateDir, secrets });
  let subscribers = 0;
  // The persisted setting counts from the start, not only once a client re-sends it.
  let stopOnLastClient = orch.currentSettings.stopWhenLastClientDisconnects;
  let shuttingDown = false;
  let http: HttpServe | null = null;
  const shutdown = async (why: string, exitCode = 0): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`shutting down (${why})`);
    // Stopped, but still wanted: the next supervisor starts it again.
    autopilot.stop('the supervisor is shutting down', { keepWish: true });
    // Stop answering at once: a client that connects now starts the next supervisor, which waits for our lock.
    server.close();
    http?.close();
    if (existsSync(paths.socket)) unlinkSync(paths.socket);
    // Our children must not outlive us: the next supervisor marks them interrupted and offers a retry.
    await orch.stopAll('supervisor_restart');
    // State first: checks cut off below stay "running" on disk, and the next supervisor runs them again.
    orch.dispose();
    // Checks and anything an agent left in the background (tagged with its attempt) go with us.
    await sweepStrays(orch, paths.stateDir, 'this supervisor');
    releaseLock(paths.lock);
    process.exit(exitCode);
  };
  const busy = (): BusyReport =>
    busyReport(orch.snapshot(), {
      ...orch.inMemoryWork(),
      requests: server.activeRequests(),
      autopilot: autopilot.isRunning,
      serving: serve !== null,
    });
  // A newer client called: this build makes way as soon as nothing runs. Clients, connected windows included,
  // do not hold it: their next call (or reconnect) starts the newer build, which reloads the persisted state.
  const restartIfOutdated = (): void => {
    const newer = identity.restartPending;
    if (newer && !shuttingDown && !isBusy(busy()))
      void shutdown(`Quartet was updated (build ${newer.buildId}); restarting on the new build now that nothing runs`);
  };
  // One pending check however many changes come (up to ten a second while attempts stream).
  let restartCheck: NodeJS.Timeout | null = null;
  const checkRestartSoon = (): void => {
    restartCheck ??= setTimeout(() => {
      restartCheck = null;
      restartIfOutdated();
    }, 1000).unref();
  };
  const identity = new SupervisorIdentity((newer) => {
    const now = busy();
    log(
      `a client of a newer build (${newer.buildId}, API ${newer.apiVersion}) connected; this one is ${identity.stamp.buildId} (API ${identity.stamp.apiVersion}): ${isBusy(now) ? `restarting once idle (${describeBusy(now)})` : 'restarting now'}`,
    );
    // Not at once: the client is still in its handshake (it may be asking us to shut down itself).
    checkRestartSoon();
  });
  const server = createSupervisorServer(
    orch,
    {
      onShutdown: () => void shutdown('requested by a client'),
      onSubscribers: (n) => {
        subscribers = n;
        if (n !== 0) return;
        // Logged either way: the decision is what a person (and a test) looks for, not the absence of a stop.
        log(
          stopOnLastClient
            ? 'last client left: stopping every attempt (quartet.stopAttemptsWhenLastClientDisconnects is on)'
            : 'last client left: attempts keep running (quartet.stopAttemptsWhenLastClientDisconnects is off)',
        );
        if (stopOnLastClient) void orch.stopAll('stopped_by_user');
      },
      identity,
      busy,
    },
    autopilot,
  );
  // The last attempt ending is a change: an outdated supervisor restarts then, not at the next idle tick.
  orch.on('change', () => {
    if (identity.restartPending) checkRestartSoon();
  });
  orch.on('settings', (s: { stopWhenLastClientDisconnects?: boolean }) => {
    stopOnLastClient = s.stopWhenLastClientDisconnects === true;
  });
  if (existsSync(paths.socket)) unlinkSync(paths.socket); // stale: we hold the lock, so nobody serves it
  server.listen(paths.socket, () => {
    chmodSync(paths.socket, 0o600);
    writeFileSync(paths.info, JSON.stringify(identity.info(paths.socket, repo)), { mode: 0o600 });
    log(
      `supervisor for ${repo} (build ${identity.stamp.buildId}, API ${identity.stamp.apiVersion}) listening on ${paths.socket}`,
    );
    if (serve) {
      startHttpServe({ config: serve, api: server, orch, root: join(__dirname, '..'), log }).then(
        (h) => {
          http = h;
          log(
            `quartet serve: listening on ${h.url} (${serve.authToken ? 'state-changing requests need the token' : 'read-only: started without a token'})`,
          );
          void startHeadlessAutopilot(autopilot, serve, process.env, log);
        },
        (err: unknown) => {
          process.stderr.write(
            `quartet serve: cannot listen on ${serve.host}:${serve.port}: ${(err as Error).message}\n`,
          );
          void shutdown('the HTTP port is not available', 2);
        },
      );
      return;
    }
    // It was running before this supervisor started: start it again (or say why it cannot).
    void autopilot.resumeIfWanted();
  });
  // Retention (quartet.retention): at startup and hourly; unsaved work is archived first, archives are never deleted.
  const sweep = (): void =>
    void orch.cleanup.sweep().catch((err: unknown) => log(`retention sweep failed: ${(err as Error).message}`));
  setInterval(sweep, 60 * 60_000).unref();
  sweep();
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  let idleSince = Date.now();
  setInterval(() => {
    restartIfOutdated();
    // A connected client keeps an up-to-date supervisor alive; work (a land, checks, a retry due) keeps any.
    if (subscribers > 0 || isBusy(busy())) idleSince = Date.now();
    else if (Date.now() - idleSince > IDLE_EXIT_MS) void shutdown('idle');
  }, 5000).unref();
}

/**
 * Ends every process tagged with one of this repository's ended attempts (ids from the state or a
 * journal's name): at startup they are leftovers of a crashed supervisor, at shutdown what would
 * outlive this one. Other repositories' attempts have other ids and are never touched; live and
 * queued attempts are skipped, so a sweep never races a dispatch.
 */
async function sweepStrays(orch: Orchestrator, stateDir: string, from: string): Promise<void> {
  const tasks = orch.snapshot().tasks;
  const ids = new Set(tasks.flatMap((t) => t.attempts.map((a) => a.id)));
  const journals = join(stateDir, 'journals');
  if (existsSync(journals))
    for (const f of readdirSync(journals)) if (f.endsWith('.jsonl')) ids.add(f.slice(0, -'.jsonl'.length));
  for (const t of tasks) for (const a of t.attempts) if (!isTerminal(a.phase)) ids.delete(a.id);
  const tagged = pidsByEnvValue(ATTEMPT_TAG);
  const ends: Promise<void>[] = [];
  // Values are the attempt's id, or `<id>/review` / `<id>/cross` for the verdict's work on it.
  for (const [value, strays] of tagged) {
    const id = value.split('/')[0] as string;
    if (!ids.has(id) || !strays.length) continue;
    log(
      `attempt=${id} ending ${strays.length} stray process(es) from ${from}${value === id ? '' : ` (${value.slice(id.length + 1)})`}`,
    );
    ends.push(killTree(null, { name: ATTEMPT_TAG, value }));
  }
  await Promise.all(ends);
}

main().catch((err: unknown) => {
  process.stderr.write(`quartet supervisor failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
