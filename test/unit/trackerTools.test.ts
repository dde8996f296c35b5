// Provider-native agent tools (SPEC §10.5): specs, repo confinement of github_api, linear_graphql, failures, no token leaks.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { startRecordedServer, type RecordedServer } from '../support/recordedHttp';
import { startFakeLinear, type FakeLinear } from '../support/fakeLinear';
import { createTrackerToolbox, type TaskToolScope } from '../../src/core/tracker/agentTools';
import { MAX_TOOL_OUTPUT_CHARS } from '../../src/core/tracker/toolResult';
import type { ToolResult } from '../../src/core/execution/dynamicTools';
import single42 from '../fixtures/github/issues-single-42.json';

const GH_TOKEN = 'ghp_TOOLtoken9876543210zyxw';
const LIN_KEY = 'lin_api_TOOLkey0123456789abcdef';
let gh: RecordedServer;
let linear: FakeLinear;

before(async () => {
  gh = await startRecordedServer();
  linear = await startFakeLinear({ apiKey: LIN_KEY });
});
after(async () => {
  await gh.close();
  await linear.close();
});
beforeEach(() => gh.reset());

/** The task works on issue #42 (and, when given, its PRs); the tools may touch nothing else. */
const scope = (issueId: string, identifier: string, prs: number[] = []): TaskToolScope => ({
  issueId,
  identifier,
  pullRequests: () => prs,
  trustedLabels: ['quartet-ok'],
});
const githubTools = (env: Record<string, string> = { QUARTET_GITHUB_TOKEN: GH_TOKEN }) =>
  createTrackerToolbox(
    { kind: 'github', provider: { repo: 'quartet-test/widgets', endpoint: gh.url } },
    { env },
    scope('42', '#42'),
  );
const linearTools = (issueId = 'none', identifier = 'QT-0') =>
  createTrackerToolbox(
    { kind: 'linear', provider: { project_slug: linear.project, endpoint: linear.url } },
    { env: { LINEAR_API_KEY: LIN_KEY } },
    scope(issueId, identifier),
  );

const text = (r: ToolResult): string => r.contentItems.map((c) => c.text).join('');
const json = (r: ToolResult): Record<string, unknown> => JSON.parse(text(r)) as Record<string, unknown>;

test('specs: one function tool per provider in the app-server DynamicToolSpec shape; none for local', () => {
  const g = githubTools();
  assert.deepEqual(
    g.specs.map((s) => [s.type, s.name]),
    [['function', 'github_api']],
  );
  const schema = g.specs[0]!.inputSchema as { required: string[]; properties: Record<string, { type: string }> };
  assert.deepEqual(schema.required, ['method', 'path']);
  assert.deepEqual(
    Object.entries(schema.properties).map(([k, v]) => [k, v.type]),
    [
      ['method', 'string'],
      ['path', 'string'],
      ['query', 'object'],
      ['body', 'object'],
    ],
  );
  assert.match(g.specs[0]!.description, /quartet-test\/widgets/);
  assert.deepEqual(g.secretEnvNames, ['QUARTET_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN']);
  const l = linearTools();
  assert.deepEqual(
    l.specs.map((s) => s.name),
    ['linear_graphql'],
  );
  assert.deepEqual((l.specs[0]!.inputSchema as { required: string[] }).required, ['query']);
  assert.deepEqual(createTrackerToolbox({ kind: 'local' }, { env: {} }, null).specs, []);
});

test('github_api: a GET inside the repository runs host-side with the host token', async () => {
  gh.route('GET', '/repos/quartet-test/widgets/issues/42', {
    status: 200,
    headers: { link: `<${gh.url}/x?page=2>; rel="next"` },
    body: single42,
  });
  const r = await githubTools().executeTrackerTool('github_api', {
    method: 'get',
    path: '/repos/quartet-test/widgets/issues/42',
    query: { per_page: 5, draft: false },
  });
  assert.equal(r.success, true);
  const out = json(r);
  assert.equal(out.status, 200);
  assert.equal((out.body as { number: number }).number, 42);
  assert.match(String(out.link), /rel="next"/);
  const req = gh.requests[0]!;
  // The one GitHub client (Octokit) sends a personal token in the `token` scheme.
  assert.equal(req.headers.authorization, `token ${GH_TOKEN}`);
  assert.equal(req.headers['x-github-api-version'], '2022-11-28');
  assert.equal(req.path, '/repos/quartet-test/widgets/issues/42?per_page=5&draft=false');
  assert.ok(!text(r).includes(GH_TOKEN));
});

