// Test harness: a temp git repo, the demo model, a hermetic CODEX_HOME and a real supervisor, cleaned up after.

import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve, sep } from 'node:path';
import { startFakeResponsesServer, type FakeResponsesServer } from '../../demo/fakeResponsesServer';
import { hermeticCodexEnv, writeCodexHome } from '../../demo/codexHome';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { isTerminal, type Snapshot, type TaskSnapshot } from '../../src/shared/model';
import { isAlive } from '../../src/core/execution/processTree';
import { processes } from './processScan';

export const ROOT = resolve(__dirname, '../../..');
export const DIST = join(ROOT, 'dist');
export const NODE_BIN = join(ROOT, 'node_modules', '.bin');

export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
}

export interface Harness {
  dir: string;
  repo: string;
  worktreeRoot: string;
  env: Record<string, string>;
  server: FakeResponsesServer;
  client: SupervisorClient;
  cleanup(): Promise<void>;
}

/** A fresh repo copied from the demo sample, with one commit on `main`. */
export function makeRepo(dir: string): string {
  const repo = join(dir, 'repo');
  cpSync(join(ROOT, 'demo', 'sample-repo'), repo, { recursive: true });
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'initial');
  return repo;
}

/** `makeRepo`: how the user's checkout is made (default: a fresh repo; e.g. a clone of a bare `origin`); `prepare` runs on it before the supervisor starts (e.g. to commit a WORKFLOW.md); `env`: extra environment for the supervisor and tests; `supervisorEnv`: what the terminal or window that started the supervisor had on top (e.g. a token). */
export async function startHarness(
  opts: {
    approvalPolicy?: 'never' | 'on-request';
    makeRepo?: (dir: string) => string;
    prepare?: (repo: string) => void;
    env?: Record<string, string>;
    supervisorEnv?: Record<string, string>;
  } = {},
): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-it-'));
  const repo = (opts.makeRepo ?? makeRepo)(dir);
  opts.prepare?.(repo);
  const server = await startFakeResponsesServer({});
  const codexHome = join(dir, 'codex-home');
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  writeCodexHome(codexHome, { baseUrl: server.url, approvalPolicy: opts.approvalPolicy ?? 'on-request' });
  const base = hermeticCodexEnv(codexHome, home);
  // hermeticCodexEnv gives Codex a TMPDIR beside its CODEX_HOME, so its sandbox really runs (see codexTempDir).
  const env = {
    ...base,
    PATH: `${NODE_BIN}${delimiter}${base.PATH ?? ''}`,
    QUARTET_SUPERVISOR_IDLE_MS: '600000',
    ...(opts.env ?? {}),
  };
  const worktreeRoot = join(dir, 'worktrees');
  // supervisorEnv: what the terminal or window that started the supervisor had on top (e.g. a token).
  const client = await SupervisorClient.connect({
    repo,
    supervisorEntry: join(DIST, 'supervisor.js'),
    env: { ...env, ...opts.supervisorEnv },
  });
  await client.configure({ worktreeRoot, maxConcurrent: 4 });
  const h: Harness = {
    dir,
    repo,
    worktreeRoot,
    env,
    server,
    client,
    async cleanup() {
      const pid = supervisorPid(repo);
      // Tests may reconnect (h.client = …): shut down through the current client.
      await h.client.shutdown().catch(() => undefined);
      h.client.close();
      await server.close();
      // Wait for the supervisor to be gone (it ends its attempts and checks first), so nothing writes while we delete.
      for (let i = 0; i < 200 && pid && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
      // On a busy machine Codex (its network proxy writes under CODEX_HOME/proxy) can end a moment after
      // the supervisor: wait for every process working in this folder or using its CODEX_HOME (bounded) before deleting.
      const inside = (): boolean =>
        processes().some(
          (p) =>
            p.pid !== process.pid && ((p.cwd !== null && p.cwd.startsWith(dir + sep)) || p.cmd.includes(codexHome)),
        );
      for (let i = 0; i < 300 && inside(); i++) await new Promise((r) => setTimeout(r, 50));
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    },
  };
  return h;
}

/** Pid of the repository's supervisor from its info file, or null. */
export function supervisorPid(repo: string): number | null {
  try {
    return (JSON.parse(readFileSync(join(repo, '.git', 'quartet', 'supervisor.json'), 'utf8')) as { pid: number }).pid;
  } catch {
    return null;
  }
}

/** Resolves with the task once every attempt is terminal (or rejects after `timeoutMs`). */
export function waitForTask(
  client: SupervisorClient,
  taskId: string,
  timeoutMs = 120_000,
  done?: (t: TaskSnapshot) => boolean,
): Promise<TaskSnapshot> {
  return waitForSnapshot(client, timeoutMs, (s) => {
    const t = s.tasks.find((x) => x.id === taskId);
    if (!t) return null;
    return (done ? done(t) : t.attempts.every((a) => isTerminal(a.phase) && !a.nextRetryAt)) ? t : null;
  });
}

export function waitForSnapshot<T>(
  client: SupervisorClient,
  timeoutMs: number,
  pick: (s: Snapshot) => T | null,
): Promise<T> {
  return new Promise((resolvePick, reject) => {
    let last: Snapshot | null = null;
    const timer = setTimeout(() => {
      sub.dispose();
      reject(
        new Error(
          `timed out after ${timeoutMs} ms; last snapshot: ${JSON.stringify(last?.tasks.map((t) => t.attempts.map((a) => [a.id, a.phase, a.reason, a.lastEvent, a.lastError])))}`,
        ),
      );
    }, timeoutMs);
    const sub = client.onSnapshot((s) => {
      last = s;
      const v = pick(s);
      if (v !== null) {
        clearTimeout(timer);
        sub.dispose();
        resolvePick(v);
      }
    });
  });
}

/** Runs the built CLI (`dist/cli.js`) as a separate process, as a script or another terminal would. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(DIST, 'cli.js'), ...args], { env }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
