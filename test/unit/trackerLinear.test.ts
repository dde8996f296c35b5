// Linear adapter against the fake Linear GraphQL endpoint: scope, cursor pages, normalization, blockers, errors.
import { test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { startFakeLinear, type FakeLinear } from '../support/fakeLinear';
import { createLinearSource, type LinearOptions } from '../../src/core/tracker/linear/linear';
import { TrackerError } from '../../src/core/tracker/types';

const KEY = 'lin_api_TESTkey0123456789abcdefXYZ';
let fake: FakeLinear;
let warnings: string[];

beforeEach(async () => {
  fake = await startFakeLinear({ apiKey: KEY });
  warnings = [];
});
afterEach(() => fake.close());

function source(extra: Partial<LinearOptions> = {}) {
  return createLinearSource({
    endpoint: fake.url,
    projectSlug: fake.project,
    getApiKey: async () => KEY,
    terminalStates: ['Done', 'Canceled'],
    warn: (m) => warnings.push(m),
    ...extra,
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

test('empty inputs return [] without a request', async () => {
  const s = source();
  assert.deepEqual(await s.fetchIssuesByStates([]), []);
  assert.deepEqual(await s.fetchIssuesByIds([]), []);
  assert.equal(fake.requests.length, 0);
});

test('candidate fetch: project scope + state filter, pages follow endCursor in order', async () => {
  const ids = Array.from({ length: 5 }, (_, n) =>
    fake.addIssue({ identifier: `QT-${n + 1}`, title: `Task ${n + 1}`, state: n === 2 ? 'In Progress' : 'Todo' }),
  );
  fake.addIssue({ identifier: 'QT-90', title: 'Finished', state: 'Done' });
  fake.addIssue({ identifier: 'OTHER-1', title: 'Other project', state: 'Todo', project: 'ffff0000ffff' });
  fake.addIssue({ identifier: 'QT-91', title: 'Archived', state: 'Todo', archived: true });
  const issues = await source({ pageSize: 2 }).fetchIssuesByStates(['Todo', 'In Progress']);
  assert.deepEqual(
    issues.map((i) => i.identifier),
    ['QT-1', 'QT-2', 'QT-3', 'QT-4', 'QT-5'],
  );
  assert.deepEqual(
    issues.map((i) => i.id),
    ids,
  );
  assert.equal(fake.requests.length, 3);
  assert.deepEqual(
    fake.requests.map((r) => r.variables.after),
    [null, ids[1], ids[3]],
  );
  const v = fake.requests[0]!.variables;
  assert.deepEqual([v.projectSlug, v.stateNames, v.first], [fake.project, ['Todo', 'In Progress'], 2]);
  assert.equal(fake.requests[0]!.authorization, KEY, 'a personal API key goes in Authorization as is');
});

test('normalization: priority 0 → null, labels, branch, url, assignee, timestamps, native_ref', async () => {
  const user = 'user-7f3a';
  const id = fake.addIssue({
    identifier: 'QT-7',
    title: 'Add retries',
    state: 'In Progress',
    priority: 2,
    description: 'Retry the upload.',
    labels: ['Backend', ' backend', 'Needs Review', ''],
    branchName: 'dev/qt-7-add-retries',
    assigneeId: user,
    createdAt: '2025-04-02T10:00:00.000Z',
    updatedAt: '2025-04-03T11:30:00.000+02:00',
  });
  const none = fake.addIssue({ identifier: 'QT-8', title: 'No priority', state: 'Todo', priority: 0 });
  const [a, b] = await source().fetchIssuesByStates(['In Progress', 'Todo']);
  assert.deepEqual(a, {
    id,
    nativeRef: { issue_id: id, identifier: 'QT-7' },
    identifier: 'QT-7',
    title: 'Add retries',
    description: 'Retry the upload.',
    priority: 2,
    state: 'In Progress',
    branchName: 'dev/qt-7-add-retries',
    url: 'https://linear.app/quartet-test/issue/QT-7/add-retries',
    assigneeId: user,
    labels: ['backend', 'needs review'],
    blockedBy: [],
    dispatchable: true,
    author: { login: 'Team Member', role: 'member', canWrite: true },
    createdAt: '2025-04-02T10:00:00.000Z',
    updatedAt: '2025-04-03T09:30:00.000Z',
  });
  assert.equal(b!.id, none);
  assert.equal(b!.priority, null);
  assert.equal(b!.description, null);
});

test('unusable optional metadata normalizes to null/empty; the issue stays valid', async () => {
  const id = fake.addIssue({ identifier: 'QT-9', title: 'Odd metadata', state: 'Todo' });
  fake.malform(id, {
    priority: 'high',
    createdAt: 'yesterday',
    labels: null,
    assignee: 'someone',
    inverseRelations: { nodes: [null, { type: 'blocks' }] },
    branchName: '',
  });
  const [i] = await source().fetchIssuesByStates(['Todo']);
  assert.deepEqual(
    [i!.priority, i!.createdAt, i!.labels, i!.assigneeId, i!.blockedBy, i!.branchName],
    [null, null, [], null, [], null],
  );
  assert.equal(i!.dispatchable, true);
});

test('blockers: inverse "blocks" relations only; an open blocker gates a not-started issue, not a started one', async () => {
  const blocker = fake.addIssue({ identifier: 'QT-20', title: 'Schema', state: 'In Progress' });
  const related = fake.addIssue({ identifier: 'QT-21', title: 'Related only', state: 'Todo' });
  const todo = fake.addIssue({ identifier: 'QT-22', title: 'Migrate', state: 'Todo' });
  const started = fake.addIssue({ identifier: 'QT-23', title: 'Already going', state: 'In Progress' });
  fake.relate(blocker, todo);
  fake.relate(related, todo, 'related');
  fake.relate(blocker, started);
  const s = source();
  const byId = async () => new Map((await s.fetchIssuesByIds([todo, started])).map((i) => [i.id, i]));
  let now = await byId();
  assert.deepEqual(now.get(todo)!.blockedBy, [{ id: blocker, identifier: 'QT-20', state: 'In Progress' }]);
  assert.equal(now.get(todo)!.dispatchable, false);
  assert.equal(now.get(started)!.dispatchable, true, 'a blocker never stops work already started');
  fake.setState(blocker, 'Done');
  now = await byId();
  assert.equal(now.get(todo)!.dispatchable, true, 'a completed blocker no longer blocks');
});

test('assignee rule: `me` resolves the viewer once; unassigned allowed unless allowUnassigned is false', async () => {
  const mine = fake.addIssue({ identifier: 'QT-30', title: 'Mine', state: 'Todo', assigneeId: fake.viewerId });
  const theirs = fake.addIssue({ identifier: 'QT-31', title: 'Theirs', state: 'Todo', assigneeId: 'someone-else' });
  const nobody = fake.addIssue({ identifier: 'QT-32', title: 'Nobody', state: 'Todo' });
  const s = source({ assignee: 'me' });
  const got = new Map((await s.fetchIssuesByStates(['Todo'])).map((i) => [i.id, i.dispatchable]));
  await s.fetchIssuesByIds([mine]);
  assert.deepEqual([got.get(mine), got.get(theirs), got.get(nobody)], [true, false, true]);
  assert.equal(fake.requests.filter((r) => r.operationName === 'QuartetLinearViewer').length, 1);
  const strict = new Map(
    (await source({ assignee: fake.viewerId, allowUnassigned: false }).fetchIssuesByStates(['Todo'])).map((i) => [
      i.id,
      i.dispatchable,
    ]),
  );
  assert.deepEqual([strict.get(mine), strict.get(theirs), strict.get(nobody)], [true, false, false]);
});

test('refresh by id: full snapshots, ids outside the project or archived are omitted, batches of pageSize', async () => {
  const a = fake.addIssue({ identifier: 'QT-40', title: 'A', state: 'Todo', labels: ['X'] });
  const b = fake.addIssue({ identifier: 'QT-41', title: 'B', state: 'Done' });
  const other = fake.addIssue({ identifier: 'OT-1', title: 'Elsewhere', state: 'Todo', project: 'ffff0000ffff' });
  const gone = fake.addIssue({ identifier: 'QT-42', title: 'Archived', state: 'Todo', archived: true });
  const issues = await source({ pageSize: 2 }).fetchIssuesByIds([a, b, other, gone, a, 'not-a-real-id']);
  assert.deepEqual(issues.map((i) => [i.identifier, i.state, i.labels]).sort(), [
    ['QT-40', 'Todo', ['x']],
    ['QT-41', 'Done', []],
  ]);
  assert.equal(fake.requests.length, 3, '5 unique ids in batches of 2');
});

test('malformed records: skipped (and logged) in state lists, fatal in id refresh', async () => {
  const good = fake.addIssue({ identifier: 'QT-50', title: 'Good', state: 'Todo' });
  const bad = fake.addIssue({ identifier: 'QT-51', title: 'Bad', state: 'Todo' });
  fake.malform(bad, { title: null });
  const list = await source().fetchIssuesByStates(['Todo']);
  assert.deepEqual(
    list.map((i) => i.id),
    [good],
  );
  assert.match(warnings.join('\n'), /omitted 1 malformed issue record/);
  const err = await rejection(source().fetchIssuesByIds([good, bad]));
  assert.equal(err.category, 'tracker_response');
  assert.match(err.message, new RegExp(bad));
});

test('rate limits: RATELIMITED with HTTP 400 or 429 → tracker_rate_limited with the reset wait', async () => {
  fake.addIssue({ identifier: 'QT-60', title: 'A', state: 'Todo' });
  for (const status of [400, 429] as const) {
    fake.failNext({ kind: 'ratelimited', status, resetInMs: 45_000 });
    const err = await rejection(source().fetchIssuesByStates(['Todo']));
    assert.equal(err.category, 'tracker_rate_limited');
    assert.equal(err.detail.providerCode, 'RATELIMITED');
    assert.ok(err.detail.retryAfterMs! > 30_000 && err.detail.retryAfterMs! <= 45_000, String(err.detail.retryAfterMs));
  }
});

test('errors: 401 / 500 → tracker_status, GraphQL errors or non-JSON → tracker_response, transport → tracker_request', async () => {
  const wrongKey = await rejection(source({ getApiKey: async () => 'lin_api_WRONG' }).fetchIssuesByStates(['Todo']));
  assert.deepEqual([wrongKey.category, wrongKey.detail.status], ['tracker_status', 401]);
  assert.match(wrongKey.message, /AUTHENTICATION_ERROR.*API key was rejected/);
  fake.failNext({ kind: 'status', status: 500 });
  const e500 = await rejection(source().fetchIssuesByStates(['Todo']));
  assert.deepEqual([e500.category, e500.detail.status, e500.detail.retryable], ['tracker_status', 500, true]);
  fake.failNext({ kind: 'graphqlError', message: 'Argument Validation Error', code: 'INVALID_INPUT' });
  const gql = await rejection(source().fetchIssuesByIds(['x']));
  assert.equal(gql.category, 'tracker_response');
  assert.match(gql.message, /INVALID_INPUT: Argument Validation Error/);
  fake.failNext({ kind: 'notJson' });
  assert.equal((await rejection(source().fetchIssuesByStates(['Todo']))).category, 'tracker_response');
  const dead = await startFakeLinear({ apiKey: KEY });
  await dead.close();
  assert.equal(
    (await rejection(source({ endpoint: dead.url }).fetchIssuesByStates(['Todo']))).category,
    'tracker_request',
  );
});

test('pagination integrity: hasNextPage without endCursor, or a failing later page → tracker_pagination', async () => {
  for (let n = 0; n < 3; n++) fake.addIssue({ identifier: `QT-7${n}`, title: `T${n}`, state: 'Todo' });
  fake.failNext({ kind: 'noEndCursor' });
  const noCursor = await rejection(source({ pageSize: 2 }).fetchIssuesByStates(['Todo']));
  assert.equal(noCursor.category, 'tracker_pagination');
  assert.match(noCursor.message, /endCursor/);
  fake.failNext({ kind: 'pass' }, { kind: 'status', status: 502 });
  const later = await rejection(source({ pageSize: 2 }).fetchIssuesByStates(['Todo']));
  assert.equal(later.category, 'tracker_pagination');
  assert.match(later.message, /page 2.*HTTP 502.*incomplete/);
  fake.failNext({ kind: 'pass' }, { kind: 'ratelimited', status: 429 });
  assert.equal(
    (await rejection(source({ pageSize: 2 }).fetchIssuesByStates(['Todo']))).category,
    'tracker_rate_limited',
    'a rate limit stays retryable',
  );
  assert.equal((await source({ pageSize: 2 }).fetchIssuesByStates(['Todo'])).length, 3, 'the listing itself is fine');
});

test('missing key → missing_tracker_secret without a request; the key never appears in errors', async () => {
  const missing = await rejection(
    source({ getApiKey: async () => null, keyWhere: 'LINEAR_API_KEY' }).fetchIssuesByStates(['Todo']),
  );
  assert.equal(missing.category, 'missing_tracker_secret');
  assert.match(missing.message, /LINEAR_API_KEY/);
  assert.equal(fake.requests.length, 0);
  fake.failNext({ kind: 'status', status: 502, text: `proxy error for Authorization: ${KEY}` });
  const echoed = await rejection(source().fetchIssuesByStates(['Todo']));
  assert.ok(!echoed.message.includes(KEY), echoed.message);
  assert.match(echoed.message, /\[REDACTED\]/);
});

test('author: a full workspace member may instruct; a guest or an issue with no creator (integration, customer request) may not', async () => {
  fake.addIssue({ identifier: 'QT-60', title: 'From the team', state: 'Todo' });
  fake.addIssue({
    identifier: 'QT-61',
    title: 'From a guest',
    state: 'Todo',
    creator: { name: 'Guest Person', guest: true },
  });
  fake.addIssue({ identifier: 'QT-62', title: 'From an integration', state: 'Todo', creator: null });
  const got = await source().fetchIssuesByStates(['Todo']);
  const by = (identifier: string) => got.find((i) => i.identifier === identifier)!.author;
  assert.deepEqual(by('QT-60'), { login: 'Team Member', role: 'member', canWrite: true });
  assert.deepEqual(by('QT-61'), { login: 'Guest Person', role: 'guest', canWrite: false, setsOwnLabels: true });
  assert.deepEqual(by('QT-62'), { login: null, role: 'integration', canWrite: false });
  assert.match(fake.requests.at(-1)!.query, /creator \{ name guest \}/);
});
