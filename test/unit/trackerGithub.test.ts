// GitHub Issues adapter against recorded REST payloads: scope, pagination, normalization, refresh, SPEC §11.4 errors.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRecordedServer, type RecordedServer } from '../support/recordedHttp';
import { createGithubIssuesSource, type GithubIssuesOptions } from '../../src/core/tracker/github/githubIssues';
import { TrackerError, type NormalizedIssue } from '../../src/core/tracker/types';
import { normalizeGithubIssue } from '../../src/core/tracker/github/githubNormalize';
import page1 from '../fixtures/github/issues-page1.json';
import page2 from '../fixtures/github/issues-page2.json';
import closedList from '../fixtures/github/issues-closed.json';
import malformedList from '../fixtures/github/issues-malformed.json';
import single42 from '../fixtures/github/issues-single-42.json';
import single43Bad from '../fixtures/github/issues-single-43-malformed.json';
import pull44 from '../fixtures/github/issues-single-44-pull.json';
import moved45 from '../fixtures/github/issues-single-45-transferred.json';
import rateLimitBody from '../fixtures/github/issues-error-ratelimit.json';
import badCredsBody from '../fixtures/github/issues-error-badcreds.json';
import notFoundBody from '../fixtures/github/issues-error-notfound.json';
import serverErrorBody from '../fixtures/github/issues-error-500.json';
import octoDev from '../fixtures/github/user-octo-dev.json';

const TOKEN = 'ghp_TESTtoken1234567890abcdef';
const LIST = '/repos/quartet-test/widgets/issues';
let gh: RecordedServer;
let warnings: string[] = [];

before(async () => {
  gh = await startRecordedServer();
});
after(() => gh.close());
beforeEach(() => {
  gh.reset();
  warnings = [];
});

function source(extra: Partial<GithubIssuesOptions> = {}) {
  return createGithubIssuesSource({
    baseUrl: gh.url,
    owner: 'quartet-test',
    repo: 'widgets',
    getToken: async () => TOKEN,
    stateLabels: [['in-progress', 'In Progress']],
    warn: (m) => warnings.push(m),
    // Deliberate 429s and 5xx below: the client's one retry and its backoffs happen at once.
    clock: { now: () => Date.now(), sleep: async () => {} },
    ...extra,
  });
}

/** Page 1 links to page 2 under /repositories/<id>/…, as GitHub does. */
function servePagedList(): void {
  const next = `${gh.url}/repositories/734521/issues?state=open&per_page=100&page=2`;
  gh.route('GET', LIST, {
    status: 200,
    headers: { link: `<${next}>; rel="next", <${next}>; rel="last"` },
    body: page1,
  });
  gh.route('GET', '/repositories/734521/issues', {
    status: 200,
    headers: { link: `<${gh.url}${LIST}?page=1>; rel="first", <${gh.url}${LIST}?page=1>; rel="prev"` },
    body: page2,
  });
}

