// The extension-host suite (test/exthost) inside code-server's real extension host, driven through Chromium.

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { join } from 'node:path';
import { launchBrowser, repoRoot, startCodeServer, type BrowserSession, type CodeServer } from '../support/codeServer';
import { startDemoEnv, type DemoEnv } from '../support/demoEnv';

describe('extension-host suite in code-server', { timeout: 240_000 }, () => {
  let demo: DemoEnv;
  let server: CodeServer | undefined;
  let browser: BrowserSession | undefined;

  before(
    async () => {
      demo = await startDemoEnv(0);
      server = await startCodeServer({
        folder: demo.repo,
        env: demo.env,
        settings: { 'quartet.worktreeRoot': demo.worktreeRoot },
      });
      browser = await launchBrowser();
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    await server?.stop();
    await demo?.cleanup();
  });

  it('passes every check of the suite', async () => {
    const page = browser!.page;
    const logs: string[] = [];
    page.on('console', (m) => logs.push(m.text()));
    // VS Code's own browser integration tests report through window.codeAutomationExit(code).
    const exit = new Promise<number>(
      (resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)),
    );
    const host = `vscode-remote://127.0.0.1:${server!.port}`;
    const payload = JSON.stringify([
      ['extensionDevelopmentPath', `${host}${repoRoot}`],
      ['extensionTestsPath', `${host}${join(repoRoot, 'out/test/exthost/index.js')}`],
    ]);
    await page.goto(`${server!.url}/?folder=${encodeURIComponent(demo.repo)}&payload=${encodeURIComponent(payload)}`);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no result; console:\n${logs.join('\n')}`)), 180_000);
    });
    const code = await Promise.race([exit, timeout]).finally(() => clearTimeout(timer));
    const summary = logs.find((l) => /\d+ passed, \d+ failed/.test(l));
    assert.equal(code, 0, logs.filter((l) => /✖|Error/.test(l)).join('\n'));
    assert.match(summary ?? '', /\b6 passed, 0 failed$/);
    console.log(`extension host: ${(summary ?? '').replace(/^.*?(\d+ passed)/, '$1')}`);
  });
});
