// Unit: the pieces that connect WORKFLOW.md, the tracker adapters and the Autopilot — tracker binding, credentials, auto land, redaction.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWorkflow } from '../../src/core/workflow/loader';
import { credentialNeedsOf, trackerConfigOf, trackerPreflight } from '../../src/core/workflow/trackerBinding';
import { credentialsFromEnv, credentialValues, parseCredentials } from '../../src/core/tracker/credentials';
import { autoLandDecision, controlFilesIn, type AutoLandTask } from '../../src/core/autopilot/autoLand';
import { SecretRegistry } from '../../src/core/config/secretRegistry';
import { SwitchSource } from '../../src/core/autopilot/switchSource';
import { MemorySource, issue } from '../support/memorySource';
import { trackerToolDeniedReply, trackerToolReply } from '../../demo/trackerScenario';
import type { CheckSummary } from '../../src/shared/model';

const wf = (front: string, env: NodeJS.ProcessEnv = {}) =>
  parseWorkflow(`---\n${front}\n---\n{{ issue.title }}`, '/repo/WORKFLOW.md', { env });

test('trackerConfigOf: credential keys get their $VAR back (the adapter reads the variable host-side); other values stay resolved', () => {
  const def = wf(
    'tracker:\n  kind: github\n  required_labels: [quartet]\n  provider:\n    repo: acme/widgets\n    token: $ACME_TOKEN\n    endpoint: $GH_URL',
    { ACME_TOKEN: 'ghp_supervisorValue1234', GH_URL: 'https://ghe.example/api/v3' },
  );
  const c = trackerConfigOf(def.config.tracker)!;
  assert.deepEqual(
    c,
    {
      kind: 'github',
      provider: { repo: 'acme/widgets', token: '$ACME_TOKEN', endpoint: 'https://ghe.example/api/v3' },
      requiredLabels: ['quartet'],
    },
    'no resolved token, state lists omitted (adapter defaults)',
  );
  const withStates = trackerConfigOf(
    wf('tracker:\n  kind: linear\n  active_states: [Todo]\n  terminal_states: [Done]').config.tracker,
  )!;
  assert.deepEqual([withStates.activeStates, withStates.terminalStates], [['Todo'], ['Done']]);
  assert.equal(trackerConfigOf(wf('polling:\n  interval_ms: 5000').config.tracker), null);
});

test('credentialNeedsOf: names only — the store key and variables of the kind, the $VAR it names, GitHub for an auto land as PR', () => {
  const gh = [{ provider: 'github', url: 'https://api.github.com' }];
  assert.deepEqual(
    credentialNeedsOf(wf('tracker:\n  kind: github\n  provider:\n    repo: a/b\n    token: $ACME_TOKEN')),
    {
      secretKeys: ['github'],
      envNames: ['ACME_TOKEN', 'QUARTET_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN'],
      endpoints: gh,
    },
  );
  assert.deepEqual(
    credentialNeedsOf(
      wf('tracker:\n  kind: github\n  provider:\n    repo: a/b\n    endpoint: https://ghe.example.com/api/v3/'),
    )?.endpoints,
    [{ provider: 'github', url: 'https://ghe.example.com/api/v3' }],
    'where the token would go, for the client to confirm',
  );
  assert.deepEqual(credentialNeedsOf(wf('tracker:\n  kind: linear\n  provider:\n    project_slug: p')), {
    secretKeys: ['linear'],
    envNames: ['LINEAR_API_KEY'],
    endpoints: [{ provider: 'linear', url: 'https://api.linear.app/graphql' }],
  });
  assert.deepEqual(
    credentialNeedsOf(
      wf(
        'tracker:\n  kind: linear\n  provider:\n    project_slug: p\nquartet:\n  land:\n    policy: auto\n    pr: true',
      ),
    ),
    {
      secretKeys: ['linear', 'github'],
      envNames: ['LINEAR_API_KEY', 'QUARTET_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN'],
      endpoints: [{ provider: 'linear', url: 'https://api.linear.app/graphql' }, ...gh],
    },
  );
  assert.deepEqual(credentialNeedsOf(wf('tracker:\n  kind: local')), { secretKeys: [], envNames: [], endpoints: [] });
  assert.equal(credentialNeedsOf(wf('agent:\n  max_turns: 3')), null);
  assert.equal(credentialNeedsOf(null), null);
});

