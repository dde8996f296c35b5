// Integration: `quartet serve` — the SPEC §13.7 API over HTTP on a free port, the token rule (401 without it), rate_limits
// from the fake GitHub's headers, and a headless Autopilot that, restarted with its token file, resumes its retry queue.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import { git, startHarness, type Harness } from '../support/repoHarness';
import { connectToFakeGithub, type GithubRepo } from '../support/githubRepo';
import { attachCli, filesContaining, type AttachedCli } from '../support/autopilotCli';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { DIST } from '../support/repoHarness';
import { waitUntil } from '../support/waitUntil';

const SERVER_TOKEN = 'serve-token-7d1e93c0ab54';
let h: Harness;
let gh: GithubRepo;
let serving: AttachedCli | null = null;
let base = '';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function api(
  method: string,
  path: string,
  token?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { body: '{}' } : {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

type State = {
  autopilot?: {
    status: string;
    problem: unknown;
    retrying: Array<{ issue_identifier: string; attempt: number }>;
    last_error: string | null;
  };
  rate_limits: { provider: string; buckets: Record<string, { remaining: number | null }> } | null;
};
const state = async (): Promise<State> => (await api('GET', '/api/v1/state')).body as unknown as State;

async function startServing(port: number): Promise<AttachedCli> {
  const cli = attachCli(
    [
      'serve',
      '--repo',
      h.repo,
      '--port',
      String(port),
      '--token-file',
      join(h.dir, 'serve.token'),
      '--tracker-token-file',
      join(h.dir, 'tracker.token'),
    ],
    h.env,
  );
  await cli.waitFor(/quartet serve: listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
  base = `http://127.0.0.1:${port}`;
  return cli;
}

async function stopServing(): Promise<number | null> {
  if (!serving) return null;
  serving.child.kill('SIGTERM');
  const code = await serving.exit;
  serving = null;
  return code;
}

before(async () => {
  h = await startHarness();
  gh = await connectToFakeGithub(h.dir, h.repo);
  writeFileSync(
    join(h.repo, 'WORKFLOW.md'),
    `---
tracker:
  kind: github
  required_labels: [quartet]
  provider:
    repo: octo/sample
    endpoint: ${gh.fake.url}
polling:
  interval_ms: 1000
agent:
  max_turns: 1
codex:
  stall_timeout_ms: 600000
---
Work on {{ issue.identifier }}: {{ issue.description }}
`,
  );
  git(h.repo, 'add', 'WORKFLOW.md');
  git(h.repo, 'commit', '-qm', 'WORKFLOW.md');
  writeFileSync(join(h.dir, 'serve.token'), `${SERVER_TOKEN}\n`, { mode: 0o600 });
  writeFileSync(join(h.dir, 'tracker.token'), gh.token, { mode: 0o600 });
  // The harness started an idle supervisor: `quartet serve` replaces it (an idle one makes way).
  h.client.close();
});

after(async () => {
  await stopServing();
  h.client = await SupervisorClient.connect({ repo: h.repo, supervisorEntry: join(DIST, 'supervisor.js'), env: h.env });
  await h?.cleanup();
  await gh?.fake.close();
});

test(
  'GET /api/v1/state answers anyone; a state-changing request needs the token (401 without or with a wrong one); rate_limits come from GitHub',
  { timeout: 120_000 },
  async () => {
    const port = await freePort();
    serving = await startServing(port);
    const s = await api('GET', '/api/v1/state');
    assert.equal(s.status, 200);
    assert.ok('counts' in s.body && 'codex_totals' in s.body, JSON.stringify(s.body).slice(0, 300));
    for (const token of [undefined, 'not-the-token']) {
      const refused = await api('POST', '/api/v1/refresh', token);
      assert.equal(refused.status, 401, `token ${token ?? '(none)'}`);
      assert.equal((refused.body.error as { code: string }).code, 'unauthorized');
    }
    assert.equal(
      (await api('POST', '/api/v1/autopilot/stop')).status,
      401,
      'the Autopilot cannot be stopped without the token',
    );
    // DNS rebinding: a page whose own name now points at 127.0.0.1 sends its name as Host; it gets nothing.
    const rebound = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/v1/state', headers: { host: `evil.example:${port}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(rebound, 421);
    const refreshed = await api('POST', '/api/v1/refresh', SERVER_TOKEN);
    assert.equal(refreshed.status, 202);
    assert.equal(refreshed.body.queued, true);
    // The headless Autopilot polled the fake GitHub with the token from the file: its headers are the rate limits.
    await waitUntil(async () => (await state()).rate_limits !== null, 30_000, 'rate_limits after a poll');
    const limits = (await state()).rate_limits;
    assert.equal(limits?.provider, 'github');
    assert.equal(typeof limits?.buckets.core?.remaining, 'number');
    assert.ok((limits?.buckets.core?.remaining ?? 5000) < 5000, 'the fake counts requests down from 5000');
    assert.equal((await state()).autopilot?.status, 'running', 'started by the token file, no client asked');
    assert.doesNotMatch(serving.output(), new RegExp(`${SERVER_TOKEN}|${gh.token}`), 'no token in the output');
  },
);

test(
  'a headless Autopilot restarted with its token file resumes its retry queue without a click; /api/v1/<identifier> resolves #1',
  { timeout: 180_000 },
  async () => {
    assert.ok(serving, 'the server of the first test');
    gh.fake.addIssue({ title: 'Fails', body: 'Fail. [[quartet-demo:fail]]', labels: ['quartet'] });
    const queued = async (): Promise<{ issue_identifier: string; attempt: number } | undefined> =>
      (await state()).autopilot?.retrying.find((r) => r.issue_identifier === '#1');
    await waitUntil(async () => (await queued()) !== undefined, 60_000, '#1 in the retry queue');
    const before = await queued();
    const issueView = await api('GET', `/api/v1/${encodeURIComponent('#1')}`);
    assert.equal(issueView.status, 200);
    assert.equal(issueView.body.issue_identifier, '#1');
    const port = Number(new URL(base).port);
    assert.equal(await stopServing(), 0, 'SIGTERM ends serve cleanly');
    serving = await startServing(port);
    // Nobody calls Start: the token file is all it needs, and the saved queue comes back with it.
    await waitUntil(async () => (await state()).autopilot?.status === 'running', 30_000, 'the Autopilot running again');
    const events = (await api('GET', '/api/v1/autopilot')).body.events as Array<{ message: string }>;
    assert.ok(
      events.some((e) => /resumed 1 retry from before the restart: #1/.test(e.message)),
      JSON.stringify(events.map((e) => e.message)),
    );
    const after = await queued();
    // Still queued with its number, or already due and dispatched again (attempt 2 of the same issue).
    if (after) assert.equal(after.attempt, before?.attempt);
    assert.equal((await state()).autopilot?.problem ?? null, null);
    await serving.waitFor(/autopilot: started headless/, 10_000);
    // The tokens went on the supervisor's stdin: in no file of the state folder, and not in the output.
    for (const secret of [SERVER_TOKEN, gh.token]) {
      assert.deepEqual(filesContaining(join(h.repo, '.git', 'quartet'), secret), []);
      assert.ok(!serving.output().includes(secret));
    }
  },
);
