// E2E in real VS Code (code-server + Chromium) against a fake GitHub in this process: token → 4 attempts → one click lands the winner as a PR.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FrameLocator, Page } from 'playwright-core';
import {
  keepServerLogs,
  launchBrowser,
  openWorkbench,
  runCommand,
  screenshot,
  startCodeServer,
  type BrowserSession,
  type CodeServer,
} from '../support/codeServer';
import { startDemoEnv, type DemoEnv } from '../support/demoEnv';
import { bareGit, connectToFakeGithub, type GithubRepo } from '../support/githubRepo';
import { git } from '../support/repoHarness';

const ui = 60_000;
const attemptRows = (page: Page) => page.locator('.part.sidebar .monaco-list-row[aria-label^="Attempt "]');
const panelFrame = (page: Page): FrameLocator =>
  page.frameLocator('iframe.webview.ready').first().frameLocator('iframe#active-frame');

async function waitForLabels(
  page: Page,
  ok: (labels: string[]) => boolean,
  timeout: number,
  what: string,
): Promise<string[]> {
  const end = Date.now() + timeout;
  let labels: string[] = [];
  while (Date.now() < end) {
    const rows = attemptRows(page);
    labels = [];
    for (let i = 0, n = await rows.count(); i < n; i++)
      labels.push(
        (await rows
          .nth(i)
          .getAttribute('aria-label')
          .catch(() => null)) ?? '',
      );
    if (ok(labels)) return labels;
    await page.waitForTimeout(200);
  }
  throw new Error(`timed out waiting for ${what}; rows: ${JSON.stringify(labels)}`);
}

/** Saves a screenshot when a step fails: the first thing to look at. */
async function shotOnFailure(page: Page, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    await screenshot(page, `${name}-FAILED`).catch(() => undefined);
    throw err;
  }
}

