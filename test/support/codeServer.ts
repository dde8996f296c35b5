// E2E harness: runs code-server with the packaged extension and drives its workbench in Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  statSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { installCached } from './extensionCache';

/** The repository root, found by walking up: tests run bundled from out/test/<kind>/. */
export const repoRoot: string = findRepoRoot(__dirname);
export const codeServerBin = join(repoRoot, 'tools/code-server/node_modules/.bin/code-server');
export const defaultVsix = join(repoRoot, 'out/quartet.vsix');
export const artifactsDir = join(repoRoot, 'test-artifacts');
const extensionCacheDir = join(repoRoot, 'out', 'e2e-extensions');

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts/build.mjs')) && existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no Quartet repository above ${start}`);
  }
}

/** User settings that keep the workbench quiet, offline and free of first-run UI. */
export const quietSettings: Readonly<Record<string, unknown>> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'chat.disableAIFeatures': true,
};

export interface CodeServerOptions {
  /** Folder the workbench opens (also code-server's default folder). */
  folder: string;
  /** Extra environment for code-server and so for the extension host (e.g. CODEX_HOME). */
  env?: Record<string, string | undefined>;
  /** Extra user settings, merged over quietSettings. */
  settings?: Record<string, unknown>;
  /** VSIX to install; defaults to out/quartet.vsix. */
  vsix?: string;
}

export interface CodeServer {
  url: string;
  port: number;
  folder: string;
  userDataDir: string;
  extensionsDir: string;
  /** code-server's combined stdout/stderr so far (useful when a test fails). */
  log(): string;
  /**
   * Ends code-server as closing it does: SIGTERM to its main process only, which shuts the server down
   * and deactivates extensions; waits for its process group to end (SIGKILL after graceMs) and leaves
   * detached processes such as the supervisor alone. True if the group ended within the grace.
   */
  terminate(graceMs?: number): Promise<boolean>;
  /** Kills code-server's whole process group and removes its temp dirs; safe to call twice. */
  stop(): Promise<void>;
}

const startTimeoutMs = 60_000;
const stopGraceMs = 5_000;

/** Starts a throwaway code-server with the extension installed; call stop() in an after hook. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  if (!existsSync(codeServerBin)) throw new Error(`${codeServerBin} is missing; run bash scripts/setup.sh`);
  // QUARTET_E2E_VSIX lets a run test an already packaged build (e.g. a release candidate).
  const vsix = options.vsix ?? process.env.QUARTET_E2E_VSIX ?? defaultVsix;
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing; run node scripts/package-vsix.mjs`);

  const tempRoot = mkdtempSync(join(tmpdir(), 'quartet-cs-'));
  const userDataDir = join(tempRoot, 'user-data');
  const extensionsDir = join(tempRoot, 'extensions');
  const logPath = join(tempRoot, 'code-server.log');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  writeFileSync(
    join(userDataDir, 'User/settings.json'),
    JSON.stringify({ ...quietSettings, ...options.settings }, null, 2),
  );
  const env = codeServerEnv(options.env);
  const dirs = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
  const log = (): string => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');

  let child: ChildProcess | undefined;
  const stop = async (): Promise<void> => {
    if (child?.pid !== undefined) await killGroup(child.pid);
    child = undefined;
    // The extension starts its supervisor detached (it outlives windows by design), so the
    // group kill misses it; it still runs from our extensions dir, which identifies it.
    await Promise.all(processesUsing(tempRoot).map((pid) => killGroup(pid)));
    leftovers.delete(tempRoot);
    rmSync(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  };
  const terminate = async (graceMs = 20_000): Promise<boolean> => {
    const pid = child?.pid;
    if (pid === undefined || !groupAlive(pid)) return true;
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + graceMs;
    while (groupAlive(pid) && Date.now() < deadline) await sleep(100);
    const graceful = !groupAlive(pid);
    await killGroup(pid);
    child = undefined;
    return graceful;
  };
  leftovers.set(tempRoot, () => child?.pid);
  installSafetyNet();

  try {
    // Installed once per VSIX build and copied here (test/support/extensionCache.ts).
    await installCached(vsix, codeServerBin, extensionCacheDir, extensionsDir, (into) =>
      runToEnd(
        codeServerBin,
        [
          '--config',
          '/dev/null',
          '--user-data-dir',
          userDataDir,
          '--extensions-dir',
          into,
          '--install-extension',
          vsix,
        ],
        env,
        logPath,
      ),
    );
    // Asking the OS for a free port and then binding it is racy; retry if code-server loses the race.
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      // The folder argument makes it the default, so `url` alone opens it as well.
      child = spawnLogged(codeServerBin, [...serveArgs(port), ...dirs, options.folder], env, logPath);
      const started = await waitForHealth(port, child);
      if (started) {
        const url = `http://127.0.0.1:${port}`;
        return { url, port, folder: options.folder, userDataDir, extensionsDir, log, terminate, stop };
      }
      await killGroup(child.pid ?? 0);
      child = undefined;
      if (attempt === 3) throw new Error('code-server exited during startup');
    }
  } catch (error) {
    const output = log();
    await stop();
    throw new Error(`${(error as Error).message}\n--- code-server log ---\n${output.slice(-4000)}`);
  }
}

/** Temp roots of servers not stopped yet, with their process group ids. */
const leftovers = new Map<string, () => number | undefined>();
let safetyNetInstalled = false;