test('trackerPreflight: the registry, the adapter config check and a missing credential, all typed; never a value', async () => {
  const codes = async (front: string, env: NodeJS.ProcessEnv = {}, store: Record<string, string> = {}) =>
    (await trackerPreflight(wf(front, env), { env, secretStore: async (k) => store[k] ?? null })).map(
      (p) => `${p.code}: ${p.message}`,
    );
  assert.deepEqual(await codes('tracker:\n  kind: jira'), [
    'unsupported_tracker_kind: tracker.kind "jira" is not supported (supported: local, github, linear)',
  ]);
  assert.match(
    (await codes('tracker:\n  kind: github\n  provider:\n    repo: nope'))[0] ?? '',
    /^invalid_tracker_config: tracker\.provider\.repo must be "owner\/name"/,
  );
  assert.deepEqual(await codes('tracker:\n  kind: linear\n  provider:\n    project_slug: p'), [
    'missing_tracker_secret: No Linear API key for project p: set tracker.provider.api_key, host secret storage ("linear") or one of LINEAR_API_KEY.',
  ]);
  assert.deepEqual(
    await codes('tracker:\n  kind: linear\n  provider:\n    project_slug: p', {}, { linear: 'lin_api_stored' }),
    [],
    'secret storage counts',
  );
  assert.deepEqual(
    await codes('tracker:\n  kind: github\n  provider:\n    repo: a/b\n    token: $ACME_TOKEN', {
      GITHUB_TOKEN: 'ghp_ignored_because_token_names_a_var',
    }),
    [
      'missing_tracker_secret: No GitHub token for a/b: set environment variable ACME_TOKEN (from tracker.provider.token).',
    ],
    'a $VAR that is unset is missing: no fallback to GITHUB_TOKEN (SPEC §5.3.1)',
  );
  assert.deepEqual(
    await codes('tracker:\n  kind: github\n  provider:\n    repo: a/b\n    token: $ACME_TOKEN', {
      ACME_TOKEN: 'ghp_fromTheVariable',
    }),
    [],
  );
  assert.deepEqual(await codes('tracker:\n  kind: local'), []);
});

test('credentials: a client picks only the named variables and stored keys; the supervisor checks the shape without echoing a value', () => {
  const needs = { secretKeys: ['github'], envNames: ['ACME_TOKEN', 'GITHUB_TOKEN'] };
  assert.deepEqual(
    credentialsFromEnv(
      needs,
      { ACME_TOKEN: 'a-value', GITHUB_TOKEN: ' ', HOME: '/home/x', LINEAR_API_KEY: 'lin' },
      { github: 'stored', linear: 'not-needed' },
    ),
    {
      secrets: { github: 'stored' },
      env: { ACME_TOKEN: 'a-value' },
    },
  );
  assert.deepEqual(credentialsFromEnv(null, { GITHUB_TOKEN: 'x' }), { secrets: {}, env: {} });
  assert.equal(parseCredentials(undefined), null);
  assert.deepEqual(parseCredentials({ secrets: { github: 'ghp_1' }, env: { ACME_TOKEN: 'v' } }), {
    secrets: { github: 'ghp_1' },
    env: { ACME_TOKEN: 'v' },
  });
  assert.throws(() => parseCredentials(['x']), /credentials must be an object/);
  assert.throws(
    () => parseCredentials({ env: { 'BAD NAME': 'ghp_secretValue' } }),
    (e: unknown) => /not a valid name/.test((e as Error).message) && !(e as Error).message.includes('ghp_secretValue'),
  );
  assert.throws(() => parseCredentials({ env: { A: 42 } }), /credentials\.env\.A must be a string/);
  assert.deepEqual(credentialValues({ secrets: { github: 'g' }, env: { A: 'a', B: '  ' } }), ['g', 'a']);
});

test('SecretRegistry: redacts every held value (longest first), ignores values too short to be tokens', () => {
  const r = new SecretRegistry();
  assert.equal(r.redact('nothing held'), 'nothing held');
  r.add(['ghp_abcdef123456', 'ghp_abcdef123456_longer', 'abc']);
  assert.equal(
    r.redact('t=ghp_abcdef123456_longer and ghp_abcdef123456; abc stays'),
    't=[REDACTED] and [REDACTED]; abc stays',
  );
});

const checks = (state: CheckSummary['state']): CheckSummary => ({
  state,
  command: state === 'none' ? null : 'npm test',
  exitCode: null,
  durationMs: null,
  summary: [],
  at: '2026-05-01T00:00:00Z',
});
function task(over: Partial<AutoLandTask> = {}, attempt: Partial<AutoLandTask['attempts'][number]> = {}): AutoLandTask {
  return {
    id: 't-1',
    state: 'open',
    recommended: 't-1-1',
    landing: null,
    attempts: [{ id: 't-1-1', phase: 'finished', archived: null, checks: checks('passed'), ...attempt }],
    ...over,
  };
}

