// Integration: the Autopilot on Linear — WORKFLOW.md (tracker.kind linear) → the real adapter against the fake Linear,
// real git, the real Codex CLI and the demo model: pickup, linear_graphql host-side, a terminal state stops and cleans
// the other issue, and `land.policy: auto` lands the finished one locally. The key arrives as VS Code sends it (secret storage).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, startHarness, waitForSnapshot, type Harness } from '../support/repoHarness';
import { startFakeLinear, type FakeLinear } from '../support/fakeLinear';
import { filesContaining } from '../support/autopilotCli';
import type { Snapshot, TaskSnapshot } from '../../src/shared/model';
import { readJournal } from '../../src/core/observability/journal';

const KEY = 'lin_api_IntegrationKey0123456789abcdef';
let h: Harness;
let linear: FakeLinear;
let noteId = '';
let hangId = '';
const taskFor = (s: Snapshot, issueId: string): TaskSnapshot | undefined =>
  s.tasks.find((t) => t.source?.issueId === issueId);

before(async () => {
  linear = await startFakeLinear({ apiKey: KEY });
  noteId = linear.addIssue({
    identifier: 'ABC-1',
    title: 'Comment and add a note',
    state: 'Todo',
    priority: 2,
    description: 'Say hello. [[quartet-demo:tracker-tool]]',
  });
  hangId = linear.addIssue({
    identifier: 'ABC-2',
    title: 'Think for a long time',
    state: 'In Progress',
    priority: 1,
    description: 'Wait. [[quartet-demo:hang]]',
  });
  linear.addIssue({ identifier: 'ABC-3', title: 'Already done', state: 'Done', description: 'Nothing to do.' });
  h = await startHarness({
    prepare: (repo) => {
      writeFileSync(
        join(repo, 'WORKFLOW.md'),
        `---
tracker:
  kind: linear
  provider:
    project_slug: ${linear.project}
    endpoint: ${linear.url}
polling:
  interval_ms: 1000
agent:
  max_turns: 1
quartet:
  land:
    policy: auto
---
Linear issue {{ issue.identifier }} ({{ issue.state }}), issue id: {{ issue.id }}
{{ issue.description }}
`,
      );
      git(repo, 'add', 'WORKFLOW.md');
      git(repo, 'commit', '-qm', 'WORKFLOW.md for Linear');
    },
  });
});
after(async () => {
  await h?.cleanup();
  await linear?.close();
});

test(
  'Linear: active issues are picked up, a move to Done stops and cleans its attempt, the finished one lands locally by policy',
  { timeout: 240_000 },
  async () => {
    const needs = (await h.client.autopilot()).credentials;
    assert.deepEqual(needs, {
      secretKeys: ['linear'],
      envNames: ['LINEAR_API_KEY'],
      endpoints: [{ provider: 'linear', url: linear.url }],
    });
    // Without the key: a typed error in the snapshot (the tree's Autopilot row), nothing started.
    await assert.rejects(
      h.client.autopilotStart({}),
      /missing_tracker_secret: tracker Linear \w+: No Linear API key for project \w+: set tracker\.provider\.api_key, host secret storage \("linear"\) or one of LINEAR_API_KEY\.$/,
    );
    const refused = await h.client.autopilot();
    assert.equal(refused.status, 'stopped');
    assert.equal(refused.problem?.code, 'missing_tracker_secret');
    assert.equal(linear.requests.length, 0, 'the preflight makes no request');

    const ap = await h.client.autopilotStart({ credentials: { secrets: { linear: KEY } } });
    assert.equal(ap.status, 'running');
    assert.equal(ap.problem, null);
    assert.equal(ap.source, `Linear ${linear.project}`);
    const both = await waitForSnapshot(h.client, 90_000, (s) => {
      const hang = taskFor(s, hangId)?.attempts[0];
      return taskFor(s, noteId) && hang?.phase === 'working' && hang.threadId ? s : null;
    });
    assert.equal(taskFor(both, hangId)?.source?.identifier, 'ABC-2');
    assert.equal(
      both.autopilot?.issues.some((i) => i.identifier === 'ABC-3'),
      false,
      'a Done issue is not a candidate',
    );
    assert.ok(linear.requests.every((r) => r.authorization === KEY));

    const hang = taskFor(both, hangId)!.attempts[0]!;
    linear.setState(hangId, 'Done');
    const cleaned = await waitForSnapshot(h.client, 60_000, (s) => {
      const a = taskFor(s, hangId)?.attempts[0];
      return a?.archived ? a : null;
    });
    assert.equal(cleaned.phase, 'stopped');
    assert.equal(cleaned.reason, 'canceled_by_reconciliation');
    assert.equal(existsSync(hang.worktree), false);

    const landed = await waitForSnapshot(h.client, 180_000, (s) => {
      const t = taskFor(s, noteId);
      return t?.state === 'landed' ? t : null;
    });
    assert.equal(landed.landing?.status, 'landed', landed.landing?.message);
    assert.equal(landed.landing?.pr ?? null, null, 'a local land (quartet.land.pr is off)');
    assert.equal(
      git(h.repo, 'show', 'main:quartet-env-dump.txt').includes('QUARTET_TASK_ID='),
      true,
      "the attempt's work is on main",
    );
    const events = (await h.client.autopilot()).events.map((e) => e.message);
    assert.ok(
      events.some((m) => /ABC-1: auto land of .*: landed/.test(m)),
      events.join('\n'),
    );

    // linear_graphql ran host-side with the key: a comment on ABC-1; the agent's environment never had the key.
    assert.deepEqual(
      linear.comments.map((c) => c.issueId),
      [noteId],
    );
    // The demo agent first tried to delete the issue: refused before Linear (no issueDelete request) and journaled.
    const calls = readJournal(landed.attempts[0]!.journal).flatMap((r) =>
      r.kind === 'event' && r.event.type === 'tracker_tool' ? [r.event] : [],
    );
    assert.deepEqual(
      calls.map((c) => [c.call, c.allowed]),
      [
        ['mutation issueDelete', false],
        ['mutation commentCreate', true],
      ],
    );
    assert.equal(
      linear.requests.some((r) => r.query.includes('issueDelete')),
      false,
    );
    const dump = git(h.repo, 'show', 'main:quartet-env-dump.txt');
    assert.equal(dump.includes(KEY), false);
    assert.doesNotMatch(dump, /^LINEAR_API_KEY=/m);
    assert.deepEqual(filesContaining(join(h.repo, '.git', 'quartet'), KEY), [], 'not in state, journals or the log');
    assert.equal((await h.client.autopilotStop()).status, 'stopped');
  },
);

