// Unit: the Autopilot's setup from WORKFLOW.md — config mapping, the tracker source with a client's credentials, tools, land, revisions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowRuntime } from '../../src/core/workflow/workflowRuntime';
import { NO_TRACKER, StartError, workflowAutopilotSetup } from '../../src/core/supervisor/workflowAutopilot';
import { DEFAULT_AUTOPILOT_CONFIG } from '../../src/core/autopilot/config';

const SCOPE = { issueId: '7', identifier: '#7', pullRequests: () => [] };

function withRepo(
  body: (dir: string, rt: WorkflowRuntime, write: (text: string) => void) => Promise<void>,
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-wfap-'));
  const rt = new WorkflowRuntime({
    repo: dir,
    env: {},
    log: () => undefined,
    onChange: () => undefined,
    pollMs: 60_000,
  });
  rt.setPath(null);
  const write = (text: string): void => {
    writeFileSync(join(dir, 'WORKFLOW.md'), text);
    rt.refresh();
  };
  return body(dir, rt, write).finally(() => {
    rt.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
}

const factoryFor = (rt: WorkflowRuntime, lines: string[] = []) =>
  workflowAutopilotSetup({ workflow: rt, env: { HOME: '/home/q' }, localTasks: () => [], log: (l) => lines.push(l) });

test('no tracker.kind: not configured, and Start says so with a typed error', async () => {
  await withRepo(async (_dir, rt, write) => {
    const f = factoryFor(rt);
    assert.equal(f.configured(), false);
    await assert.rejects(
      f.create({}),
      (e: unknown) =>
        e instanceof StartError &&
        e.code === 'missing_tracker_kind' &&
        e.message === `missing_tracker_kind: ${NO_TRACKER}`,
    );
    write('---\nagent:\n  max_turns: 2\n---\n');
    assert.equal(f.configured(), false);
    assert.equal(f.needs(), null);
  });
});

test('GitHub: WORKFLOW.md keys map onto the Autopilot config; the token comes from the credentials a client sent', async () => {
  await withRepo(async (_dir, rt, write) => {
    write(`---
tracker:
  kind: github
  required_labels: [Quartet]
  provider:
    repo: acme/widgets
    endpoint: https://ghe.example/api/v3
    state_labels:
      in-progress: In Progress
polling:
  interval_ms: 4000
agent:
  max_concurrent_agents: 3
  max_turns: 5
  max_retry_backoff_ms: 60000
  max_concurrent_agents_by_state:
    In Progress: 1
quartet:
  land:
    policy: auto
    pr: true
---
{{ issue.title }}`);
    const f = factoryFor(rt);
    assert.equal(f.configured(), true);
    // ghe.example is not api.github.com: without the person's yes to that host nothing is built and no token goes there.
    await assert.rejects(
      f.create({ env: { QUARTET_GITHUB_TOKEN: 'ghp_fromTheClient0001' } }),
      (e: Error & { code?: string }) =>
        e.code === 'untrusted_tracker_host' && /ghe\.example/.test(e.message) && !e.message.includes('ghp_'),
    );
    const s = await f.create({ env: { QUARTET_GITHUB_TOKEN: 'ghp_fromTheClient0001' }, hosts: ['ghe.example'] });
    assert.equal(s.source.label, 'GitHub acme/widgets');
    assert.deepEqual(s.config, {
      ...DEFAULT_AUTOPILOT_CONFIG,
      pollIntervalMs: 4000,
      activeStates: ['open', 'In Progress'],
      terminalStates: ['closed'],
      requiredLabels: ['quartet'],
      maxConcurrentAgents: 3,
      maxConcurrentByState: { 'in progress': 1 },
      maxTurns: 5,
      maxRetryBackoffMs: 60_000,
      attemptsPerIssue: 1,
      landPolicy: 'auto',
    });
    await s.source.preflight?.();
    assert.deepEqual(s.land, {
      pr: true,
      github: { token: 'ghp_fromTheClient0001', baseUrl: 'https://ghe.example/api/v3', owner: 'acme', repo: 'widgets' },
    });
    assert.deepEqual(
      s.tools?.(SCOPE)?.specs.map((t) => t.name),
      ['github_api'],
    );
    assert.equal(s.revision, rt.definition?.hash);
    // Without credentials the setup builds; the source's preflight says what is missing (no request, no value).
    const bare = await f.create({ hosts: ['ghe.example'] });
    await assert.rejects(bare.source.preflight!(), /missing_tracker_secret|No GitHub token for acme\/widgets/);
    assert.deepEqual(bare.land, { pr: true, github: null });
    // A stored GitHub token (VS Code's SecretStorage) works too.
    const stored = await f.create({ secrets: { github: 'ghp_fromSecretStorage1' }, hosts: ['GHE.example'] });
    assert.equal(stored.land?.github?.token, 'ghp_fromSecretStorage1');
  });
});

test('quartet.attempts sets attempts per issue only when the file sets it; agent_tools: false turns the tracker tool off; a new revision after an edit', async () => {
  await withRepo(async (_dir, rt, write) => {
    write(
      '---\ntracker:\n  kind: linear\n  provider:\n    project_slug: p1\nquartet:\n  attempts: 2\n  agent_tools: false\n---\n',
    );
    const f = factoryFor(rt);
    const s = await f.create({ secrets: { linear: 'lin_api_x' } });
    assert.equal(s.config.attemptsPerIssue, 2);
    assert.equal(s.tools?.(SCOPE), null);
    assert.deepEqual(s.config.activeStates, ['Todo', 'In Progress'], 'Linear profile defaults');
    const before = f.revision();
    write('---\ntracker:\n  kind: linear\n  provider:\n    project_slug: p1\n---\n');
    assert.notEqual(f.revision(), before);
    const again = await f.create({});
    assert.equal(again.config.attemptsPerIssue, 1);
    assert.deepEqual(
      again.tools?.(SCOPE)?.specs.map((t) => t.name),
      ['linear_graphql'],
    );
    assert.equal(again.trackerKey, s.trackerKey, 'same tracker: the source can be kept');
  });
});

test('invalid tracker settings and autopilot values are typed start errors', async () => {
  await withRepo(async (_dir, rt, write) => {
    const f = factoryFor(rt);
    write('---\ntracker:\n  kind: github\n  provider:\n    repo: nope\n---\n');
    await assert.rejects(
      f.create({}),
      (e: unknown) =>
        e instanceof StartError &&
        e.code === 'invalid_tracker_config' &&
        /tracker\.provider\.repo must be "owner\/name"/.test(e.message),
    );
    write('---\ntracker:\n  kind: jira\n---\n');
    await assert.rejects(
      f.create({}),
      (e: unknown) => e instanceof StartError && e.code === 'unsupported_tracker_kind',
    );
    write('---\ntracker:\n  kind: linear\n  active_states: [Done]\n  provider:\n    project_slug: p\n---\n');
    await assert.rejects(
      f.create({}),
      (e: unknown) =>
        e instanceof StartError &&
        e.code === 'invalid_workflow_config' &&
        /states both active and terminal: done/.test(e.message),
    );
  });
});