describe('Land as a pull request from the tree in real VS Code', { timeout: 300_000 }, () => {
  let demo: DemoEnv;
  let gh: GithubRepo;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  /** CI reports `ci` running until the test has seen the PR wait for it; then it passes. */
  let ciPasses = false;

  before(
    async () => {
      demo = await startDemoEnv(150);
      // origin = the fake GitHub's git-over-HTTP remote (token required), served from this process on 127.0.0.1.
      gh = await connectToFakeGithub(demo.dir, demo.repo, {
        checks: () => [
          ciPasses
            ? { name: 'ci', conclusion: 'success', title: 'All good' }
            : { name: 'ci', status: 'in_progress', conclusion: null },
        ],
      });
      server = await startCodeServer({
        folder: demo.repo,
        env: demo.env,
        settings: {
          'quartet.worktreeRoot': demo.worktreeRoot,
          'quartet.github.apiUrl': gh.fake.url,
          'git.openRepositoryInParentFolders': 'never',
          'git.autofetch': false,
        },
      });
      browser = await launchBrowser();
      await openWorkbench(browser.page, server.url, demo.repo);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    if (server) {
      keepServerLogs(server, 'landpr');
    }
    await browser?.close();
    await server?.stop();
    await demo?.cleanup();
    await gh?.fake.close();
  });

  it('stores a GitHub token typed into the password box of "Quartet: Set GitHub Token"', async () => {
    const page = browser!.page;
    await shotOnFailure(page, 'landpr-token', async () => {
      await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
      await page.locator('.part.sidebar a.action-label[aria-label="New Task"]').first().waitFor({ timeout: ui });
      await runCommand(page, 'Quartet: Set GitHub Token');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: ui });
      assert.equal(await input.getAttribute('type'), 'password', 'the token is typed into a password box');
      await input.fill(gh.token);
      await page.keyboard.press('Enter');
      await page.locator('.part.statusbar', { hasText: 'GitHub token stored' }).waitFor({ timeout: ui });
      // Secret storage, not settings: the token is not in the user's settings.json.
      assert.doesNotMatch(
        readFileSync(join(server!.userDataDir, 'User', 'settings.json'), 'utf8'),
        new RegExp(gh.token),
      );
    });
  });

  it('launches 4 attempts from the New Task UI; they finish and one is recommended', async () => {
    const page = browser!.page;
    await shotOnFailure(page, 'landpr-launch', async () => {
      // The "+" opens the New Task form (newTask.e2e); the quick input is kept for keyboard users.
      await runCommand(page, 'Quartet: New Task (Quick Input)');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: ui });
      await input.fill('Add a greeting note');
      await page.keyboard.press('Enter');
      await page
        .locator('.quick-input-widget')
        .filter({ hasText: /agents/i })
        .waitFor({ timeout: ui });
      await input.fill('Add a short note about the greeter.');
      await page.keyboard.press('Enter');
      await page
        .locator('.quick-input-list .monaco-list-row', { hasText: '4 attempts' })
        .first()
        .waitFor({ timeout: ui });
      await page.keyboard.press('Enter'); // "4 attempts" is the preselected default
      await waitForLabels(
        page,
        (l) => l.length === 4 && l.every((x) => / finished\b/.test(x)),
        180_000,
        'four finished rows',
      );
      await waitForLabels(
        page,
        (l) => l.filter((x) => /recommended/.test(x)).length === 1,
        120_000,
        'a recommended attempt',
      );
      await page.locator('.part.sidebar .monaco-list-row', { hasText: '★ ' }).first().waitFor({ timeout: ui });
      assert.equal(gh.fake.pulls().length, 0, 'nothing on GitHub yet');
      // The repo is on GitHub: the menu offers the explicit choices next to the one Land button.
      await attemptRows(page).first().click({ button: 'right' });
      const menu = page.locator('.context-view .monaco-menu');
      await menu.waitFor({ timeout: ui });
      const items = (await menu.locator('.action-label').allTextContents()).map((x) => x.trim()).filter(Boolean);
      for (const want of ['Land', 'Land Locally', 'Land as Pull Request'])
        assert.ok(items.includes(want), `menu has ${want}: ${items.join(', ')}`);
      await page.keyboard.press('Escape');
    });
  });

  it("one click on the recommended row's inline Land lands it as a PR: CI, merge on GitHub, local main, siblings archived", async () => {
    const page = browser!.page;
    await shotOnFailure(page, 'landpr-land', async () => {
      const githubMain = bareGit(gh.bare, 'rev-parse', 'main');
      await runCommand(page, 'Quartet: Open Control Panel');
      const panel = panelFrame(page);
      await panel.locator('h2', { hasText: 'Add a greeting note' }).waitFor({ timeout: ui });

      const row = page.locator('.part.sidebar .monaco-list-row[aria-label$="recommended"]').first();
      const winnerLabel = (await row.getAttribute('aria-label')) ?? '';
      const winnerIndex = Number(/^Attempt (\d+)/.exec(winnerLabel)?.[1]);
      await row.hover();
      await row.locator('.action-label[aria-label="Land"]').click();
      // The notification says which kind of land runs, and where.
      await page
        .locator('.notifications-toasts', { hasText: 'Landing as pull request on octo/sample' })
        .waitFor({ timeout: ui });

      // While CI runs, the tree row and the panel show the PR and where it is.
      await page
        .locator('.part.sidebar .monaco-list-row', { hasText: /landing: wait \(PR #1\)/ })
        .first()
        .waitFor({ timeout: ui });
      const landing = panel.locator('[data-testid^="landing-t-"]');
      await landing
        .locator('[data-testid="landing-headline"]', {
          hasText: `Landing #${winnerIndex} as pull request #1 on octo/sample`,
        })
        .waitFor({ timeout: ui });
      await landing
        .locator('[data-testid="landing-pr-checks"]', { hasText: 'checks running: ci' })
        .waitFor({ timeout: ui });
      await screenshot(page, 'landpr-waiting-for-ci');
      const pr = gh.fake.pulls()[0]!;
      assert.equal(pr.state, 'open');
      assert.equal(pr.title, 'Add a greeting note');
      ciPasses = true;

      await page
        .locator('.part.sidebar .monaco-list-row', { hasText: /landed \(PR #1\)/ })
        .first()
        .waitFor({ timeout: 120_000 });
      const labels = await waitForLabels(
        page,
        (l) => l.length === 4 && l.filter((x) => /landed/.test(x)).length === 1 && l.every((x) => /archived/.test(x)),
        60_000,
        'landed + archived rows',
      );
      assert.match(
        labels.find((x) => /landed/.test(x)) ?? '',
        new RegExp(`^Attempt ${winnerIndex} `),
        'the recommended attempt landed',
      );
      await landing
        .locator('[data-testid="landing-headline"]', {
          hasText: `Landed #${winnerIndex} as pull request #1 on octo/sample`,
        })
        .waitFor({ timeout: ui });
      await landing.locator('[data-testid="landing-pr-state"]', { hasText: 'merged' }).waitFor({ timeout: ui });

      // GitHub: the PR is merged, main has exactly the winner's change in one squash commit, the branch is gone.
      const merged = gh.fake.pulls()[0]!;
      assert.equal(merged.merged, true);
      assert.equal(merged.state, 'closed');
      const main = bareGit(gh.bare, 'rev-parse', 'main');
      assert.notEqual(main, githubMain);
      assert.equal(bareGit(gh.bare, 'rev-parse', 'main^'), githubMain, 'one squash commit');
      assert.equal(bareGit(gh.bare, 'branch', '--list', 'quartet/*'), '', 'the PR branch was deleted');
      const changed = bareGit(gh.bare, 'diff', '--name-only', `${githubMain}..${main}`);
      assert.ok(changed.length > 0, 'main gained the change');
      assert.equal(git(demo.repo, 'diff', '--name-only', `${githubMain}..${merged.mergeCommitSha ?? main}`), changed);
      // The person's checkout: main fast-forwarded to GitHub's main, clean.
      assert.equal(git(demo.repo, 'rev-parse', 'main'), main);
      assert.equal(git(demo.repo, 'status', '--porcelain'), '');
      const requests = gh.fake.requests;
      assert.ok(
        requests.some((r) => r.git && r.method === 'POST' && /git-receive-pack$/.test(r.path)),
        'the branch was pushed over HTTP',
      );
      assert.ok(
        requests.filter((r) => !r.git).every((r) => r.authorized),
        'every API call carried the token',
      );
      await screenshot(page, 'landpr-landed');
    });
  });
});
