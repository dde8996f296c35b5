// Unit: where a tracker token may go — https only (http on loopback), a non-default host only after the person's yes.

import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import {
  endpointProblem,
  hostsNeedingConsent,
  needsHostConsent,
  parseAllowedHosts,
} from '../../src/core/config/endpointPolicy';
import { resolveTrackerSettings } from '../../src/core/tracker/trackerSettings';
import { createTrackerToolbox } from '../../src/core/tracker/agentTools';
import { parseCredentials } from '../../src/core/tracker/credentials';
import { hostConsentProblem } from '../../src/core/workflow/trackerBinding';
import { createGithubClient } from '../../src/core/github/githubClient';
import { apiUrlProblem, githubSettings } from '../../src/extension/githubModel';
import { TrackerError } from '../../src/core/tracker/types';

const TOKEN = 'ghp_ENDPOINTtoken1234567890abcd';
const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
});

test('endpoint rule: https anywhere, plain http only to loopback, nothing else', () => {
  for (const ok of [
    'https://api.github.com',
    'https://ghe.example.com/api/v3',
    'http://127.0.0.1:4321',
    'http://localhost:80/graphql',
    'http://[::1]:9000',
    'http://127.8.9.10',
  ])
    assert.equal(endpointProblem(ok), null, ok);
  assert.match(
    endpointProblem('http://ghe.example.com/api/v3') ?? '',
    /must use https.*clear text to ghe\.example\.com/,
  );
  assert.match(endpointProblem('http://127.0.0.1.evil.example') ?? '', /must use https/);
  assert.match(endpointProblem('ftp://api.github.com') ?? '', /https URL/);
  assert.match(endpointProblem('api.github.com') ?? '', /absolute https URL/);
});

test('WORKFLOW.md: an http endpoint off this machine is a config error naming the key', () => {
  for (const [kind, provider] of [
    ['github', { repo: 'a/b' }],
    ['linear', { project_slug: 'p' }],
  ] as const) {
    assert.throws(
      () =>
        resolveTrackerSettings(
          { kind, provider: { ...provider, endpoint: 'http://tracker.example.com/api' } },
          { env: {} },
        ),
      (e: unknown) =>
        e instanceof TrackerError &&
        e.category === 'invalid_tracker_config' &&
        /tracker\.provider\.endpoint must use https/.test(e.message),
      kind,
    );
  }
});

test("host consent: the provider's own host and loopback need none; another host needs a yes for that host (case-insensitive, port counts)", () => {
  assert.equal(needsHostConsent('github', 'https://api.github.com/'), false);
  assert.equal(needsHostConsent('linear', 'https://api.linear.app/graphql'), false);
  assert.equal(needsHostConsent('github', 'http://127.0.0.1:5000'), false);
  assert.equal(needsHostConsent('github', 'https://ghe.example.com/api/v3'), true);
  assert.equal(needsHostConsent('github', 'https://ghe.example.com/api/v3', ['GHE.example.com']), false);
  assert.equal(
    needsHostConsent('github', 'https://ghe.example.com:8443/api/v3', ['ghe.example.com']),
    true,
    'another port is another host',
  );
  assert.equal(
    needsHostConsent('linear', 'https://api.github.com/graphql'),
    true,
    'a Linear key to GitHub is not its own host',
  );
  assert.deepEqual(parseAllowedHosts(' a.example, B.example  c.example:8443 '), [
    'a.example',
    'b.example',
    'c.example:8443',
  ]);
  const eps = [
    { provider: 'github' as const, url: 'https://x.example/api' },
    { provider: 'github' as const, url: 'https://x.example/other' },
    { provider: 'linear' as const, url: 'https://api.linear.app/graphql' },
  ];
  assert.deepEqual(
    hostsNeedingConsent(eps, []).map((e) => e.url),
    ['https://x.example/api'],
    'asked once per host',
  );
  assert.match(
    hostConsentProblem(eps, []) ?? '',
    /GitHub token to x\.example.*--allow-tracker-host x\.example.*QUARTET_ALLOW_TRACKER_HOSTS=x\.example/,
  );
  assert.equal(hostConsentProblem(eps, ['x.example']), null);
});

test('the token is never read for an unconfirmed host: polls and the github_api tool fail before any request', async () => {
  let requests = 0;
  globalThis.fetch = (async () => {
    requests++;
    throw new Error('no request may be made');
  }) as typeof fetch;
  const config = { kind: 'github', provider: { repo: 'acme/widgets', endpoint: 'https://collector.example/api/v3' } };
  const s = resolveTrackerSettings(config, { env: { GITHUB_TOKEN: TOKEN } });
  assert.ok(s.kind === 'github');
  await assert.rejects(
    s.github.getToken(),
    (e: unknown) => e instanceof TrackerError && e.category === 'untrusted_tracker_host' && !e.message.includes(TOKEN),
  );
  // Scoped to issue #1, so the policy allows the read and only the host rule can refuse it.
  const tools = createTrackerToolbox(
    config,
    { env: { GITHUB_TOKEN: TOKEN } },
    { issueId: '1', identifier: '#1', pullRequests: () => [], trustedLabels: [] },
  );
  const r = await tools.executeTrackerTool('github_api', { method: 'GET', path: '/repos/acme/widgets/issues/1' });
  assert.equal(r.success, false);
  assert.match(r.contentItems.map((c) => c.text).join(''), /collector\.example/);
  assert.equal(requests, 0);
  // Once the person agreed to that host, the same configuration reads the token.
  const allowed = resolveTrackerSettings(config, { env: { GITHUB_TOKEN: TOKEN }, allowedHosts: ['collector.example'] });
  assert.ok(allowed.kind === 'github');
  assert.equal(await allowed.github.getToken(), TOKEN);
});

test('credentials carry the confirmed hosts; a bad hosts field is refused', () => {
  assert.deepEqual(parseCredentials({ env: { GITHUB_TOKEN: TOKEN }, hosts: ['ghe.example.com'] }), {
    env: { GITHUB_TOKEN: TOKEN },
    hosts: ['ghe.example.com'],
  });
  assert.throws(() => parseCredentials({ hosts: 'ghe.example.com' }), /credentials\.hosts must be a list/);
  assert.throws(() => parseCredentials({ hosts: [42] }), /credentials\.hosts must be a list/);
});

test('Land as PR: quartet.github.apiUrl over http off this machine is refused, never silently replaced by api.github.com', () => {
  const read =
    (url: string) =>
    (k: string): unknown =>
      k === 'github.apiUrl' ? url : undefined;
  assert.deepEqual(githubSettings(read('http://ghe.example.com/api/v3')), {});
  assert.match(apiUrlProblem(read('http://ghe.example.com/api/v3')) ?? '', /must use https/);
  assert.equal(apiUrlProblem(read('http://127.0.0.1:3000')), null);
  assert.equal(githubSettings(read('http://127.0.0.1:3000/')).baseUrl, 'http://127.0.0.1:3000');
  assert.throws(
    () => createGithubClient({ token: TOKEN, baseUrl: 'http://ghe.example.com/api/v3' }),
    /GitHub API URL must use https/,
  );
});
