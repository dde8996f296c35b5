// E2E in real VS Code (code-server + Chromium): WORKFLOW.md → fake GitHub; Set GitHub Token, Start Autopilot; the tree's
// Autopilot section shows the tracker issues and the attempts it started.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
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
import { connectToFakeGithub, type GithubRepo } from '../support/githubRepo';
import { git } from '../support/repoHarness';

const ui = 60_000;
const rows = (page: Page) => page.locator('.part.sidebar .monaco-list-row');

async function labels(page: Page): Promise<string[]> {
  const all = rows(page);
  const out: string[] = [];
  for (let i = 0, n = await all.count(); i < n; i++)
    out.push(
      (await all
        .nth(i)
        .getAttribute('aria-label')
        .catch(() => null)) ?? '',
    );
  return out;
}

async function waitForRows(page: Page, ok: (l: string[]) => boolean, timeout: number, what: string): Promise<string[]> {
  const end = Date.now() + timeout;
  let seen: string[] = [];
  while (Date.now() < end) {
    seen = await labels(page);
    if (ok(seen)) return seen;
    await page.waitForTimeout(250);
  }
  throw new Error(`timed out waiting for ${what}; rows: ${JSON.stringify(seen)}`);
}

describe('Autopilot in real VS Code', { timeout: 300_000 }, () => {
  let demo: DemoEnv;
  let gh: GithubRepo;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;

  before(
    async () => {
      demo = await startDemoEnv(200);
      gh = await connectToFakeGithub(demo.dir, demo.repo);
      writeFileSync(
        join(demo.repo, 'WORKFLOW.md'),
        `---
tracker:
  kind: github
  required_labels: [quartet]
  provider:
    repo: octo/sample
    endpoint: ${gh.fake.url}
polling:
  interval_ms: 1000
codex:
  stall_timeout_ms: 600000
---
Work on GitHub issue {{ issue.identifier }}: {{ issue.title }}

{{ issue.description }}
`,
      );
      git(demo.repo, 'add', 'WORKFLOW.md');
      git(demo.repo, 'commit', '-qm', 'WORKFLOW.md for the Autopilot');
      gh.fake.addIssue({
        title: 'Think about the greeter',
        body: 'Take your time. [[quartet-demo:hang]]',
        labels: ['quartet'],
      });
      gh.fake.addIssue({
        title: 'Think about farewells',
        body: 'Take your time. [[quartet-demo:hang]]',
        labels: ['quartet', 'docs'],
      });
      gh.fake.addIssue({ title: 'A question for a person', body: 'Not for agents.', labels: ['question'] });
      server = await startCodeServer({
        folder: demo.repo,
        env: demo.env,
        settings: { 'quartet.worktreeRoot': demo.worktreeRoot, 'git.openRepositoryInParentFolders': 'never' },
      });
      browser = await launchBrowser();
      await openWorkbench(browser.page, server.url, demo.repo);
    },
    { timeout: 180_000 },
  );

  after(async () => {
    if (server) {
      keepServerLogs(server, 'autopilot');
    }
    await browser?.close();
    await server?.stop();
    await demo?.cleanup();
    await gh?.fake.close();
  });

  it('Set GitHub Token, then Start Autopilot from the palette: the section lists the issues and their attempts run', async () => {
    const page = browser!.page;
    try {
      await page.locator('.part.activitybar a.action-label[aria-label^="Quartet"]').first().click();
      // The section appears once the supervisor has read WORKFLOW.md (tracker.kind set).
      await waitForRows(
        page,
        (l) => l.some((x) => x.startsWith('Stopped, Start Autopilot')),
        ui,
        'the Autopilot section (stopped)',
      );

      await runCommand(page, 'Quartet: Set GitHub Token');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ timeout: ui });
      assert.equal(await input.getAttribute('type'), 'password', 'the token is typed into a password box');
      await input.fill(gh.token);
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: ui });

      await runCommand(page, 'Quartet: Start Autopilot');
      const seen = await waitForRows(
        page,
        (l) =>
          l.some((x) => x.startsWith('Running on GitHub octo/sample')) &&
          l.filter((x) => /^#[12] .*· running$/.test(x)).length === 2 &&
          l.filter((x) => /^Attempt 1 working/.test(x)).length === 2,
        120_000,
        'two running issues with working attempts',
      );
      assert.ok(
        seen.some((x) => /^#3 A question for a person, open · question · ineligible: missing label quartet$/.test(x)),
        JSON.stringify(seen),
      );
      assert.ok(
        seen.some((x) => /^#2 Think about farewells, open · quartet, docs · running$/.test(x)),
        JSON.stringify(seen),
      );
      await screenshot(page, 'autopilot-running');
      // The token went from SecretStorage to the supervisor's memory: the fake saw it on the tracker's requests.
      assert.ok(gh.fake.apiRequests('GET', /\/repos\/octo\/sample\/issues/).some((r) => r.authorized));
    } catch (err) {
      await screenshot(page, 'autopilot-FAILED').catch(() => undefined);
      throw err;
    }
  });
});
