// Smoke test in real VS Code (code-server + Chromium): the packaged extension shows up in the workbench.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  artifactsDir,
  launchBrowser,
  openWorkbench,
  runCommand,
  screenshot,
  startCodeServer,
  type BrowserSession,
  type CodeServer,
} from '../support/codeServer';

// Two cores shared by code-server, its extension host and Chromium: be generous.
const uiTimeout = 30_000;

function makeGitRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-smoke-repo-'));
  writeFileSync(join(dir, 'README.md'), '# Smoke test repository\n');
  const git = (...args: string[]): void => {
    execFileSync('git', ['-c', 'user.name=Quartet', '-c', 'user.email=quartet@localhost', ...args], {
      cwd: dir,
      stdio: 'ignore',
    });
  };
  git('init', '-q', '-b', 'main');
  git('add', '.');
  git('commit', '-q', '-m', 'Initial commit');
  return dir;
}

describe('smoke: Quartet in code-server', { timeout: 240_000 }, () => {
  let repo: string | undefined;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;
  const timings: string[] = [];

  before(
    async () => {
      repo = makeGitRepo();
      let started = Date.now();
      server = await startCodeServer({ folder: repo });
      timings.push(`code-server (install + start) ${Date.now() - started} ms`);
      browser = await launchBrowser();
      started = Date.now();
      await openWorkbench(browser.page, server.url, repo);
      timings.push(`workbench ready ${Date.now() - started} ms`);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    // Keep code-server's log next to the screenshots: it is the first thing to read on failure.
    if (server) {
      mkdirSync(artifactsDir, { recursive: true });
      writeFileSync(join(artifactsDir, 'smoke-code-server.log'), server.log());
    }
    await browser?.close();
    await server?.stop();
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it('loads the workbench on the repository', async (t) => {
    for (const line of timings) t.diagnostic(line);
    const page = browser!.page;
    await page
      .locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' })
      .waitFor({ timeout: uiTimeout });
    await screenshot(page, 'smoke-workbench');
  });

  it('shows the Quartet view container in the activity bar', async () => {
    const page = browser!.page;
    const item = page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]');
    await item.first().waitFor({ timeout: uiTimeout });
    assert.equal(await item.count(), 1);
  });

  it('opens the Tasks view when the Quartet item is clicked', async () => {
    const page = browser!.page;
    await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
    // A container with a single view merges its header into the side bar title ("QUARTET: TASKS");
    // with several views, "Tasks" is a pane header. Accept either.
    const title = page
      .locator('.part.sidebar .composite.title .title-label, .part.sidebar .pane-header .title')
      .filter({ hasText: /tasks/i });
    await title.first().waitFor({ timeout: uiTimeout });
    await screenshot(page, 'smoke-tasks-view');
  });

  it('runs a built-in command from the palette (harness check)', async () => {
    const page = browser!.page;
    await runCommand(page, 'View: Show Explorer');
    await page
      .locator('.part.sidebar .composite.title .title-label', { hasText: /explorer/i })
      .waitFor({ timeout: uiTimeout });
  });

  // vscode.changes (multi-diff) is asserted inside the extension host: test/exthost/index.ts.
});
