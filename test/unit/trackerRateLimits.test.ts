// SPEC §13.7 `rate_limits`: GitHub's and Linear's rate-limit headers read per response and kept by the tracker source.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { githubRateLimits, linearRateLimits, RateLimitRecorder } from '../../src/core/tracker/rateLimits';
import { startRecordedServer } from '../support/recordedHttp';
import { startFakeLinear } from '../support/fakeLinear';
import { createGithubIssuesSource } from '../../src/core/tracker/github/githubIssues';
import { createLinearSource } from '../../src/core/tracker/linear/linear';
import { SwitchSource } from '../../src/core/autopilot/switchSource';

const at = new Date('2026-12-01T10:00:00Z');
const from = (h: Record<string, string>) => (n: string) => h[n];

test('GitHub headers: limit, remaining, used, reset (epoch seconds) under their resource', () => {
  const r = githubRateLimits(
    from({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4990',
      'x-ratelimit-used': '10',
      'x-ratelimit-reset': '1764583200',
      'x-ratelimit-resource': 'core',
    }),
    at,
  );
  assert.deepEqual(r, {
    provider: 'github',
    observedAt: at.toISOString(),
    buckets: { core: { limit: 5000, remaining: 4990, used: 10, resetAt: '2025-12-01T10:00:00.000Z' } },
  });
  assert.equal(githubRateLimits(from({}), at), null);
});

test('Linear headers: requests and complexity budgets, reset in epoch milliseconds', () => {
  const r = linearRateLimits(
    from({
      'x-ratelimit-requests-limit': '1500',
      'x-ratelimit-requests-remaining': '1499',
      'x-ratelimit-requests-reset': '1764583200000',
      'x-ratelimit-complexity-limit': '250000',
      'x-ratelimit-complexity-remaining': '249000',
    }),
    at,
  );
  assert.deepEqual(r?.buckets, {
    requests: { limit: 1500, remaining: 1499, used: 1, resetAt: '2025-12-01T10:00:00.000Z' },
    complexity: { limit: 250000, remaining: 249000, used: 1000, resetAt: null },
  });
  assert.equal(linearRateLimits(from({ 'x-ratelimit-limit': '5' }), at), null);
});

test('a response without the headers keeps the last stated budget', () => {
  const rec = new RateLimitRecorder(githubRateLimits, () => at);
  assert.equal(rec.latest(), null);
  rec.observe(from({ 'x-ratelimit-limit': '60', 'x-ratelimit-remaining': '59' }));
  rec.observe(from({}));
  assert.equal(rec.latest()?.buckets.core?.remaining, 59);
});

test('the GitHub source keeps the headers of its responses, a failed one included, and SwitchSource passes them on', async () => {
  const gh = await startRecordedServer();
  try {
    const s = new SwitchSource(
      createGithubIssuesSource({
        baseUrl: gh.url,
        owner: 'o',
        repo: 'r',
        getToken: async () => 'ghp_TESTtoken1234567890abcdef',
        clock: { now: () => Date.now(), sleep: async () => {} },
      }),
    );
    assert.equal(s.rateLimits(), null);
    gh.route('GET', '/repos/o/r/issues', {
      status: 200,
      headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4321', 'x-ratelimit-resource': 'core' },
      body: [],
    });
    await s.fetchIssuesByStates(['open']);
    assert.equal(s.rateLimits()?.buckets.core?.remaining, 4321);
    gh.route('GET', '/repos/o/r/issues', {
      status: 404,
      headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '4320', 'x-ratelimit-resource': 'core' },
      body: { message: 'Not Found' },
    });
    await s.fetchIssuesByStates(['open']).catch(() => undefined);
    assert.equal(s.rateLimits()?.buckets.core?.remaining, 4320);
  } finally {
    await gh.close();
  }
});

test('the Linear source keeps the requests and complexity budgets of its latest answer', async () => {
  const KEY = 'lin_api_TESTkey0123456789abcdefXYZ';
  const fake = await startFakeLinear({ apiKey: KEY });
  try {
    const s = createLinearSource({
      endpoint: fake.url,
      projectSlug: fake.project,
      getApiKey: async () => KEY,
      terminalStates: ['Done'],
    });
    await s.fetchIssuesByStates(['Todo']);
    const first = s.rateLimits?.()?.buckets.requests?.remaining ?? 0;
    await s.fetchIssuesByStates(['Todo']);
    const r = s.rateLimits?.();
    assert.equal(r?.provider, 'linear');
    assert.ok((r?.buckets.requests?.remaining ?? 0) < first, 'the budget of the latest answer, not the first');
    assert.equal(r?.buckets.complexity?.limit, 250000);
  } finally {
    await fake.close();
  }
});

test("GET /api/v1/state carries the Autopilot source's rate limits as rate_limits (null without an Autopilot)", async () => {
  const { stateView } = await import('../../src/core/supervisor/symphonyApi');
  const { emptyAutopilotSnapshot } = await import('../../src/shared/autopilot');
  const base = { generatedAt: at.toISOString(), tasks: [] } as unknown as Parameters<typeof stateView>[0];
  assert.equal(stateView(base).rate_limits, null);
  const limits = githubRateLimits(from({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '7' }), at);
  assert.deepEqual(
    stateView({ ...base, autopilot: { ...emptyAutopilotSnapshot(true), rateLimits: limits } }).rate_limits,
    limits,
  );
});
