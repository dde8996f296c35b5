// Unit: GitHub rate limits and retries — header rules (pure) and the one client's throttle/retry policy on an injected clock against the fake GitHub.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rateLimitOf, parseRateLimit, SECONDARY_DEFAULT_WAIT_MS } from '../../src/core/github/rateLimit';
import { createGithubClient } from '../../src/core/github/githubClient';
import type { WaitClock } from '../../src/core/execution/clock';
import { GithubError } from '../../src/core/github/errors';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { throttleOptions } from '../../src/core/github/retryPolicy';
import { FakeGithub } from '../support/fakeGithub';
import { startRecordedServer } from '../support/recordedHttp';
import { fakeToken } from '../support/githubRepo';

const NOW = 1_700_000_000_000;

test('headers: retry-after first (seconds or a date), then remaining 0 + reset, then anything that says it is a limit; other 403s are not limits', () => {
  assert.deepEqual(
    parseRateLimit({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '1700000060',
      'x-ratelimit-used': '5000',
      'x-ratelimit-resource': 'core',
    }),
    { limit: 5000, remaining: 0, reset: 1700000060, used: 5000, resource: 'core' },
  );
  assert.equal(
    rateLimitOf(403, { 'retry-after': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000600' }, '', NOW)
      ?.retryAfterMs,
    30_000,
  );
  assert.equal(rateLimitOf(429, { 'retry-after': new Date(NOW + 5000).toUTCString() }, '', NOW)?.retryAfterMs, 5000);
  const primary = rateLimitOf(
    403,
    { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060' },
    'API rate limit exceeded',
    NOW,
  );
  assert.equal(primary?.retryAfterMs, 60_000);
  assert.equal(primary?.resetAt.getTime(), 1_700_000_060_000);
  assert.equal(primary?.kind, 'primary');
  assert.deepEqual(
    rateLimitOf(403, { 'x-ratelimit-remaining': '12' }, 'You have exceeded a secondary rate limit', NOW),
    { retryAfterMs: SECONDARY_DEFAULT_WAIT_MS, resetAt: new Date(NOW + SECONDARY_DEFAULT_WAIT_MS), kind: 'secondary' },
  );
  assert.equal(rateLimitOf(429, {}, 'Too many requests', NOW)?.retryAfterMs, SECONDARY_DEFAULT_WAIT_MS);
  assert.equal(
    rateLimitOf(403, { 'x-ratelimit-remaining': '0' }, 'whatever', NOW)?.retryAfterMs,
    SECONDARY_DEFAULT_WAIT_MS,
    'remaining 0 without a reset',
  );
  assert.equal(
    rateLimitOf(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration', NOW),
    null,
  );
  assert.equal(rateLimitOf(404, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060' }, '', NOW), null);
  // A reset already in the past: nothing left to wait.
  assert.equal(
    rateLimitOf(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1699999000' }, '', NOW)?.retryAfterMs,
    0,
  );
});

let fake: FakeGithub;
let dir: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'q-gh-rate-'));
  fake = await FakeGithub.start({ bare: join(dir, 'none.git'), token: fakeToken() });
});
after(async () => {
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A clock whose sleeps return at once and are recorded. */
function fakeClock(): WaitClock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { sleeps, now: () => Date.now(), sleep: async (ms) => void sleeps.push(ms) };
}

const client = (
  clock: WaitClock,
  extra: Partial<Parameters<typeof createGithubClient>[0]> = {},
): ReturnType<typeof createGithubClient> =>
  createGithubClient({ token: fake.state.opts.token, baseUrl: fake.url, clock, ...extra });

test('a 403 with remaining 0 is waited out once, on the clock, until its reset; then the same request succeeds', async () => {
  const clock = fakeClock();
  const told: number[] = [];
  fake.rateLimit({ count: 1, status: 403, resetInMs: 30_000 });
  const { data } = await client(clock, { onRateLimit: (ms) => told.push(ms) }).rest.users.getAuthenticated();
  assert.equal(data.login, 'quartet-bot');
  assert.equal(clock.sleeps.length, 1);
  // The throttling plugin rounds the reset up and adds a second, so the retry comes after it.
  assert.ok(clock.sleeps[0]! >= 30_000 && clock.sleeps[0]! <= 33_000, String(clock.sleeps[0]));
  assert.deepEqual(told, clock.sleeps);
});

test('a secondary limit (429 with retry-after) waits that long', async () => {
  const clock = fakeClock();
  fake.rateLimit({ count: 1, status: 429, retryAfterS: 7 });
  await client(clock).rest.repos.get({ owner: 'octo', repo: 'sample' });
  assert.deepEqual(clock.sleeps, [7000]);
});

test('a reset beyond the longest wait → github_rate_limited at once with the reset time, no wait, no token in the message', async () => {
  const clock = fakeClock();
  fake.rateLimit({ count: 1, status: 403, resetInMs: 120_000 });
  const started = Date.now();
  await assert.rejects(client(clock, { maxRateLimitWaitMs: 60_000 }).rest.users.getAuthenticated(), (e: unknown) => {
    assert.ok(e instanceof GithubError);
    assert.equal(e.reason, 'github_rate_limited');
    const reset = Date.parse(e.detail.resetAt ?? '');
    assert.ok(reset >= started + 119_000 && reset <= started + 122_000, e.detail.resetAt);
    assert.ok(e.detail.retryAfterMs! > 100_000 && e.detail.retryAfterMs! <= 122_000, String(e.detail.retryAfterMs));
    assert.match(e.message, /rate limit reached \(GET \/user\); it resets at \S+Z \(in about 2 min\)/);
    assert.doesNotMatch(e.message, new RegExp(fake.state.opts.token));
    return true;
  });
  assert.deepEqual(clock.sleeps, []);
  assert.equal(fake.apiRequests('GET', /^\/user$/).at(-1)?.status, 403, 'no second request');
});

test('retries are bounded: one by default, then github_rate_limited; maxRateLimitRetries raises it', async () => {
  const clock = fakeClock();
  fake.rateLimit({ count: 10, status: 429, retryAfterS: 1 });
  await assert.rejects(
    client(clock).rest.users.getAuthenticated(),
    (e: unknown) => e instanceof GithubError && e.reason === 'github_rate_limited' && e.detail.status === 429,
  );
  assert.deepEqual(clock.sleeps, [1000]);
  const more = fakeClock();
  await assert.rejects(
    client(more, { maxRateLimitRetries: 2 }).rest.users.getAuthenticated(),
    (e: unknown) => e instanceof GithubError && e.reason === 'github_rate_limited',
  );
  assert.deepEqual(more.sleeps, [1000, 1000]);
  fake.rateLimit({ count: 0, status: 429 });
});

test('a wrong token → github_auth naming the request, with an actionable hint and without the token', async () => {
  const wrong = 'ghp_thisisnottherighttoken0000';
  await assert.rejects(
    createGithubClient({ token: wrong, baseUrl: fake.url }).rest.users.getAuthenticated(),
    (e: unknown) => {
      assert.ok(e instanceof GithubError);
      assert.equal(e.reason, 'github_auth');
      assert.match(
        e.message,
        /GitHub answered 401 to GET \/user: Bad credentials — the token is missing, expired or wrong/,
      );
      assert.doesNotMatch(e.message, /thisisnotthe/);
      return true;
    },
  );
  const auth = fake.requests.at(-1)?.headers;
  assert.equal(auth?.authorization, undefined, 'the fake records no Authorization header');
});

test('every fake response carries the rate-limit headers', async () => {
  const r = await client(fakeClock()).rest.repos.get({ owner: 'octo', repo: 'sample' });
  for (const h of [
    'x-ratelimit-limit',
    'x-ratelimit-remaining',
    'x-ratelimit-reset',
    'x-ratelimit-used',
    'x-ratelimit-resource',
  ])
    assert.ok(r.headers[h] !== undefined, h);
  assert.equal(r.data.default_branch, 'main');
});

test('5xx: a GET is retried twice with a backoff on the clock; a write, a 4xx or no answer at all is never retried', async () => {
  const gh = await startRecordedServer();
  try {
    let flaky = 1;
    gh.route('GET', '/repos/o/r', () =>
      flaky-- > 0
        ? { status: 502, body: { message: 'Bad Gateway' } }
        : { status: 200, body: { default_branch: 'main' } },
    );
    gh.route('GET', '/repos/o/r/pulls/1', { status: 500, body: { message: 'Server Error' } });
    gh.route('POST', '/repos/o/r/issues/1/comments', { status: 502, body: { message: 'Bad Gateway' } });
    gh.route('PUT', '/repos/o/r/pulls/1/merge', { status: 409, body: { message: 'Head branch was modified' } });
    const c = (clock: WaitClock) => createGithubClient({ token: 'ghp_RETRYtoken000000', baseUrl: gh.url, clock });
    const ok = fakeClock();
    assert.equal((await c(ok).rest.repos.get({ owner: 'o', repo: 'r' })).data.default_branch, 'main');
    assert.deepEqual(ok.sleeps, [1000]);
    const down = fakeClock();
    await assert.rejects(c(down).rest.pulls.get({ owner: 'o', repo: 'r', pull_number: 1 }), (e: unknown) => {
      assert.ok(e instanceof GithubError);
      assert.deepEqual(
        [e.reason, e.detail.status, e.message],
        ['github_http', 500, 'GitHub answered 500 to GET /repos/o/r/pulls/1: Server Error'],
      );
      return true;
    });
    assert.deepEqual(down.sleeps, [1000, 4000]);
    assert.equal(gh.requests.filter((r) => r.path === '/repos/o/r/pulls/1').length, 3);
    const writes = fakeClock();
    await assert.rejects(
      c(writes).rest.issues.createComment({ owner: 'o', repo: 'r', issue_number: 1, body: 'x' }),
      (e: unknown) => e instanceof GithubError && e.detail.status === 502,
    );
    await assert.rejects(
      c(writes).rest.pulls.merge({ owner: 'o', repo: 'r', pull_number: 1 }),
      (e: unknown) => e instanceof GithubError && e.detail.status === 409,
    );
    await assert.rejects(
      c(writes).rest.issues.get({ owner: 'o', repo: 'r', issue_number: 9 }),
      (e: unknown) => e instanceof GithubError && e.reason === 'github_not_found',
    );
    assert.deepEqual(writes.sleeps, []);
    assert.deepEqual(
      gh.requests.slice(-3).map((r) => r.method),
      ['POST', 'PUT', 'GET'],
      'one request each',
    );
  } finally {
    await gh.close();
  }
});

test('a request with no answer times out per attempt → github_network, not retried', async () => {
  const silent = createServer(() => undefined);
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  let hits = 0;
  silent.on('request', () => hits++);
  try {
    const clock = fakeClock();
    const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    await assert.rejects(
      createGithubClient({
        token: 'ghp_TIMEOUTtoken0000',
        baseUrl: url,
        clock,
        requestTimeoutMs: 300,
      }).rest.users.getAuthenticated(),
      (e: unknown) => {
        assert.ok(e instanceof GithubError);
        assert.equal(e.reason, 'github_network');
        assert.equal(e.message, 'could not reach GitHub (GET /user): no answer within 300 ms');
        return true;
      },
    );
    assert.equal(hits, 1);
    assert.deepEqual(clock.sleeps, []);
  } finally {
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  }
});

test("writes are spaced against secondary limits on GitHub, not on a loopback API (the tests' fakes)", () => {
  const t = { clock: fakeClock(), maxRateLimitWaitMs: 60_000, maxRateLimitRetries: 1, serverErrorRetries: 2 };
  const remote = throttleOptions(t, 'https://ghe.example.com/api/v3');
  assert.equal(remote.write, undefined, "the plugin's own spacing applies");
  const local = throttleOptions(t, 'http://127.0.0.1:4321');
  assert.ok(local.write && local.notifications && local.search);
  assert.equal(remote.retryAfterBaseValue, 0, 'the wait happens on our clock, in the handler');
});