/**
 * If the test process is killed (a run-wide timeout, Ctrl-C), after hooks never run: kill the
 * detached code-server groups synchronously then, or they would outlive the run.
 */
function installSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  const killAll = (): void => {
    for (const [tempRoot, pgid] of leftovers) {
      for (const id of [pgid(), ...processesUsing(tempRoot)]) {
        if (id !== undefined && groupAlive(id)) process.kill(-id, 'SIGKILL');
      }
      rmSync(tempRoot, { recursive: true, force: true });
    }
    leftovers.clear();
  };
  process.once('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killAll();
      // Our listener is gone now, so this re-raise gets the default behaviour: terminate.
      process.kill(process.pid, signal);
    });
  }
}

function serveArgs(port: number): string[] {
  return [
    '--config',
    '/dev/null',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
  ];
}

function codeServerEnv(extra: Record<string, string | undefined> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // Inside a VS Code terminal these point at that editor: code-server would hand
    // --install-extension to it instead of acting on our throwaway dirs.
    // NODE_TEST_CONTEXT: a repo's `node --test` check would report to our runner and exit 0 whatever failed.
    if (!key.startsWith('VSCODE_') && key !== 'NODE_TEST_CONTEXT') env[key] = value;
  }
  // An empty gallery keeps code-server from calling the marketplace.
  return { ...env, EXTENSIONS_GALLERY: '{}', ...extra };
}

function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv, logPath: string): ChildProcess {
  const fd = openSync(logPath, 'a');
  try {
    // detached: its own process group, so stop() also reaches the extension host and pty host.
    return spawn(command, args, { env, detached: true, stdio: ['ignore', fd, fd] });
  } finally {
    closeSync(fd);
  }
}

async function runToEnd(command: string, args: string[], env: NodeJS.ProcessEnv, logPath: string): Promise<void> {
  const child = spawnLogged(command, args, env, logPath);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} exited with ${code}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls /healthz until code-server answers (true) or its process exits (false). */
async function waitForHealth(port: number, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (response.ok) return true;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`code-server did not answer on port ${port} within ${startTimeoutMs} ms`);
}

/**
 * Process groups whose leader's command line mentions `path` (Linux /proc): detached processes
 * started from a server's temp dir, such as the extension's supervisor.
 */
function processesUsing(path: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(path)) continue;
      // Field 5 of /proc/PID/stat is the process group; the comm field before it may hold spaces.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const pgid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (pgid === pid) pids.push(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM to the whole group, then SIGKILL to whatever is left after a grace period. */
async function killGroup(pgid: number): Promise<void> {
  if (pgid <= 0 || !groupAlive(pgid)) return;
  process.kill(-pgid, 'SIGTERM');
  const deadline = Date.now() + stopGraceMs;
  while (groupAlive(pgid) && Date.now() < deadline) await sleep(100);
  if (groupAlive(pgid)) process.kill(-pgid, 'SIGKILL');
  while (groupAlive(pgid)) await sleep(50);
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Closes Chromium and removes its profile; safe to call twice. */
  close(): Promise<void>;
}

/** Debian's Chromium, headless, with a fresh profile and nothing that phones home. */
export async function launchBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(join(tmpdir(), 'quartet-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: '/usr/bin/chromium',
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    };
    return { context, page, close };
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Opens the folder in the workbench and waits until the explorer lists its files: that needs the
 * remote connection to code-server's server side, so the workbench is then really usable.
 * The folder must contain at least one file.
 */
export async function openWorkbench(page: Page, url: string, folder: string): Promise<void> {
  await page.goto(`${url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: 60_000 });
  await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
}

/** Runs a command from the palette by its full label, e.g. "Quartet: New Task". */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  for (let i = 0; ; i++) {
    // Keys typed while a webview (an iframe) has focus never reach the workbench: take focus back first.
    await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ timeout: 5_000 });
      break;
    } catch (err) {
      if (i === 2) throw err;
    }
  }
  await input.fill(`>${title}`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  const exact = rows.filter({ has: page.locator('.label-name', { hasText: exactText(title) }) });
  try {
    await exact.first().waitFor({ timeout: 15_000 });
  } catch {
    const seen = await rows.allTextContents();
    await page.keyboard.press('Escape');
    throw new Error(`no command "${title}" in the palette; rows: ${JSON.stringify(seen)}`);
  }
  await exact.first().click();
}

function exactText(text: string): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);
}

/** Saves a full-page PNG under test-artifacts/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const file = join(artifactsDir, `${name.replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Copies the Quartet output channel's log files from a user-data dir into test-artifacts/. */
/** After a run: code-server's own log and Quartet's output-channel logs go to test-artifacts/ as `<prefix>-…`. */
export function keepServerLogs(server: CodeServer, prefix: string): void {
  mkdirSync(artifactsDir, { recursive: true });
  writeFileSync(join(artifactsDir, `${prefix}-code-server.log`), server.log());
  copyQuartetLogs(server.userDataDir, prefix);
}

export function copyQuartetLogs(userDataDir: string, prefix: string): void {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/Quartet\.log$/.test(name)) found.push(full);
    }
  };
  walk(join(userDataDir, 'logs'));
  mkdirSync(artifactsDir, { recursive: true });
  found.forEach((f, i) => copyFileSync(f, join(artifactsDir, `${prefix}-quartet-${i + 1}.log`)));
}