test('github_api: POST with a JSON body; a non-2xx answer is a failure result carrying status and body', async () => {
  gh.route('POST', '/repos/quartet-test/widgets/issues/42/comments', (req) => ({
    status: 201,
    body: { id: 1, body: (JSON.parse(req.body) as { body: string }).body },
  }));
  const ok = await githubTools().executeTrackerTool('github_api', {
    method: 'POST',
    path: '/repos/quartet-test/widgets/issues/42/comments',
    body: { body: 'Done in #43' },
  });
  assert.equal(ok.success, true);
  assert.match(String(gh.requests[0]!.headers['content-type']), /^application\/json\b/);
  assert.deepEqual(json(ok).body, { id: 1, body: 'Done in #43' });
  const missing = await githubTools().executeTrackerTool('github_api', {
    method: 'GET',
    path: '/repos/quartet-test/widgets/issues/42/timeline',
  });
  assert.equal(missing.success, false);
  assert.equal(json(missing).status, 404);
});

test('github_api: paths outside the configured repository are refused before any request', async () => {
  const paths = [
    '/repos/quartet-test/gadgets/issues',
    '/user',
    '/repos/quartet-test/widgets/../gadgets/issues',
    '/repos/quartet-test/widgets/%2e%2e/%2e%2e/orgs/x',
    '/repos/quartet-test/widgets%2f..%2fgadgets',
    '/repos/quartet-test/widgets/x%2F..%2F..%2F..%2Fuser',
    '/repos/quartet-test/widgets/issues?state=all',
    '/repos/quartet-test//widgets',
    'https://evil.example/repos/quartet-test/widgets',
    'repos/quartet-test/widgets',
    '/repos/quartet-test/widgets/issues\n',
  ];
  const tools = githubTools();
  for (const path of paths) {
    const r = await tools.executeTrackerTool('github_api', { method: 'GET', path });
    assert.equal(r.success, false, path);
    assert.ok(json(r).error, path);
  }
  for (const args of [
    { method: 'TRACE', path: '/repos/quartet-test/widgets' },
    { method: 'GET', path: '/repos/quartet-test/widgets', body: { a: 1 } },
    'GET /repos',
    null,
  ]) {
    assert.equal((await tools.executeTrackerTool('github_api', args)).success, false, JSON.stringify(args));
  }
  assert.equal(gh.requests.length, 0);
  const sameRepoOtherCase = await tools.executeTrackerTool('github_api', {
    method: 'GET',
    path: '/repos/Quartet-Test/Widgets/issues/42/labels',
  });
  assert.equal(gh.requests.length, 1, 'owner/repo compare case-insensitively, like GitHub');
  assert.equal(sameRepoOtherCase.success, false, 'the 404 from the recorded server');
});

test('github_api: redirects are reported, not followed; the token is redacted even if echoed; missing token fails cleanly', async () => {
  gh.route('GET', '/repos/quartet-test/widgets/issues/42', {
    status: 301,
    headers: { location: `${gh.url}/repositories/1/issues/42` },
    body: { message: 'Moved Permanently' },
  });
  const moved = await githubTools().executeTrackerTool('github_api', {
    method: 'GET',
    path: '/repos/quartet-test/widgets/issues/42',
  });
  assert.deepEqual([moved.success, json(moved).status, gh.requests.length], [false, 301, 1]);
  gh.route('GET', '/repos/quartet-test/widgets/issues/42/comments', (req) => ({
    status: 200,
    body: { seen: req.headers.authorization },
  }));
  const echoed = await githubTools().executeTrackerTool('github_api', {
    method: 'GET',
    path: '/repos/quartet-test/widgets/issues/42/comments',
  });
  assert.ok(!text(echoed).includes(GH_TOKEN));
  assert.match(text(echoed), /token \[REDACTED\]/);
  const none = await githubTools({}).executeTrackerTool('github_api', {
    method: 'GET',
    path: '/repos/quartet-test/widgets/issues/42',
  });
  assert.equal(none.success, false);
  assert.match(String((json(none).error as { message: string }).message), /no GitHub token/);
});