test('autoLandDecision: lands the recommended attempt with passing checks; waits while anything runs; otherwise the person decides', () => {
  const local = { pr: false, hasGithubToken: false };
  assert.deepEqual(autoLandDecision(task(), local), { action: 'land', attemptId: 't-1-1', pr: false });
  assert.deepEqual(autoLandDecision(task(), { pr: true, hasGithubToken: true }), {
    action: 'land',
    attemptId: 't-1-1',
    pr: true,
  });
  assert.equal(autoLandDecision(task({}, { phase: 'working' }), local).action, 'later');
  assert.equal(autoLandDecision(task({}, { checks: checks('running') }), local).action, 'later');
  assert.equal(autoLandDecision(task({}, { checks: null }), local).action, 'later', 'finished but not scored yet');
  const human = (t: AutoLandTask, o = local): string => {
    const d = autoLandDecision(t, o);
    assert.equal(d.action, 'human');
    return d.action === 'human' ? d.why : '';
  };
  assert.match(human(task({}, { checks: checks('failed') })), /checks of t-1-1 are failed/);
  assert.match(human(task({}, { checks: checks('none') })), /not configured \(set quartet\.check_command\)/);
  assert.match(human(task({ recommended: null })), /no attempt is eligible/);
  assert.match(
    human(task({}, { archived: { at: 'x' } })),
    /no attempt is eligible/,
    'an archived attempt is never landed',
  );
  assert.match(human(task(), { pr: true, hasGithubToken: false }), /quartet\.land\.pr needs a GitHub token/);
  assert.match(human(task({ state: 'landed' })), /is landed/);
  assert.match(human(task({ landing: { status: 'running' } })), /already under way/);
  // The verdict: only a clear winner lands on its own; cross-testing means later.
  const verdict = (state: string, confidence: string) => ({ state, confidence, headline: `${confidence} headline` });
  assert.deepEqual(autoLandDecision(task({ verdict: verdict('done', 'clear') }), local), {
    action: 'land',
    attemptId: 't-1-1',
    pr: false,
  });
  assert.match(human(task({ verdict: verdict('done', 'close') })), /not a clear winner \(close headline\)/);
  assert.equal(
    autoLandDecision(task({ recommended: null, verdict: verdict('cross-testing', 'waiting') }), local).action,
    'later',
  );
});

test("controlFilesIn: an agent's change to what steers Quartet or CI never lands on its own", () => {
  assert.deepEqual(
    controlFilesIn([
      'src/a.ts',
      'WORKFLOW.md',
      '.vscode/settings.json',
      '.agents/skills/x/SKILL.md',
      '.github/workflows/ci.yml',
      'docs/AGENTS.md',
      'test/x.test.js',
      '.github/ISSUE_TEMPLATE.md',
    ]),
    ['WORKFLOW.md', '.vscode/settings.json', '.agents/skills/x/SKILL.md', '.github/workflows/ci.yml', 'docs/AGENTS.md'],
  );
});

test('SwitchSource: reads, label and secret names follow the adapter it holds now', async () => {
  const a = new MemorySource();
  a.put(issue({ id: 'x', identifier: '#1' }));
  const b = new MemorySource();
  const s = new SwitchSource(a);
  assert.equal((await s.fetchIssuesByIds(['x'])).length, 1);
  s.set(b);
  assert.deepEqual(await s.fetchIssuesByIds(['x']), []);
  assert.equal(s.label, b.label);
});

test('demo tracker-tool step: a comment on the prompt’s issue through the advertised tool, scoped by the tool description', () => {
  const github = [
    {
      type: 'function',
      name: 'github_api',
      description: 'Only paths under /repos/octo/sample are allowed, e.g. GET /repos/octo/sample/issues/42',
    },
  ];
  assert.deepEqual(trackerToolReply(github, 'Work on GitHub issue #7 (…)', 'abc'), {
    kind: 'tool',
    name: 'github_api',
    args: {
      method: 'POST',
      path: '/repos/octo/sample/issues/7/comments',
      body: { body: 'Quartet demo model (abc): working on this issue.' },
    },
  });
  const linear = trackerToolReply(
    [{ type: 'function', name: 'linear_graphql', description: '' }],
    'issue id: 0f8d2c1e-1111-4222-8333-444455556666',
    'abc',
  );
  assert.equal(
    linear.kind === 'tool' && (linear.args as { variables: { input: { issueId: string } } }).variables.input.issueId,
    '0f8d2c1e-1111-4222-8333-444455556666',
  );
  assert.equal(trackerToolReply([], 'Work on #7', 'abc').kind, 'exec', 'no tool offered: nothing to call');
  // The step before it plays a prompt-injected agent: something the policy must refuse.
  assert.deepEqual(trackerToolDeniedReply(github, 'Work on GitHub issue #7'), {
    kind: 'tool',
    name: 'github_api',
    args: {
      method: 'PUT',
      path: '/repos/octo/sample/collaborators/quartet-demo-intruder',
      body: { permission: 'admin' },
    },
  });
  const del = trackerToolDeniedReply(
    [{ type: 'function', name: 'linear_graphql', description: '' }],
    'issue id: 0f8d2c1e-1111-4222-8333-444455556666',
  );
  assert.match(
    del.kind === 'tool' ? String((del.args as { query: string }).query) : '',
    /issueDelete\(id: "0f8d2c1e-1111-4222-8333-444455556666"\)/,
  );
});