async function rejection(p: Promise<unknown>): Promise<TrackerError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof TrackerError, `expected a TrackerError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

const byId = (issues: NormalizedIssue[], id: string): NormalizedIssue => {
  const found = issues.find((i) => i.id === id);
  assert.ok(found, `issue ${id} missing from ${issues.map((i) => i.id).join(',')}`);
  return found;
};

test('empty state and id lists, and states GitHub never produces, return [] without a request', async () => {
  const s = source();
  assert.deepEqual(await s.fetchIssuesByStates([]), []);
  assert.deepEqual(await s.fetchIssuesByIds([]), []);
  assert.deepEqual(await s.fetchIssuesByStates(['Done', 'Human Review']), []);
  assert.equal(gh.requests.length, 0);
});

test('state list: scope query, Link pagination in order, pull requests excluded, normalization', async () => {
  servePagedList();
  const issues = await source({ requiredLabels: ['Quartet', ' '], labelPrefilter: true }).fetchIssuesByStates([
    'open',
    'In Progress',
  ]);
  assert.deepEqual(
    issues.map((i) => i.identifier),
    ['#1', '#3', '#4', '#6'],
  );
  assert.equal(gh.requests.length, 2);
  const q = gh.requests[0]!.url.searchParams;
  assert.deepEqual(
    [q.get('state'), q.get('per_page'), q.get('sort'), q.get('direction'), q.get('labels')],
    ['open', '100', 'created', 'asc', 'Quartet'],
  );
  assert.match(String(gh.requests[0]!.headers.authorization), new RegExp(TOKEN));
  assert.equal(gh.requests[0]!.headers['x-github-api-version'], '2022-11-28');
  assert.equal(gh.requests[1]!.path, '/repositories/734521/issues?state=open&per_page=100&page=2');

  const one = byId(issues, '1');
  assert.deepEqual(one, {
    id: '1',
    nativeRef: { owner: 'quartet-test', repo: 'widgets', number: 1, node_id: 'I_kwDOAAszOc60001' },
    identifier: '#1',
    title: 'Crash when the config file is empty',
    description: 'Steps:\n1. create an empty `widgets.toml`\n2. run `widgets build`',
    priority: 2,
    state: 'open',
    branchName: null,
    url: 'https://github.com/quartet-test/widgets/issues/1',
    assigneeId: null,
    labels: ['bug', 'p2', 'quartet'],
    blockedBy: [],
    dispatchable: true,
    author: { login: 'octo-reporter', role: 'MEMBER', canWrite: true },
    createdAt: '2025-03-01T09:00:00.000Z',
    updatedAt: '2025-03-02T10:30:00.000Z',
  });
  const three = byId(issues, '3');
  assert.equal(three.state, 'In Progress', 'label in-progress maps to its configured state');
  assert.equal(three.description, '');
  assert.equal(three.assigneeId, 'octo-dev');
  assert.equal(three.updatedAt, '2025-03-04T16:45:10.250Z');
  const four = byId(issues, '4');
  assert.equal(four.priority, 2, 'priority: high');
  assert.equal(four.createdAt, '2025-03-03T09:00:00.000Z', 'offset normalized to UTC');
  assert.equal(four.updatedAt, null, 'an unusable timestamp becomes null, the record stays');
});

test('only the requested states come back; open + closed asks for state=all; no label filter unless opted in', async () => {
  servePagedList();
  const inProgress = await source({ requiredLabels: ['quartet'] }).fetchIssuesByStates(['in progress']);
  assert.equal(
    gh.requests[0]!.url.searchParams.has('labels'),
    false,
    'GitHub matches labels case-sensitively; required_labels do not',
  );
  assert.deepEqual(
    inProgress.map((i) => i.id),
    ['3'],
  );
  gh.reset();
  gh.route('GET', LIST, (req) => ({
    status: 200,
    body: req.url.searchParams.get('state') === 'all' ? [...page1, ...closedList] : [],
  }));
  const both = await source().fetchIssuesByStates(['open', 'closed']);
  assert.equal(gh.requests[0]!.url.searchParams.get('state'), 'all');
  const five = byId(both, '5');
  assert.equal(five.state, 'closed');
  assert.equal(five.dispatchable, false, 'closed issues are never dispatchable');
});

test('assignee rule: routed login or unassigned (unless allow_unassigned is false); `me` asks GET /user once', async () => {
  servePagedList();
  gh.route('GET', '/user', { status: 200, body: octoDev });
  const s = source({ assignee: 'me' });
  const first = await s.fetchIssuesByStates(['open', 'In Progress']);
  await s.fetchIssuesByStates(['open']);
  assert.equal(gh.requests.filter((r) => r.url.pathname === '/user').length, 1, 'the login is cached');
  assert.deepEqual(
    first.map((i) => [i.id, i.dispatchable]),
    [
      ['1', true],
      ['3', true],
      ['4', false],
      ['6', true],
    ],
  );
  const strict = await source({ assignee: 'Octo-Dev', allowUnassigned: false }).fetchIssuesByStates([
    'open',
    'In Progress',
  ]);
  assert.deepEqual(
    strict.map((i) => [i.id, i.dispatchable]),
    [
      ['1', false],
      ['3', true],
      ['4', false],
      ['6', false],
    ],
  );
});

test('state lists skip malformed records and log how many; the valid one survives', async () => {
  gh.route('GET', LIST, { status: 200, body: malformedList });
  const issues = await source().fetchIssuesByStates(['open']);
  assert.deepEqual(
    issues.map((i) => i.id),
    ['7'],
  );
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /omitted 3 malformed issue record/);
  assert.match(warnings[0]!, /#8/);
});

test('refresh by id: full snapshots; 404, pull requests, transferred issues and foreign ids are omitted', async () => {
  gh.route('GET', `${LIST}/42`, { status: 200, body: single42 });
  gh.route('GET', `${LIST}/44`, { status: 200, body: pull44 });
  gh.route('GET', `${LIST}/45`, { status: 200, body: moved45 });
  gh.route('GET', `${LIST}/99`, { status: 404, body: notFoundBody });
  const issues = await source().fetchIssuesByIds(['42', '99', '44', '45', '42', 'ABC-1']);
  assert.equal(issues.length, 1);
  const i = issues[0]!;
  assert.deepEqual(
    [i.id, i.identifier, i.state, i.dispatchable, i.priority, i.labels],
    ['42', '#42', 'closed', false, 2, ['p2', 'enhancement']],
  );
  assert.equal(i.description, 'We ship it as `widgets`.');
  assert.equal(gh.requests.length, 4, 'duplicates collapse and a non-numeric id is never requested');
});

test('refresh by id fails on a malformed requested record instead of omitting it', async () => {
  gh.route('GET', `${LIST}/43`, { status: 200, body: single43Bad });
  const err = await rejection(source().fetchIssuesByIds(['43']));
  assert.equal(err.category, 'tracker_response');
  assert.match(err.message, /#43/);
});

test('403 with x-ratelimit-remaining 0 → tracker_rate_limited with the wait until x-ratelimit-reset', async () => {
  const reset = Math.floor(Date.now() / 1000) + 120;
  gh.route('GET', LIST, {
    status: 403,
    headers: { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) },
    body: rateLimitBody,
  });
  const err = await rejection(source().fetchIssuesByStates(['open']));
  assert.equal(err.category, 'tracker_rate_limited');
  assert.equal(err.detail.status, 403);
  assert.ok(err.detail.retryAfterMs! > 100_000 && err.detail.retryAfterMs! <= 120_000, String(err.detail.retryAfterMs));
  assert.equal(gh.requests.length, 1, 'a reset two minutes away is not waited for');
});

test('429 with retry-after → tracker_rate_limited; a plain 403 is a status error', async () => {
  gh.route('GET', LIST, {
    status: 429,
    headers: { 'retry-after': '30' },
    body: { message: 'You have exceeded a secondary rate limit.' },
  });
  const limited = await rejection(source().fetchIssuesByStates(['open']));
  assert.equal(limited.category, 'tracker_rate_limited');
  assert.equal(limited.detail.retryAfterMs, 30_000);
  assert.equal(gh.requests.length, 2, 'a 30 s limit is waited out once, then reported');
  gh.route('GET', LIST, { status: 403, body: { message: 'Resource not accessible by personal access token' } });
  const forbidden = await rejection(source().fetchIssuesByStates(['open']));
  assert.equal(forbidden.category, 'tracker_status');
  assert.match(forbidden.message, /Resource not accessible/);
});

test('500 and 401 → tracker_status with the status and an actionable message', async () => {
  gh.route('GET', LIST, { status: 500, body: serverErrorBody });
  const e500 = await rejection(source().fetchIssuesByStates(['open']));
  assert.deepEqual([e500.category, e500.detail.status, e500.detail.retryable], ['tracker_status', 500, true]);
  assert.equal(gh.requests.length, 3, 'a GET that got a 5xx is tried twice more');
  gh.route('GET', LIST, { status: 401, body: badCredsBody });
  const e401 = await rejection(source().fetchIssuesByStates(['open']));
  assert.equal(e401.category, 'tracker_status');
  assert.match(e401.message, /HTTP 401.*Bad credentials.*token was rejected/);
});

test('a success that is not a JSON list → tracker_response', async () => {
  gh.route('GET', LIST, { status: 200, body: '{"message": "half a list' });
  assert.equal((await rejection(source().fetchIssuesByStates(['open']))).category, 'tracker_response');
  gh.route('GET', LIST, { status: 200, body: { items: [] } });
  assert.equal((await rejection(source().fetchIssuesByStates(['open']))).category, 'tracker_response');
});

test('a failing second page, a loop or too many pages → tracker_pagination', async () => {
  gh.route('GET', LIST, { status: 200, headers: { link: `<${gh.url}${LIST}?page=2>; rel="next"` }, body: page1 });
  gh.routeWhen((r) =>
    r.url.searchParams.get('page') === '2' ? { status: 502, body: { message: 'Bad Gateway' } } : undefined,
  );
  const broken = await rejection(source().fetchIssuesByStates(['open']));
  assert.equal(broken.category, 'tracker_pagination');
  assert.match(broken.message, /page 2.*HTTP 502.*incomplete/);

  gh.reset();
  gh.route('GET', LIST, (r) => ({
    status: 200,
    headers: { link: `<${gh.url}${LIST}?page=2>; rel="next"` },
    body: r.url.searchParams.get('page') ? page2 : page1,
  }));
  assert.match((await rejection(source().fetchIssuesByStates(['open']))).message, /repeats/);

  gh.reset();
  let n = 0;
  gh.route('GET', LIST, () => ({
    status: 200,
    headers: { link: `<${gh.url}${LIST}?page=${++n + 1}>; rel="next"` },
    body: page2,
  }));
  const tooMany = await rejection(source({ maxPages: 3 }).fetchIssuesByStates(['open']));
  assert.equal(tooMany.category, 'tracker_pagination');
  assert.match(tooMany.message, /more than 3 pages/);
  assert.equal(gh.requests.length, 3);
});

test('a next link to another host is refused: the token never leaves the API root', async () => {
  const other = await startRecordedServer();
  try {
    gh.route('GET', LIST, { status: 200, headers: { link: `<${other.url}/steal?page=2>; rel="next"` }, body: page1 });
    const err = await rejection(source().fetchIssuesByStates(['open']));
    assert.equal(err.category, 'tracker_pagination');
    assert.equal(other.requests.length, 0);
  } finally {
    await other.close();
  }
});

test('rate limit on a later page stays tracker_rate_limited (retryable), not a pagination failure', async () => {
  gh.route('GET', LIST, { status: 200, headers: { link: `<${gh.url}${LIST}?page=2>; rel="next"` }, body: page1 });
  gh.routeWhen((r) =>
    r.url.searchParams.get('page') === '2'
      ? { status: 429, headers: { 'retry-after': '7' }, body: rateLimitBody }
      : undefined,
  );
  const err = await rejection(source().fetchIssuesByStates(['open']));
  assert.deepEqual([err.category, err.detail.retryAfterMs], ['tracker_rate_limited', 7000]);
});

test('transport failure → tracker_request; missing token → missing_tracker_secret without a request', async () => {
  const dead = await startRecordedServer();
  const deadUrl = dead.url;
  await dead.close();
  const err = await rejection(source({ baseUrl: deadUrl }).fetchIssuesByStates(['open']));
  assert.equal(err.category, 'tracker_request');
  const s = source({ getToken: async () => null, tokenWhere: 'QUARTET_GITHUB_TOKEN' });
  const missing = await rejection(s.fetchIssuesByStates(['open']));
  assert.equal(missing.category, 'missing_tracker_secret');
  assert.match(missing.message, /QUARTET_GITHUB_TOKEN/);
  assert.equal((await rejection(s.preflight!())).category, 'missing_tracker_secret');
  assert.equal(gh.requests.length, 0);
});

test('the token never appears in error messages, even when the server echoes it', async () => {
  gh.route('GET', LIST, (r) => ({
    status: 500,
    body: { message: `upstream said: ${String(r.headers.authorization)}` },
  }));
  const e = await rejection(source().fetchIssuesByStates(['open']));
  assert.ok(!e.message.includes(TOKEN), e.message);
  assert.match(e.message, /\[REDACTED\]/);
  gh.route('GET', `${LIST}/7`, (r) => ({
    status: 403,
    headers: { 'x-ratelimit-remaining': '0' },
    body: { message: String(r.headers.authorization) },
  }));
  const limited = await rejection(source().fetchIssuesByIds(['7']));
  assert.ok(!limited.message.includes(TOKEN) && !JSON.stringify(limited.detail).includes(TOKEN));
});

test('author_association decides write access: OWNER/MEMBER/COLLABORATOR may instruct, everyone else (or a missing field) may not', async () => {
  const as = (association: unknown): Record<string, unknown> => ({ ...single42, author_association: association });
  const cases: Array<[unknown, boolean]> = [
    ['OWNER', true],
    ['MEMBER', true],
    ['COLLABORATOR', true],
    ['collaborator', true],
    ['CONTRIBUTOR', false],
    ['FIRST_TIME_CONTRIBUTOR', false],
    ['FIRST_TIMER', false],
    ['MANNEQUIN', false],
    ['NONE', false],
    [undefined, false],
    [42, false],
  ];
  for (const [association, canWrite] of cases) {
    const issue = normalizeGithubIssue(as(association), {
      owner: 'quartet-test',
      repo: 'widgets',
      stateLabels: [],
      openState: 'open',
      closedState: 'closed',
      priorityLabels: new Map(),
      assignee: null,
      allowUnassigned: true,
    });
    assert.equal(issue?.author.canWrite, canWrite, String(association));
    assert.equal(issue?.author.login, 'octo-reporter');
  }
  // Through the adapter: the refresh keeps the payload's association (a reconcile sees a changed one).
  gh.route('GET', `${LIST}/42`, { status: 200, body: as('NONE') });
  const [fresh] = await source().fetchIssuesByIds(['42']);
  assert.deepEqual(fresh!.author, { login: 'octo-reporter', role: 'NONE', canWrite: false });
});
