// Agent tools deny by default (docs/security.md §3): github_api against the fake GitHub, the PR allow-list, linear_graphql mutations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGithub } from '../support/fakeGithub';
import { startFakeLinear, type FakeLinear } from '../support/fakeLinear';
import { createTrackerToolbox, type TaskToolScope } from '../../src/core/tracker/agentTools';
import { githubCallPolicy, type GithubToolScope } from '../../src/core/tracker/github/githubApiPolicy';
import { linearCallPolicy } from '../../src/core/tracker/linear/linearGraphqlTool';
import { readOperations } from '../../src/core/tracker/linear/graphqlOps';
import type { ToolCallRecord } from '../../src/shared/events';
import type { ToolResult } from '../../src/core/execution/dynamicTools';

const TOKEN = 'ghp_POLICYtoken0123456789abcdef';
const LIN_KEY = 'lin_api_POLICYkey0123456789abcd';
let dir: string;
let gh: FakeGithub;
let linear: FakeLinear;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'quartet-policy-'));
  execFileSync('git', ['init', '-q', '--bare', '-b', 'main', join(dir, 'sample.git')]);
  gh = await FakeGithub.start({ bare: join(dir, 'sample.git'), token: TOKEN });
  linear = await startFakeLinear({ apiKey: LIN_KEY });
});
after(async () => {
  await gh.close();
  await linear.close();
  rmSync(dir, { recursive: true, force: true });
});

const text = (r: ToolResult): string => r.contentItems.map((c) => c.text).join('');
const scope = (issueId: string, identifier: string, prs: number[] = []): TaskToolScope => ({
  issueId,
  identifier,
  pullRequests: () => prs,
  trustedLabels: ['quartet-ok'],
});

test("github_api on the fake GitHub: destructive calls are refused before any request and journaled; the task's own issue works", async () => {
  const own = gh.addIssue({ title: 'Our task', labels: ['quartet'] });
  const other = gh.addIssue({ title: "Someone else's issue" });
  const tools = createTrackerToolbox(
    {
      kind: 'github',
      provider: {
        repo: 'octo/sample',
        endpoint: gh.url,
        state_labels: { 'in-review': 'Human Review', 'quartet-ok': 'Todo' },
      },
    },
    { env: { QUARTET_GITHUB_TOKEN: TOKEN } },
    scope(String(own.number), `#${own.number}`),
  );
  const records: ToolCallRecord[] = [];
  const call = (method: string, path: string, body?: unknown) =>
    tools.executeTrackerTool('github_api', { method, path, ...(body ? { body } : {}) }, (r) => records.push(r));
  const root = '/repos/octo/sample';
  const destructive: Array<[string, string, unknown?]> = [
    ['PATCH', root, { private: false }], // make the repository public
    ['DELETE', root],
    ['PUT', `${root}/collaborators/mallory`, { permission: 'admin' }],
    ['POST', `${root}/keys`, { title: 'k', key: 'ssh-ed25519 AAAA', read_only: false }],
    ['PATCH', `${root}/git/refs/heads/main`, { sha: '0'.repeat(40), force: true }], // force-move main
    ['PUT', `${root}/pulls/${own.number}/merge`, {}],
    ['POST', `${root}/hooks`, { config: { url: 'https://evil.example' } }],
    ['PUT', `${root}/contents/README.md`, { message: 'x', content: 'eA==' }],
    ['POST', `${root}/issues`, { title: 'spam' }],
    ['GET', `${root}/issues/${other.number}`], // another issue's text is someone else's instructions
    ['POST', `${root}/issues/${other.number}/comments`, { body: 'exfiltrated' }],
    ['PATCH', `${root}/issues/${own.number}`, { title: 'renamed', body: 'rewritten' }],
    ['PATCH', `${root}/issues/${own.number}`, { labels: ['quartet-ok'] }],
    ['POST', `${root}/issues/${own.number}/labels`, { labels: ['quartet-ok'] }], // the trusted label stays a maintainer's
    ['POST', `${root}/issues/${own.number}/labels`, { labels: ['bug'] }], // not a WORKFLOW.md state label
    ['POST', `${root}/issues/${own.number}/comments`, { body: 'hi', extra: 1 }],
    ['GET', `${root}/actions/secrets`],
  ];
  for (const [method, path, body] of destructive) {
    const r = await call(method, path, body);
    assert.equal(r.success, false, `${method} ${path}`);
    assert.match(text(r), /Quartet refused/, `${method} ${path}`);
    assert.match(text(r), new RegExp(`Allowed: read issue #${own.number}`), 'the refusal says what is allowed instead');
  }
  assert.deepEqual(gh.apiRequests(), [], 'no refused call reached GitHub');
  assert.equal(records.length, destructive.length);
  assert.ok(
    records.every((r) => !r.allowed && r.status === null && r.why),
    'each refusal journaled with its reason',
  );
  assert.deepEqual(records[0], {
    tool: 'github_api',
    call: `PATCH ${root}`,
    body: '{"private":false}',
    allowed: false,
    status: null,
    why: records[0]!.why,
  });

  // Allowed: read the issue and its comments, comment, set a state label, close it.
  records.length = 0;
  assert.equal((await call('GET', `${root}/issues/${own.number}`)).success, true);
  assert.equal((await call('POST', `${root}/issues/${own.number}/comments`, { body: 'Working on it' })).success, true);
  assert.equal((await call('GET', `${root}/issues/${own.number}/comments`)).success, true);
  assert.equal(
    (await call('PATCH', `${root}/issues/${own.number}`, { state: 'closed', state_reason: 'completed' })).success,
    true,
  );
  assert.deepEqual(
    gh.item(own.number)!.comments.map((c) => c.body),
    ['Working on it'],
  );
  assert.equal(gh.item(own.number)!.state, 'closed');
  assert.deepEqual(
    records.map((r) => [r.call.split(' ')[0], r.allowed, r.status]),
    [
      ['GET', true, 200],
      ['POST', true, 201],
      ['GET', true, 200],
      ['PATCH', true, 200],
    ],
  );
  assert.ok(!JSON.stringify(records).includes(TOKEN));
});

