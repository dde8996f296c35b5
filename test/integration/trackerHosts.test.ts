// Integration: a WORKFLOW.md tracker endpoint on a host the person never allowed gets no token — from the CLI or any client.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, runCli, startHarness, type Harness } from '../support/repoHarness';
import { filesContaining } from '../support/autopilotCli';

const TOKEN = 'ghp_HOSTtestToken0123456789abcdef';
const HOST = 'tracker.attacker.invalid';

const workflow = (endpoint: string): string => `---
tracker:
  kind: github
  provider:
    repo: octo/sample
    endpoint: ${endpoint}
    timeout_ms: 5000
---
Work on {{ issue.identifier }}.
`;

let h: Harness;

before(async () => {
  h = await startHarness({
    prepare: (repo) => {
      writeFileSync(join(repo, 'WORKFLOW.md'), workflow(`https://${HOST}/api/v3`));
      git(repo, 'add', 'WORKFLOW.md');
      git(repo, 'commit', '-qm', 'WORKFLOW.md pointing the tracker at another host');
    },
  });
});
after(async () => {
  await h?.cleanup();
});

test(
  'the CLI refuses before sending the token, the supervisor refuses a client that sends it anyway, and --allow-tracker-host lets it through',
  { timeout: 120_000 },
  async () => {
    const needs = (await h.client.autopilot()).credentials;
    assert.deepEqual(
      needs?.endpoints,
      [{ provider: 'github', url: `https://${HOST}/api/v3` }],
      'clients learn where the token would go',
    );

    const cli = await runCli(['autopilot', '--once', '--repo', h.repo], { ...h.env, GITHUB_TOKEN: TOKEN });
    assert.equal(cli.code, 2, cli.stderr);
    assert.match(
      cli.stderr,
      new RegExp(
        `would send your GitHub token to ${HOST.replace(/\./g, '\\.')}.*--allow-tracker-host ${HOST.replace(/\./g, '\\.')}`,
      ),
    );
    assert.ok(!cli.stderr.includes(TOKEN) && !cli.stdout.includes(TOKEN));
    assert.equal((await h.client.autopilot()).status, 'stopped');

    // A client that skips the check (or an older one) still gets nothing built: the supervisor checks the host itself.
    await assert.rejects(
      h.client.autopilotStart({ credentials: { env: { GITHUB_TOKEN: TOKEN } } }),
      /untrusted_tracker_host: .*GitHub token to tracker\.attacker\.invalid/,
    );
    const refused = await h.client.autopilot();
    assert.equal(refused.status, 'stopped');
    assert.equal(refused.problem?.code, 'untrusted_tracker_host');
    assert.ok(!JSON.stringify(refused).includes(TOKEN));

    // The person allows the host: the start goes ahead and the poll is attempted (it fails only because the host does not exist).
    const allowed = await runCli(['autopilot', '--once', '--json', '--repo', h.repo, '--allow-tracker-host', HOST], {
      ...h.env,
      GITHUB_TOKEN: TOKEN,
    });
    assert.equal(allowed.code, 1, allowed.stderr);
    const ap = JSON.parse(allowed.stdout) as { lastPollError: string | null; problem: unknown };
    assert.match(ap.lastPollError ?? '', /tracker_request|failed before a response|fetch failed|ENOTFOUND|EAI_AGAIN/i);
    assert.doesNotMatch(ap.lastPollError ?? '', /untrusted_tracker_host/);

    // Plain http to another machine is refused outright, allowed or not.
    writeFileSync(join(h.repo, 'WORKFLOW.md'), workflow(`http://${HOST}/api/v3`));
    await assert.rejects(
      h.client.autopilotStart({ credentials: { env: { GITHUB_TOKEN: TOKEN }, hosts: [HOST] } }),
      /invalid_tracker_config: .*tracker\.provider\.endpoint must use https/,
    );

    assert.deepEqual(filesContaining(h.dir, TOKEN), [], 'the token is in no file (state, journals, logs)');
  },
);
