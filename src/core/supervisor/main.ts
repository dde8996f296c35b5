// Entry point of a repository's supervisor daemon: `node dist/supervisor.js --repo DIR`.

import { chmodSync, existsSync, unlinkSync, writeFileSync } from 'node:fs';
import { Orchestrator } from '../orchestrator/orchestrator';
import { findRepoRoot } from '../execution/gitRepo';
import { scrubSecrets } from '../config/secrets';
import { createSupervisorServer } from './server';
import { supervisorPaths } from './paths';
import { releaseLock, takeLock } from './supervisorLock';
import { killTree, pidsWithEnv } from '../execution/processTree';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { AutopilotService } from './autopilotService';
import { workflowAutopilotSetup } from './workflowAutopilot';
import { SecretRegistry } from '../config/secretRegistry';
import { TEST_TRACKER_ENV } from '../autopilot/testTracker';

const IDLE_EXIT_MS = Number(process.env.QUARTET_SUPERVISOR_IDLE_MS ?? 30 * 60_000);

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
  const paths = await supervisorPaths(repo);
  if (!takeLock(paths.lock)) {
    log('another supervisor owns this repository; exiting');
    return;
  }
  const orch = new Orchestrator({ repo, stateDir: paths.stateDir, env: scrubSecrets(process.env), log, secretValues: () => secrets.list() });
  orch.start();
  sweepStrays(orch);
  const setup = workflowAutopilotSetup({ workflow: orch.workflow, env: orch.env, localTasks: () => orch.snapshot().tasks, log, testTrackerFile: process.env[TEST_TRACKER_ENV] || undefined });
  const autopilot = new AutopilotService(orch, setup, log, { stateDir: paths.stateDir, secrets });
  let subscribers = 0;
  let stopOnLastClient = false;
  let shuttingDown = false;
  const shutdown = async (why: string): Promise<void> => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`shutting down (${why})`);
    autopilot.stop('the supervisor is shutting down', { keepWish: true });
    // Our children must not outlive us: the next supervisor marks them interrupted and offers a retry.
    await orch.stopAll('supervisor_restart');
    orch.dispose();
    server.close();
    if (existsSync(paths.socket)) unlinkSync(paths.socket);
    releaseLock(paths.lock);
    process.exit(0);
  };
  const server = createSupervisorServer(orch, {
    onShutdown: () => void shutdown('requested by a client'),
    onSubscribers: (n) => {
      subscribers = n;
      if (n === 0 && stopOnLastClient) void orch.stopAll('stopped_by_user');
    },
  }, autopilot);
  orch.on('settings', (s: { stopWhenLastClientDisconnects?: boolean }) => {
    stopOnLastClient = s.stopWhenLastClientDisconnects === true;
  });
  if (existsSync(paths.socket)) unlinkSync(paths.socket); // stale: we hold the lock, so nobody serves it
  server.listen(paths.socket, () => {
    chmodSync(paths.socket, 0o600);
    writeFileSync(paths.info, JSON.stringify({ pid: process.pid, socket: paths.socket, repo, startedAt: new Date().toISOString() }), { mode: 0o600 });
    log(`supervisor for ${repo} listening on ${paths.socket}`);
    // It was running before this supervisor started: start it again (or say why it cannot).
    void autopilot.resumeIfWanted();
  });
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  let idleSince = Date.now();
  setInterval(() => {
    const s = orch.snapshot();
    const busy = subscribers > 0 || autopilot.isRunning || s.counts.running + s.counts.needsYou + s.counts.queued > 0;
    if (busy) idleSince = Date.now();
    else if (Date.now() - idleSince > IDLE_EXIT_MS) void shutdown('idle');
  }, 5000).unref();
}

/** Startup sweep: Codex processes of this repo's attempts left by a crashed supervisor are ended. */
function sweepStrays(orch: Orchestrator): void {
  for (const t of orch.snapshot().tasks) {
    for (const a of t.attempts) {
      if (a.phase !== 'interrupted') continue;
      const strays = pidsWithEnv(ATTEMPT_TAG, a.id);
      if (strays.length) {
        log(`attempt=${a.id} ending ${strays.length} stray process(es) from a previous supervisor`);
        void killTree(null, { name: ATTEMPT_TAG, value: a.id });
      }
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`quartet supervisor failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
