// E2E in real VS Code: closing code-server (deactivate) stops running attempts only when the setting asks, with zero strays.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import {
  keepServerLogs,
  launchBrowser,
  openWorkbench,
  repoRoot,
  runCommand,
  screenshot,
  startCodeServer,
  type BrowserSession,
  type CodeServer,
} from '../support/codeServer';
import { startDemoEnv, type DemoEnv } from '../support/demoEnv';
import { processes, strayProcesses, type Proc } from '../support/processScan';
import { waitUntil as until } from '../support/waitUntil';

const ui = 60_000;
const TITLE = 'Run the long check';

/** Processes of these attempts, or running anywhere under this demo's worktree root. */
function strays(demo: DemoEnv, ids: ReadonlySet<string>): Proc[] {
  return strayProcesses(demo.worktreeRoot, ids);
}

interface StatusAttempt {
  id: string;
  phase: string;
  reason?: string | null;
}
interface StatusTask {
  id: string;
  title: string;
  attempts: StatusAttempt[];
}

/** The task as the supervisor records it, through the real CLI (`quartet status --json`). */
function cliTask(demo: DemoEnv): StatusTask {
  const out = execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'status', '--repo', demo.repo, '--json'], {
    env: { ...process.env, ...demo.env },
    encoding: 'utf8',
  });
  const task = (JSON.parse(out) as { tasks: StatusTask[] }).tasks.find((t) => t.title === TITLE);
  assert.ok(task, `quartet status lists "${TITLE}": ${out.slice(0, 400)}`);
  return task;
}

function cli(demo: DemoEnv, ...args: string[]): void {
  execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), ...args, '--repo', demo.repo], {
    env: { ...process.env, ...demo.env },
    encoding: 'utf8',
  });
}

/** New Task through the sidebar: 2 attempts (the configured default) running a long shell command. */
async function launchFromUi(page: Page): Promise<void> {
  await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
  const newTask = page.locator('.part.sidebar a.action-label[aria-label="New Task"]');
  await newTask.first().waitFor({ timeout: ui });
  // The "+" opens the New Task form (newTask.e2e); this test drives the quick input kept for keyboard users.
  await runCommand(page, 'Quartet: New Task (Quick Input)');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: ui });
  await input.fill(TITLE);
  await page.keyboard.press('Enter');
  await page
    .locator('.quick-input-widget')
    .filter({ hasText: /agents/i })
    .waitFor({ timeout: ui });
  await input.fill('Run the long check and report. [[quartet-demo:long-command-hang]]');
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: '2 attempts' }).first().waitFor({ timeout: ui });
  await page.keyboard.press('Enter'); // "2 attempts" is the default (quartet.attempts: 2)
}

/**
 * One window's life: start code-server with the setting, launch 2 attempts from the UI, wait until
 * Codex and its shells (bash → sleep 600) really run, then close code-server gracefully.
 * Returns the attempt ids; the processes were seen before the shutdown (so nothing passes vacuously).
 */
async function runWindowThenClose(
  demo: DemoEnv,
  stopOnLastClient: boolean | undefined,
  shot: string | null,
  name: string,
  afterClose: (ids: Set<string>) => Promise<void>,
): Promise<void> {
  const settings: Record<string, unknown> = {
    'quartet.worktreeRoot': demo.worktreeRoot,
    'quartet.attempts': 2,
    'git.openRepositoryInParentFolders': 'never',
  };
  if (stopOnLastClient !== undefined) settings['quartet.stopAttemptsWhenLastClientDisconnects'] = stopOnLastClient;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  try {
    server = await startCodeServer({ folder: demo.repo, env: demo.env, settings });
    browser = await launchBrowser();
    const page = browser.page;
    try {
      await openWorkbench(page, server.url, demo.repo);
      await launchFromUi(page);
      const rows = page.locator('.part.sidebar .monaco-list-row[aria-label^="Attempt "][aria-label$="working"]');
      const end = Date.now() + ui;
      while ((await rows.count()) < 2) {
        if (Date.now() > end) throw new Error('two working rows did not show');
        await page.waitForTimeout(200);
      }
      const ids = new Set(cliTask(demo).attempts.map((a) => a.id));
      assert.equal(ids.size, 2);
      await until(
        () => [...ids].every((id) => processes().some((p) => p.tag === id && /^sleep 600/.test(p.cmd))),
        ui,
        "both attempts' shells (sleep 600)",
      );
      const before = strays(demo, ids);
      assert.ok(
        before.some((p) => /codex/.test(p.cmd)),
        `Codex itself runs: ${before.map((p) => p.cmd).join(' | ')}`,
      );
      // No New Task tooltip over the tree in the screenshot.
      await page.mouse.move(800, 500);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
      if (shot) await screenshot(page, shot);
      await browser.close();
      // Closing the tab alone keeps the extension host for a reconnect; ending the server deactivates it.
      assert.ok(await server.terminate(), 'code-server and its extension host ended on SIGTERM');
      // Before stop(): it also kills processes started from its temp dir, i.e. the supervisor.
      await afterClose(ids);
    } catch (err) {
      await screenshot(page, `${name}-FAILED`).catch(() => undefined);
      throw err;
    }
  } finally {
    if (server) {
      keepServerLogs(server, name);
    }
    await browser?.close();
    await server?.stop();
  }
}

describe('closing VS Code (extension deactivate) and running attempts', { timeout: 300_000 }, () => {
  const demos: DemoEnv[] = [];
  after(async () => {
    for (const d of demos) await d.cleanup();
  });

  it('with stopAttemptsWhenLastClientDisconnects on: every Codex process and its children end; attempts recorded stopped', async () => {
    const demo = await startDemoEnv(300);
    demos.push(demo);
    await runWindowThenClose(demo, true, 'deactivate-running', 'deactivate-on', async (ids) => {
      let left: Proc[] = [];
      await until(() => (left = strays(demo, ids)).length === 0, 30_000, 'zero strays').catch(() => undefined);
      assert.deepEqual(left, [], 'no process of these attempts is left');
      const task = cliTask(demo);
      assert.deepEqual(
        task.attempts.map((a) => a.phase),
        ['stopped', 'stopped'],
        JSON.stringify(task.attempts),
      );
    });
  });

  it('with the setting off (the default): attempts keep running in the supervisor; the CLI stops them, zero strays', async () => {
    const demo = await startDemoEnv(300);
    demos.push(demo);
    await runWindowThenClose(demo, undefined, null, 'deactivate-off', async (ids) => {
      // The supervisor logs its decision when the window's stream goes; a stop, if any, starts in that same step.
      const log = join(demo.repo, '.git', 'quartet', 'supervisor.log');
      await until(
        () => readFileSync(log, 'utf8').includes('last client left: attempts keep running'),
        30_000,
        'the supervisor deciding to keep the attempts running',
      );
      assert.deepEqual(
        cliTask(demo).attempts.map((a) => a.phase),
        ['working', 'working'],
      );
      for (const id of ids)
        assert.ok(
          processes().some((p) => p.tag === id && /^sleep 600/.test(p.cmd)),
          `attempt ${id} still runs its shell`,
        );
      for (const id of ids) cli(demo, 'stop', id);
      let left: Proc[] = [];
      await until(() => (left = strays(demo, ids)).length === 0, 30_000, 'zero strays').catch(() => undefined);
      assert.deepEqual(left, [], 'no process of these attempts is left after quartet stop');
      assert.deepEqual(
        cliTask(demo).attempts.map((a) => a.phase),
        ['stopped', 'stopped'],
      );
    });
  });
});