test(
  'hot reload: a WORKFLOW.md edit applies from the next tick; a new tracker config gets a new source',
  { timeout: 60_000 },
  async () => {
    const other = await startFakeLinear({ apiKey: KEY, project: 'f0e1d2c3b4a5' });
    try {
      const waiting = other.addIssue({
        identifier: 'XYZ-9',
        title: 'Needs a label first',
        state: 'Todo',
        labels: ['later'],
      });
      await h.client.autopilotStart({ credentials: { secrets: { linear: KEY } } });
      const file = join(h.repo, 'WORKFLOW.md');
      const edited = readFileSync(file, 'utf8')
        .replace(`project_slug: ${linear.project}`, `project_slug: ${other.project}`)
        .replace(`endpoint: ${linear.url}`, `endpoint: ${other.url}\n  required_labels: [agent]`)
        .replace('interval_ms: 1000', 'interval_ms: 1500');
      writeFileSync(file, edited);
      const ap = await waitForSnapshot(h.client, 30_000, (s) =>
        s.autopilot?.issues.some((i) => i.id === waiting) ? s.autopilot : null,
      );
      assert.equal(ap.source, `Linear ${other.project}`);
      assert.equal(ap.pollIntervalMs, 1500);
      const row = ap.issues.find((i) => i.id === waiting)!;
      assert.equal(row.status, 'ineligible');
      assert.equal(row.note, 'missing label agent', 'the new required_labels apply');
      assert.ok(
        other.requests.length > 0 && other.requests.every((r) => r.authorization === KEY),
        'the new source reads with the same key',
      );
      assert.ok(
        ap.events.some((e) => /^configuration reloaded \(WORKFLOW\.md changed\); new tracker source$/.test(e.message)),
        ap.events.map((e) => e.message).join('\n'),
      );
      // An edit that breaks the tracker keeps the previous one in force and says why in the poll error.
      writeFileSync(file, edited.replace(`project_slug: ${other.project}`, 'project_slug: [not, a, string]'));
      const broken = await waitForSnapshot(h.client, 30_000, (s) =>
        s.autopilot?.lastPollError?.includes('stays in force') ? s.autopilot : null,
      );
      assert.match(
        broken.lastPollError ?? '',
        /invalid_tracker_config: .*project_slug.*\(the previous tracker configuration stays in force\)/,
      );
      assert.equal(broken.source, `Linear ${other.project}`);
      assert.equal(broken.status, 'running');
    } finally {
      await h.client.autopilotStop();
      await other.close();
    }
  },
);
