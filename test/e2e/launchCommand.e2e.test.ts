// The README's launch command exactly as written — `npm start` through npm, from a login shell's PATH
// (no node_modules/.bin) — opens a working Quartet: the Tasks view offers New Task, not a Codex error.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, repoRoot, screenshot, type BrowserSession } from '../support/codeServer';
import { stopSupervisor } from '../support/demoEnv';
import { codexTempDir } from '../../demo/codexHome';

const uiTimeout = 60_000;

/**
 * What a person's login shell would give: `npm test` put node_modules/.bin on this process's PATH, and
 * a fresh machine has no codex anywhere else. npm itself (next to node) stays reachable.
 */
function loginShellPath(home: string): string {
  const asked = spawnSync('bash', ['-lc', 'printf %s "$PATH"'], {
    env: { HOME: home, TERM: 'dumb' },
    encoding: 'utf8',
  });
  const fromShell = asked.status === 0 && asked.stdout ? asked.stdout.split(delimiter) : [];
  const nodeDir = join(process.execPath, '..');
  const dirs = [...fromShell, nodeDir].filter((d) => d && !/node_modules[\\/]\.bin/.test(d));
  return [...new Set(dirs)].join(delimiter);
}

function onPath(name: string, path: string): boolean {
  return path.split(delimiter).some((dir) => existsSync(join(dir, name)));
}

describe('npm start, exactly as the README says', { timeout: 900_000 }, () => {
  const home = mkdtempSync(join(tmpdir(), 'quartet-launch-home-'));
  const sample = join(home, 'quartet-sample');
  let launcher: ChildProcess | undefined;
  let browser: BrowserSession | undefined;
  let output = '';
  let url = '';

  before(
    async () => {
      const path = loginShellPath(home);
      // The point of the test: codex is reachable only through what Quartet's launch command arranges.
      assert.equal(onPath('codex', path), false, `codex must not be on the login PATH: ${path}`);
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) {
        if (
          v !== undefined &&
          !/^(OPENAI_API_KEY|CODEX_HOME|QUARTET_CODEX|VSCODE_.*|npm_.*|INIT_CWD|NODE_TEST_CONTEXT)$/i.test(k)
        )
          env[k] = v;
      }
      launcher = spawn('npm', ['start', '--', '--no-open'], {
        cwd: repoRoot,
        // TMPDIR beside the demo CODEX_HOME, not above it: see codexTempDir in demo/codexHome.ts.
        env: { ...env, PATH: path, HOME: home, TMPDIR: codexTempDir(join(home, 'codex-home')), QUARTET_PORT: '0' },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      launcher.stdout?.setEncoding('utf8').on('data', (c: string) => (output += c));
      launcher.stderr?.setEncoding('utf8').on('data', (c: string) => (output += c));
      url = await new Promise<string>((resolve, reject) => {
        const timer = setInterval(() => {
          const m = /Quartet is running: (http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output);
          if (m) {
            clearInterval(timer);
            resolve(m[1] as string);
          } else if (launcher?.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`npm start exited (${launcher?.exitCode}) before serving:\n${output}`));
          }
        }, 200);
      });
      browser = await launchBrowser();
    },
    { timeout: 600_000 },
  );

  after(async () => {
    await browser?.close();
    if (launcher?.pid && launcher.exitCode === null && launcher.signalCode === null) {
      const exited = new Promise((resolve) => launcher?.once('exit', resolve));
      // Ctrl-C, as a person would: the launch script stops code-server and the demo model itself.
      process.kill(-launcher.pid, 'SIGINT');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 20_000))]);
      try {
        process.kill(-launcher.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (existsSync(sample)) await stopSupervisor(sample);
    rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  });

  it('serves VS Code on the sample repository with the offline demo model', () => {
    assert.match(output, /Using the offline demo model/);
    assert.ok(existsSync(join(sample, '.git')), 'the sample repository was created');
    assert.match(readFileSync(join(home, '.quartet', 'demo-codex-home', 'config.toml'), 'utf8'), /quartet_demo/);
  });

  it('shows New Task in the Tasks view, not "could not find the Codex CLI"', async () => {
    const page = browser!.page;
    await page.goto(url);
    await page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: uiTimeout });
    await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
    const sidebar = page.locator('.part.sidebar');
    const ready = sidebar.locator('.welcome-view-content', { hasText: 'No tasks yet' });
    const missing = sidebar.locator('.welcome-view-content', { hasText: /could not find the Codex CLI/ });
    await ready.or(missing).first().waitFor({ timeout: uiTimeout });
    await screenshot(page, 'launch-npm-start-tasks-view');
    assert.equal(await missing.count(), 0, 'the Tasks view says Codex is missing');
    await sidebar
      .locator('.welcome-view-content a.monaco-button, .welcome-view-content .monaco-button', { hasText: 'New Task' })
      .first()
      .waitFor({ timeout: uiTimeout });
  });

  it("Ctrl-C stops Quartet: the launcher exits and the sample repository's supervisor is gone too", async () => {
    const info = join(sample, '.git', 'quartet', 'supervisor.json');
    assert.ok(existsSync(info), 'the window started a supervisor');
    const pid = (JSON.parse(readFileSync(info, 'utf8')) as { pid: number }).pid;
    const exited = new Promise((resolve) => launcher?.once('exit', resolve));
    process.kill(-launcher!.pid!, 'SIGINT');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    assert.ok(
      launcher!.exitCode !== null || launcher!.signalCode !== null,
      `the launcher exited: ${output.slice(-300)}`,
    );
    const alive = (): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(alive(), false, `supervisor ${pid} still runs after Ctrl-C`);
  });
});
