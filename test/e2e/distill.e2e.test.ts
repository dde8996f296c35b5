// E2E in real VS Code: "Quartet: Distill Skills" from the command palette — proposals diff, accept, the skill file on a branch, the Skills view.

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
import { DIST, git, waitForTask } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';

const ui = 60_000;
const panelOf = (page: Page): FrameLocator =>
  page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');

describe('Distill Skills in real VS Code', { timeout: 420_000 }, () => {
  let demo: DemoEnv;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;

  before(
    async () => {
      demo = await startDemoEnv(0);
      // History to learn from: three attempts that hit the same error, and a rework with a reason.
      const client = await SupervisorClient.connect({
        repo: demo.repo,
        supervisorEntry: join(DIST, 'supervisor.js'),
        env: { ...process.env, ...demo.env } as Record<string, string>,
      });
      await client.configure({ worktreeRoot: demo.worktreeRoot });
      const t = await client.launch({
        title: 'Widget',
        prompt: 'do it [[quartet-demo:failing-command]]',
        attempts: 3,
        options: { checkCommand: '' },
      });
      const done = await waitForTask(client, t.id, 120_000, (x) =>
        x.attempts.every((a) => a.phase === 'finished' && a.checks !== null),
      );
      await client.rework(done.attempts[0]!.id, 'it ignored the widget error');
      client.close();
      server = await startCodeServer({
        folder: demo.repo,
        env: demo.env,
        settings: { 'quartet.worktreeRoot': demo.worktreeRoot, 'git.openRepositoryInParentFolders': 'never' },
      });
      browser = await launchBrowser();
      await openWorkbench(browser.page, server.url, demo.repo);
    },
    { timeout: 240_000 },
  );

  after(async () => {
    await browser?.close();
    await server?.stop();
    await demo?.cleanup();
  });

  it('shows cited proposals as a diff, accepts one, and writes a valid SKILL.md on quartet/skills/<date>', async () => {
    const page = browser!.page;
    try {
      await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
      await page.locator('.part.sidebar .monaco-list-row[aria-label^="Attempt "]').first().waitFor({ timeout: ui });
      await runCommand(page, 'Quartet: Distill Skills');
      const picker = page.locator('.quick-input-widget', { hasText: /accept which skill proposals/i });
      await picker.waitFor({ timeout: 120_000 });
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: 'recurring-failure' })
        .waitFor({ timeout: ui });
      await page.locator('.tab', { hasText: 'Quartet: skill proposals' }).first().waitFor({ timeout: ui });
      await screenshot(page, 'distill-proposals');
      // In a multi-select pick, clicking a row toggles its checkbox; OK accepts the checked ones.
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'recurring-failure' }).first().click();
      await page.locator('.quick-input-widget', { hasText: '1 Selected' }).waitFor({ timeout: ui });
      await page.keyboard.press('Enter');
      await page.locator('.notifications-toasts', { hasText: /on branch quartet\/skills\// }).waitFor({ timeout: ui });
      const branch = git(demo.repo, 'branch', '--list', 'quartet/skills/*')
        .replace(/^[*+\s]+/, '')
        .trim();
      assert.match(branch, /^quartet\/skills\/\d{4}-\d{2}-\d{2}$/);
      const skill = git(demo.repo, 'show', `${branch}:.agents/skills/recurring-failure/SKILL.md`);
      assert.match(skill, /^---\nname: recurring-failure\ndescription: /);
      assert.match(skill, /widget missing/);
      assert.equal(git(demo.repo, 'status', '--porcelain'), '', 'the checkout is untouched');
      await screenshot(page, 'distill-accepted');
      // The control panel's Skills view shows the same review state and the accepted skill new attempts get.
      await runCommand(page, 'Quartet: Open Control Panel');
      const panel = panelOf(page);
      await panel.locator('[data-testid="tab-skills"]').click();
      const row = panel.locator('[data-testid="skill-recurring-failure"]');
      await row.waitFor({ timeout: ui });
      assert.match((await row.textContent()) ?? '', new RegExp(`accepted.*${branch}`, 's'));
      assert.match(
        (await panel.locator('[data-testid="proposal-state-p1"]').textContent()) ?? '',
        /^accepted on quartet\/skills\//,
      );
      assert.equal(await panel.locator(`[data-testid="land-${branch}"]`).count(), 1);
      await screenshot(page, 'distill-skills-view');
    } catch (err) {
      await screenshot(page, 'distill-FAILED').catch(() => undefined);
      throw err;
    }
  });
});
