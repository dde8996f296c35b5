// Unit: GitHub rate limits — header rules (pure) and the Octokit wrapper waiting them out on an injected clock against the fake GitHub.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rateLimitWait, parseRateLimit, SECONDARY_DEFAULT_WAIT_MS } from '../../src/core/github/rateLimit';
import { systemClock, type Clock } from '../../src/core/execution/clock';
import { createGithubClient } from '../../src/core/github/githubClient';
import { GithubError } from '../../src/core/github/errors';
import { FakeGithub } from '../support/fakeGithub';
import { fakeToken } from '../support/githubRepo';

const NOW = 1_700_000_000_000;

test('headers: retry-after first, then remaining 0 + reset, then a "secondary rate limit" message; other 403s are not limits', () => {
  assert.deepEqual(parseRateLimit({ 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060', 'x-ratelimit-used': '5000', 'x-ratelimit-resource': 'core' }), { limit: 5000, remaining: 0, reset: 1700000060, used: 5000, resource: 'core' });
  assert.equal(rateLimitWait(403, { 'retry-after': '30', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000600' }, '', NOW)?.waitMs, 30_250);
  const primary = rateLimitWait(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060' }, 'API rate limit exceeded', NOW);
  assert.equal(primary?.waitMs, 60_250);
  assert.equal(primary?.resetAt.getTime(), 1_700_000_060_000);
  assert.equal(primary?.kind, 'primary');
  assert.equal(rateLimitWait(403, { 'x-ratelimit-remaining': '12' }, 'You have exceeded a secondary rate limit', NOW)?.waitMs, SECONDARY_DEFAULT_WAIT_MS + 250);
  assert.equal(rateLimitWait(429, {}, 'Too many requests', NOW)?.waitMs, SECONDARY_DEFAULT_WAIT_MS + 250);
  assert.equal(rateLimitWait(403, { 'x-ratelimit-remaining': '4999' }, 'Resource not accessible by integration', NOW), null);
  assert.equal(rateLimitWait(404, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1700000060' }, '', NOW), null);
  // A reset already in the past waits only the slack.
  assert.equal(rateLimitWait(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1699999000' }, '', NOW)?.waitMs, 250);
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
function fakeClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return { ...systemClock, sleeps, sleep: async (ms) => void sleeps.push(ms) };
}

const client = (clock: Clock, extra: Partial<Parameters<typeof createGithubClient>[0]> = {}): ReturnType<typeof createGithubClient> =>
  createGithubClient({ token: fake.state.opts.token, baseUrl: fake.url, clock, ...extra });

test('a 403 with remaining 0 is waited out until its reset, then the same request succeeds', async () => {
  const clock = fakeClock();
  const told: number[] = [];
  fake.rateLimit({ count: 1, status: 403, resetInMs: 30_000 });
  const { data } = await client(clock, { onRateLimit: (ms) => told.push(ms) }).rest.users.getAuthenticated();
  assert.equal(data.login, 'quartet-bot');
  assert.equal(clock.sleeps.length, 1);
  assert.ok(clock.sleeps[0]! >= 29_000 && clock.sleeps[0]! <= 31_500, String(clock.sleeps[0]));
  assert.deepEqual(told, clock.sleeps);
});

test('a 429 with retry-after waits that long', async () => {
  const clock = fakeClock();
  fake.rateLimit({ count: 1, status: 429, retryAfterS: 7 });
  await client(clock).rest.repos.get({ owner: 'octo', repo: 'sample' });
  assert.deepEqual(clock.sleeps, [7250]);
});

test('a reset beyond the longest wait → github_rate_limited with the reset time, no wait, no token in the message', async () => {
  const clock = fakeClock();
  fake.rateLimit({ count: 1, status: 403, resetInMs: 120_000 });
  const started = Date.now();
  await assert.rejects(client(clock, { maxRateLimitWaitMs: 60_000 }).rest.users.getAuthenticated(), (e: unknown) => {
    assert.ok(e instanceof GithubError);
    assert.equal(e.reason, 'github_rate_limited');
    const reset = Date.parse(e.detail.resetAt ?? '');
    assert.ok(reset >= started + 119_000 && reset <= started + 122_000, e.detail.resetAt);
    assert.match(e.message, /rate limit reached \(GET \/user\); it resets at /);
    assert.doesNotMatch(e.message, new RegExp(fake.state.opts.token));
    return true;
  });
  assert.deepEqual(clock.sleeps, []);
});

test('retries are bounded: a limit that keeps coming back fails after maxRateLimitRetries waits', async () => {
  const clock = fakeClock();
  fake.rateLimit({ count: 10, status: 429, retryAfterS: 1 });
  await assert.rejects(client(clock, { maxRateLimitRetries: 2 }).rest.users.getAuthenticated(), (e: unknown) => e instanceof GithubError && e.reason === 'github_rate_limited');
  assert.deepEqual(clock.sleeps, [1250, 1250]);
  fake.rateLimit({ count: 0, status: 429 });
});

test('a wrong token → github_auth naming the request, with an actionable hint and without the token', async () => {
  const wrong = 'ghp_thisisnottherighttoken0000';
  await assert.rejects(createGithubClient({ token: wrong, baseUrl: fake.url }).rest.users.getAuthenticated(), (e: unknown) => {
    assert.ok(e instanceof GithubError);
    assert.equal(e.reason, 'github_auth');
    assert.match(e.message, /GitHub answered 401 to GET \/user: Bad credentials — the token is missing, expired or wrong/);
    assert.doesNotMatch(e.message, /thisisnotthe/);
    return true;
  });
  const auth = fake.requests.at(-1)?.headers;
  assert.equal(auth?.authorization, undefined, 'the fake records no Authorization header');
});

test('every fake response carries the rate-limit headers', async () => {
  const r = await client(fakeClock()).rest.repos.get({ owner: 'octo', repo: 'sample' });
  for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset', 'x-ratelimit-used', 'x-ratelimit-resource']) assert.ok(r.headers[h] !== undefined, h);
  assert.equal(r.data.default_branch, 'main');
});