test('linear_graphql: queries and mutations run with the host key; GraphQL errors are failures', async () => {
  const id = linear.addIssue({ identifier: 'QT-1', title: 'Tool target', state: 'Todo' });
  const tools = linearTools(id, 'QT-1');
  const viewer = await tools.executeTrackerTool('linear_graphql', {
    query: 'query QuartetLinearViewer { viewer { id } }',
  });
  assert.equal(viewer.success, true);
  assert.deepEqual(json(viewer), { data: { viewer: { id: linear.viewerId } } });
  assert.equal(linear.requests.at(-1)!.authorization, LIN_KEY);
  const comment = await tools.executeTrackerTool('linear_graphql', {
    query:
      'mutation AddComment($input: CommentCreateInput!) { commentCreate(input: $input) { success comment { id body } } }',
    variables: { input: { issueId: id, body: 'Picked up by Quartet' } },
  });
  assert.equal(comment.success, true);
  assert.deepEqual(linear.comments, [{ issueId: id, body: 'Picked up by Quartet' }]);
  const invalid = await tools.executeTrackerTool('linear_graphql', 'query Nope { nope }');
  assert.equal(invalid.success, false);
  assert.match(text(invalid), /GRAPHQL_VALIDATION_FAILED/);
  for (const bad of [{}, { query: '  ' }, { query: 'q', variables: [1] }, 42]) {
    assert.equal((await tools.executeTrackerTool('linear_graphql', bad)).success, false, JSON.stringify(bad));
  }
});

test('linear_graphql: rate limits and transport failures are structured failures without the key', async () => {
  const tools = linearTools();
  linear.failNext({ kind: 'ratelimited', status: 400 });
  const limited = await tools.executeTrackerTool('linear_graphql', {
    query: 'query QuartetLinearViewer { viewer { id } }',
  });
  assert.equal(limited.success, false);
  assert.equal(json(limited).rate_limited, true);
  linear.failNext({ kind: 'status', status: 502, text: `gateway saw ${LIN_KEY}` });
  const echoed = await tools.executeTrackerTool('linear_graphql', {
    query: 'query QuartetLinearViewer { viewer { id } }',
  });
  assert.equal(echoed.success, false);
  assert.ok(!text(echoed).includes(LIN_KEY));
  const dead = createTrackerToolbox(
    { kind: 'linear', provider: { project_slug: 'x', endpoint: 'http://127.0.0.1:1/graphql' } },
    { env: { LINEAR_API_KEY: LIN_KEY } },
    null,
  );
  const down = await dead.executeTrackerTool('linear_graphql', { query: '{ viewer { id } }' });
  assert.equal(down.success, false);
  assert.match(text(down), /failed before a response/);
});

test('unsupported tool names return a structured failure listing the supported ones; big outputs are capped', async () => {
  const r = await githubTools().executeTrackerTool('linear_graphql', { query: '{ viewer { id } }' });
  assert.equal(r.success, false);
  assert.deepEqual((json(r).error as { supportedTools: string[] }).supportedTools, ['github_api']);
  gh.route('GET', '/repos/quartet-test/widgets/issues/42/comments', {
    status: 200,
    body: [{ body: 'x'.repeat(MAX_TOOL_OUTPUT_CHARS * 2) }],
  });
  const big = await githubTools().executeTrackerTool('github_api', {
    method: 'GET',
    path: '/repos/quartet-test/widgets/issues/42/comments',
  });
  assert.ok(text(big).length < MAX_TOOL_OUTPUT_CHARS + 200);
  assert.match(text(big), /truncated by Quartet/);
});