test("github_api policy: the task's pull requests can be read, checked and commented on, never merged, approved or edited", () => {
  const s: GithubToolScope = { issue: 4, pullRequests: [9], stateLabels: ['in-review'], trustedLabels: ['quartet-ok'] };
  const ok = (method: string, path: string, body: Record<string, unknown> | null = null) =>
    githubCallPolicy(method, path.split('/').filter(Boolean), body, s).allow;
  for (const path of [
    'pulls/9',
    'pulls/9/reviews',
    'pulls/9/reviews/77/comments',
    'pulls/9/comments',
    'pulls/9/files',
    'pulls/9/commits',
    'issues/9/comments',
    'issues/4/timeline',
    'commits/0123abc/check-runs',
    'commits/0123abcdef/status',
    'check-runs/55/annotations',
  ]) {
    assert.equal(ok('GET', path), true, path);
  }
  assert.equal(ok('POST', 'issues/9/comments', { body: 'fixed' }), true);
  assert.equal(ok('POST', 'pulls/9/comments/31/replies', { body: 'done' }), true);
  assert.equal(ok('DELETE', 'issues/4/labels/in-review'), true);
  assert.equal(
    ok('POST', 'issues/4/labels', { labels: ['In-Review'] }),
    true,
    'label names compare case-insensitively',
  );
  for (const [method, path, body] of [
    ['PUT', 'pulls/9/merge', {}],
    ['POST', 'pulls/9/reviews', { event: 'APPROVE' }],
    ['PATCH', 'pulls/9', { title: 'x' }],
    ['PATCH', 'issues/9', { state: 'closed' }],
    ['GET', 'pulls/10'],
    ['GET', 'commits/main/check-runs'],
    ['GET', 'commits/0123abc'],
    ['DELETE', 'issues/4/labels/quartet-ok'],
    ['PATCH', 'issues/4', { state: 'merged' }],
    ['POST', 'pulls/9/comments', { body: 'new thread', commit_id: 'x', path: 'a', line: 1 }],
    ['PUT', 'issues/4/lock', {}],
  ] as Array<[string, string, Record<string, unknown>?]>) {
    assert.equal(ok(method, path, body ?? null), false, `${method} ${path}`);
  }
  // Checks exist only once the task has a PR; without an issue nothing at all is allowed.
  assert.equal(
    githubCallPolicy('GET', ['commits', '0123abc', 'check-runs'], null, { ...s, pullRequests: [] }).allow,
    false,
  );
  assert.equal(githubCallPolicy('GET', ['issues', '4'], null, { ...s, issue: null }).allow, false);
});

