// Pure normalization rules shared by the tracker adapters (SPEC §11.3) and rate-limit header parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  instantOrNull,
  integerOrNull,
  normalizeLabels,
  presentString,
  priorityFromLabels,
  redactSecret,
} from '../../src/core/tracker/normalize';
import { retryAfterMsFromHeaders } from '../../src/core/tracker/linear/rateLimit';
import { envReference } from '../../src/core/tracker/secretRef';
import { normalizeGithubIssue, type GithubMapping } from '../../src/core/tracker/github/githubNormalize';

test('labels: trimmed, lowercased, blanks and duplicates dropped, order kept', () => {
  assert.deepEqual(normalizeLabels([' Bug', 'bug', '', '  ', 'P1', 7, null, 'Needs Review ']), [
    'bug',
    'p1',
    'needs review',
  ]);
});

test('instants: RFC 3339 only, normalized to UTC; anything else is null', () => {
  assert.equal(instantOrNull('2025-03-03T11:00:00+02:00'), '2025-03-03T09:00:00.000Z');
  assert.equal(instantOrNull('2025-03-03T11:00:00.5Z'), '2025-03-03T11:00:00.500Z');
  for (const bad of ['2025-03-03', 'March 3, 2025', '2025-13-45T99:00:00Z', 1741000000, null, undefined])
    assert.equal(instantOrNull(bad), null, String(bad));
});

test('required strings must have visible text; integers only for priority', () => {
  assert.equal(presentString('  '), null);
  assert.equal(presentString('x'), 'x');
  assert.equal(integerOrNull(2), 2);
  assert.equal(integerOrNull(2.5), null);
  assert.equal(integerOrNull('2'), null);
});

test('priority labels: p1..p4, priority:N, named levels, p0 → 1, most urgent wins, overrides first', () => {
  const cases: Array<[string[], number | null]> = [
    [['p3'], 3],
    [['priority:1'], 1],
    [['priority/4'], 4],
    [['priority-2'], 2],
    [['priority: high'], 2],
    [['priority/urgent'], 1],
    [['priority: low', 'p2'], 2],
    [['p0'], 1],
    [['p5', 'priority:9', 'prio'], null],
    [['bug'], null],
  ];
  for (const [labels, want] of cases) assert.equal(priorityFromLabels(labels), want, labels.join(','));
  assert.equal(priorityFromLabels(['sev-1', 'p4'], new Map([['sev-1', 1]])), 1);
});

test('Linear rate-limit headers: retry-after seconds or date, then the reset (milliseconds) of an exhausted budget', () => {
  const now = 1_700_000_000_000;
  const h = (o: Record<string, string>) => (n: string) => o[n];
  assert.equal(retryAfterMsFromHeaders(h({ 'retry-after': '12' }), now), 12_000);
  assert.equal(retryAfterMsFromHeaders(h({ 'retry-after': new Date(now + 5000).toUTCString() }), now), 5000);
  assert.equal(
    retryAfterMsFromHeaders(
      h({ 'x-ratelimit-requests-remaining': '12', 'x-ratelimit-requests-reset': String(now + 2500) }),
      now,
    ),
    null,
  );
  assert.equal(
    retryAfterMsFromHeaders(
      h({ 'x-ratelimit-complexity-remaining': '0', 'x-ratelimit-complexity-reset': String(now + 4000) }),
      now,
    ),
    4000,
  );
  assert.equal(
    retryAfterMsFromHeaders(
      h({ 'x-ratelimit-requests-remaining': '0', 'x-ratelimit-requests-reset': String(now + 2500) }),
      now,
    ),
    2500,
  );
  assert.equal(retryAfterMsFromHeaders(h({}), now), null);
});

test('secret references and redaction', () => {
  assert.equal(envReference('$GITHUB_TOKEN'), 'GITHUB_TOKEN');
  assert.equal(envReference(' ${MY_KEY} '), 'MY_KEY');
  assert.equal(envReference('ghp_literal'), null);
  assert.equal(envReference('$1BAD'), null);
  assert.equal(
    redactSecret('auth token abc12345 failed (abc12345)', 'abc12345'),
    'auth token [REDACTED] failed ([REDACTED])',
  );
});

const mapping: GithubMapping = {
  owner: 'o',
  repo: 'r',
  stateLabels: [['doing', 'Doing']],
  openState: 'open',
  closedState: 'closed',
  priorityLabels: new Map(),
  assignee: null,
  allowUnassigned: true,
};

test('GitHub records: bare-string labels, unusable optional fields → null, required fields decide malformed', () => {
  const i = normalizeGithubIssue(
    {
      number: 5,
      title: 'T',
      state: 'open',
      labels: ['Doing', { name: 'P1' }, { color: 'fff' }],
      body: 42,
      html_url: null,
      node_id: 7,
      assignees: [{ login: '' }, 'x'],
    },
    mapping,
  );
  assert.ok(i);
  assert.deepEqual(
    [i.state, i.labels, i.priority, i.description, i.url, i.assigneeId, i.nativeRef],
    ['Doing', ['doing', 'p1'], 1, null, null, null, { owner: 'o', repo: 'r', number: 5, node_id: null }],
  );
  for (const bad of [
    null,
    [],
    { number: 0, title: 'T', state: 'open' },
    { number: 1.5, title: 'T', state: 'open' },
    { number: 1, title: '', state: 'open' },
    { number: 1, title: 'T', state: 'OPEN' },
  ]) {
    assert.equal(normalizeGithubIssue(bad, mapping), null, JSON.stringify(bad));
  }
});
