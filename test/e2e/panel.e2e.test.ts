// E2E in real VS Code: the control panel opened from the tree while four attempts run — live trace, log summary, compare.

import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import {
  launchBrowser,
  openWorkbench,
  runCommand,
  screenshot,
  startCodeServer,
  type BrowserSession,
  type CodeServer,
} from '../support/codeServer';
import { startDemoEnv, type DemoEnv } from '../support/demoEnv';
import { DIST } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';

const ui = 60_000;
const panelOf = (page: Page): FrameLocator =>
  page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');

describe('control panel in real VS Code', { timeout: 420_000 }, () => {
  let demo: DemoEnv;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  let client: SupervisorClient | undefined;

  before(
    async () => {
      // Slow enough that all four attempts still work when the panel first shows a trace (a loaded machine takes
      // seconds to open it; at 2.5 s a step an attempt was once done before the first count was read).
      demo = await startDemoEnv(5000);
      server = await startCodeServer({
        folder: demo.repo,
        env: demo.env,
        settings: { 'quartet.worktreeRoot': demo.worktreeRoot, 'git.openRepositoryInParentFolders': 'never' },
      });
      browser = await launchBrowser();
      await openWorkbench(browser.page, server.url, demo.repo);
      client = await SupervisorClient.connect({
        repo: demo.repo,
        supervisorEntry: join(DIST, 'supervisor.js'),
        env: { ...process.env, ...demo.env } as Record<string, string>,
      });
    },
    { timeout: 180_000 },
  );

  after(async () => {
    client?.close();
    await browser?.close();
    await server?.stop();
    await demo?.cleanup();
  });

  it('opens from the tree, updates live, shows the failing command first, and compares attempts (light and dark)', async () => {
    const page = browser!.page;
    try {
      await client!.configure({ worktreeRoot: demo.worktreeRoot });
      const task = await client!.launch({
        title: 'Fix the widget',
        prompt: 'fix it [[quartet-demo:failing-command]]',
        attempts: 4,
        options: { checkCommand: '' },
      });
      await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
      const row = page.locator('.part.sidebar .monaco-list-row[aria-label^="Attempt 1 "]');
      await row.waitFor({ timeout: ui });
      // A click on an attempt row opens its trace in the panel. The row re-renders every second while
      // attempts run (elapsed time), which can swallow a click mid-render: click again if nothing opened.
      const panel = panelOf(page);
      for (let i = 0; ; i++) {
        await row.click();
        try {
          await panel.locator('[data-testid="attempt-view"]').waitFor({ timeout: 5_000 });
          break;
        } catch (err) {
          if (i === 3) throw err;
        }
      }
      // Live: the trace grows while the attempt works, without reopening anything.
      const count = panel.locator('[data-testid="trace-count"]');
      await count.waitFor({ timeout: ui });
      const first = await count.textContent();
      await panel.locator('[data-testid="failure"]').first().waitFor({ timeout: 120_000 });
      const end = Date.now() + 60_000;
      while ((await count.textContent()) === first && Date.now() < end) await page.waitForTimeout(300);
      assert.notEqual(await count.textContent(), first, 'trace items kept arriving');
      assert.match(
        (await panel.locator('[data-testid="failure"]').first().textContent()) ?? '',
        /widget missing/,
        'the injected failing command is what failed first',
      );
      await screenshot(page, 'panel-trace-light');
      // Compare all four once they finished.
      const end2 = Date.now() + 120_000;
      for (;;) {
        const t = (await client!.snapshot()).tasks.find((x) => x.id === task.id);
        if (t?.attempts.every((a) => a.phase === 'finished')) break;
        if (Date.now() > end2) throw new Error('attempts did not finish');
        await page.waitForTimeout(500);
      }
      await panel.locator('[data-testid="tab-board"]').click();
      await panel.locator(`[data-testid="compare-${task.id}"]`).click();
      await panel.locator('[data-testid="compare-view"]').waitFor({ timeout: ui });
      assert.equal(await panel.locator('[data-testid^="compare-col-"]').count(), 4);
      await screenshot(page, 'panel-compare-light');
      await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
      await page.waitForTimeout(1000);
      await screenshot(page, 'panel-compare-dark');
    } catch (err) {
      await screenshot(page, 'panel-FAILED').catch(() => undefined);
      throw err;
    }
  });
});