test("linear_graphql: any query; commentCreate/issueUpdate only on the task's issue; everything else refused before Linear and journaled", async () => {
  const id = linear.addIssue({ identifier: 'QT-5', title: 'Ours', state: 'Todo' });
  const otherId = linear.addIssue({ identifier: 'QT-6', title: 'Theirs', state: 'Todo' });
  const tools = createTrackerToolbox(
    { kind: 'linear', provider: { project_slug: linear.project, endpoint: linear.url } },
    { env: { LINEAR_API_KEY: LIN_KEY } },
    scope(id, 'QT-5'),
  );
  const records: ToolCallRecord[] = [];
  const run = (query: string, variables?: Record<string, unknown>) =>
    tools.executeTrackerTool('linear_graphql', { query, ...(variables ? { variables } : {}) }, (r) => records.push(r));
  const before = linear.requests.length;
  const refused = [
    run('mutation { issueDelete(id: "' + id + '") { success } }'),
    run('mutation C($input: CommentCreateInput!) { commentCreate(input: $input) { success } }', {
      input: { issueId: otherId, body: 'x' },
    }),
    run(
      'mutation { ok: commentCreate(input: {issueId: "QT-5", body: "a"}) { success } gone: issueArchive(id: "QT-5") { success } }',
    ),
    run('mutation { ...M } fragment M on Mutation { issueDelete(id: "x") { success } }'),
    run('query A { viewer { id } } mutation B { issueDelete(id: "x") { success } }'),
    run('subscription { issueUpdated { id } }'),
    run('mutation { apiKeyCreate(input: {}) { success } }'),
    run('mutation { issueUpdate(id: "QT-6", input: {title: "x"}) { success } }'),
    run('mutation { issueUpdate(id: $missing, input: {}) { success } }'),
    run('this is not graphql {'),
  ];
  for (const r of await Promise.all(refused)) assert.equal(r.success, false, text(r));
  assert.equal(linear.requests.length, before, 'no refused operation reached Linear');
  assert.equal(records.length, refused.length);
  assert.ok(records.every((r) => !r.allowed && r.why));
  assert.match(
    records[0]!.why!,
    /the mutation issueDelete is not allowed; only commentCreate and issueUpdate on the task's issue/,
  );
  assert.match(records[1]!.why!, /commentCreate may only act on the task's issue QT-5/);

  records.length = 0;
  const viewer = await run('query QuartetLinearViewer { viewer { id } }');
  assert.equal(viewer.success, true, text(viewer));
  const comment = await run('mutation C($input: CommentCreateInput!) { commentCreate(input: $input) { success } }', {
    input: { issueId: id, body: 'on it } {' },
  });
  assert.equal(comment.success, true, text(comment));
  assert.deepEqual(linear.comments.at(-1), { issueId: id, body: 'on it } {' });
  assert.deepEqual(
    records.map((r) => [r.call, r.allowed, r.status]),
    [
      ['query viewer', true, 200],
      ['mutation commentCreate', true, 200],
    ],
  );
  assert.ok(!JSON.stringify(records).includes(LIN_KEY));
});

test('graphql reader: aliases, inline literals, identifiers and block strings resolve to the field that really runs', () => {
  const issue = { id: 'uuid-5', identifier: 'QT-5' };
  const op = (q: string) => readOperations(q)[0]!;
  assert.equal(
    linearCallPolicy(
      op('mutation { c: commentCreate(input: {issueId: "qt-5", body: """multi\n"line" }"""}) { success } }'),
      {},
      issue,
    ),
    null,
  );
  assert.equal(
    linearCallPolicy(op('# mutation { issueDelete } in a comment\n{ viewer { id } }'), {}, issue),
    null,
    'a comment is not an operation',
  );
  assert.equal(
    linearCallPolicy(
      op('mutation U($i: String!) { issueUpdate(id: $i, input: {stateId: "s"}) { success } }'),
      { i: 'uuid-5' },
      issue,
    ),
    null,
  );
  assert.match(
    linearCallPolicy(op('mutation { x: issueDelete(id: "uuid-5") { success } }'), {}, issue) ?? '',
    /issueDelete is not allowed/,
  );
  assert.match(
    linearCallPolicy(op('mutation { commentCreate(input: {issueId: "uuid-5"}) { success } }'), {}, null) ?? '',
    /no task issue/,
  );
  assert.deepEqual(
    readOperations(
      'query Q($a: [Int] = [1, 2]) @cached { issues(filter: {id: {in: ["a", "b"]}}, first: -1.5e2) { nodes { id } } }',
    )[0]!.fields,
    [{ name: 'issues', args: { filter: { id: { in: ['a', 'b'] } }, first: -150 } }],
  );
});
