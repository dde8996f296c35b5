// E2E: `quartet serve`'s web dashboard in Chromium — the same control panel bundle, fed over HTTP/SSE: the task board
// live, read-only without the token (Stop refused, the attempt runs on), and Stop working once the page has the token.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { launchBrowser, type BrowserSession } from '../support/codeServer';
import { startDemoEnv, type DemoEnv } from '../support/demoEnv';
import { DIST } from '../support/repoHarness';
import { attachCli, type AttachedCli } from '../support/autopilotCli';

const TOKEN = 'dashboard-token-5be0c2f9a1';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

type Attempt = { id: string; phase: string };

describe('web dashboard (quartet serve) in Chromium', { timeout: 300_000 }, () => {
  let demo: DemoEnv;
  let serving: AttachedCli | undefined;
  let browser: BrowserSession | undefined;
  let base = '';
  let env: Record<string, string>;
  const attempts = async (): Promise<Attempt[]> => {
    const s = (await (await fetch(`${base}/api/v1/snapshot`)).json()) as { tasks: Array<{ attempts: Attempt[] }> };
    return s.tasks.flatMap((t) => t.attempts);
  };

  before(
    async () => {
      demo = await startDemoEnv(1000);
      env = { ...process.env, ...demo.env } as Record<string, string>;
      writeFileSync(join(demo.dir, 'serve.token'), TOKEN, { mode: 0o600 });
      const port = await freePort();
      serving = attachCli(
        ['serve', '--repo', demo.repo, '--port', String(port), '--token-file', join(demo.dir, 'serve.token')],
        env,
      );
      await serving.waitFor(/quartet serve: listening on/, 30_000);
      base = `http://127.0.0.1:${port}`;
      // Launched by the CLI over the socket: the dashboard shows what any client started.
      const launched = spawnSync(
        process.execPath,
        [
          join(DIST, 'cli.js'),
          'launch',
          '--repo',
          demo.repo,
          '--title',
          'Dashboard task',
          '--prompt',
          'Wait. [[quartet-demo:hang]]',
          '--attempts',
          '2',
          '--worktree-root',
          demo.worktreeRoot,
        ],
        { env, encoding: 'utf8' },
      );
      assert.equal(launched.status, 0, launched.stderr);
      browser = await launchBrowser();
    },
    { timeout: 120_000 },
  );

  after(async () => {
    await browser?.close();
    serving?.child.kill('SIGTERM');
    await serving?.exit;
    await demo?.cleanup();
  });

  it('shows the task board; without the token Stop is refused and the attempt runs on; with it Stop stops', async () => {
    const page = browser!.page;
    const violations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) violations.push(m.text());
    });
    const log: string[] = [];
    page.on('requestfailed', (r) => log.push(`failed ${r.url()} ${r.failure()?.errorText ?? ''}`));
    page.on('requestfinished', (r) => log.push(`done ${r.url()}`));
    await page
      .goto(`${base}/`, { timeout: 90_000 })
      .catch((err: Error) => assert.fail(`${err.message}\n${log.join('\n')}`));
    const task = page.getByRole('region', { name: 'Task Dashboard task' });
    await task.waitFor({ timeout: 30_000 });
    const [first] = await attempts();
    assert.ok(first, 'an attempt');
    const card = page.getByTestId(`card-${first.id}`);
    await card.waitFor({ timeout: 30_000 });
    // Live over SSE: the card follows the attempt until it works.
    await card.filter({ hasText: 'working' }).waitFor({ timeout: 60_000 });

    await page.getByTestId(`stop-${first.id}`).click();
    const notice = page.getByTestId('notice');
    await notice.waitFor({ timeout: 15_000 });
    assert.match((await notice.textContent()) ?? '', /read-only/);
    assert.equal(
      (await attempts()).find((a) => a.id === first.id)?.phase,
      'working',
      'a page without the token changed nothing',
    );

    // The token in the fragment: taken into the tab's storage and out of the address.
    await page.goto(`${base}/#token=${TOKEN}`);
    await page.getByTestId(`stop-${first.id}`).click();
    await card.filter({ hasText: 'stopped' }).waitFor({ timeout: 60_000 });
    assert.equal((await attempts()).find((a) => a.id === first.id)?.phase, 'stopped');
    assert.equal(new URL(page.url()).hash, '', 'the token left the address bar');
    assert.deepEqual(violations, [], 'nothing blocked by the dashboard CSP');
    await page.screenshot({ path: join(demo.dir, 'dashboard.png') }).catch(() => undefined);
    // The other attempt is left to the cleanup; stop it here so the supervisor exits promptly.
    const other = (await attempts()).find((a) => a.id !== first.id);
    if (other)
      await fetch(`${base}/api/v1/attempts/${other.id}/stop`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}` },
      });
  });
});
