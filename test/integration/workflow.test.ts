// Integration: a repo's WORKFLOW.md with real git + real Codex + the demo model — rendered prompt, hooks, launch defaults, hot reload.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';
import { isAlive, pidsWithEnv } from '../../src/core/execution/processTree';
import { ATTEMPT_TAG } from '../../src/core/execution/attemptRunner';
import type { AgentEvent } from '../../src/shared/events';
import type { AttemptSnapshot } from '../../src/shared/model';
import { waitUntil } from '../support/waitUntil';

let h: Harness;
let markers: string;

/** Our own workflow: every hook leaves a trace; a branch named *hook-fails* makes before_run fail. */
function workflow(version: string, markerDir: string): string {
  return `---
hooks:
  after_create: |
    case "$QUARTET_BRANCH" in
      *create-fails*) echo "no toolchain for $QUARTET_BRANCH" >&2; exit 9 ;;
    esac
    mkdir -p .hook-markers
    echo "$QUARTET_ATTEMPT_ID" >> .hook-markers/after_create
  before_run: |
    case "$QUARTET_BRANCH" in
      *hook-fails*) echo "before_run refuses $QUARTET_BRANCH" >&2; exit 7 ;;
      *slow-hook*) sleep 600 ;;
    esac
    mkdir -p .hook-markers
    echo "$QUARTET_ATTEMPT_ID" >> .hook-markers/before_run
  after_run: |
    echo "$QUARTET_ATTEMPT_ID" >> ${markerDir}/after_run
    case "$QUARTET_BRANCH" in *cleanup-fails*) exit 5 ;; esac
  before_remove: |
    echo "$QUARTET_ATTEMPT_ID $PWD" >> ${markerDir}/before_remove
    case "$QUARTET_BRANCH" in *cleanup-fails*) exit 6 ;; esac
  timeout_ms: 30000
codex:
  turn_sandbox_policy:
    type: workspaceWrite
    networkAccess: false
agent:
  max_concurrent_agents: ${version === 'v3' ? 1 : 10}
quartet:
  check_command: ""
---

Workflow ${version} ticket {{ issue.identifier }} ({{ issue.state }}){% if attempt %} retry {{ attempt }}{% endif %}

{% if issue.description %}{{ issue.description }}{% else %}No description.{% endif %}
`;
}

before(async () => {
  h = await startHarness({
    prepare: (repo) => {
      markers = join(repo, '..', 'markers');
      mkdirSync(markers);
      writeFileSync(join(repo, 'WORKFLOW.md'), workflow('v1', markers));
      writeFileSync(join(repo, '.gitignore'), '.hook-markers/\n');
      git(repo, 'add', '-A');
      git(repo, 'commit', '-qm', 'workflow');
    },
  });
});
after(async () => {
  await h?.cleanup();
});

const events = (a: AttemptSnapshot): AgentEvent[] =>
  readJournal(a.journal).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
const hooks = (a: AttemptSnapshot): string[] =>
  events(a).flatMap((e) => (e.type === 'hook' ? [`${e.name}:${e.exitCode}`] : []));

/** What the attempt's turns were started with (the journal keeps the raw JSON-RPC). */
function turnStarts(a: AttemptSnapshot): { text: string; sandboxPolicy: unknown }[] {
  return readJournal(a.journal).flatMap((r) => {
    if (r.kind !== 'raw' || r.dir !== 'out') return [];
    const m = r.msg as { method?: string; params?: { input?: { text?: string }[]; sandboxPolicy?: unknown } };
    return m.method === 'turn/start'
      ? [{ text: m.params?.input?.[0]?.text ?? '', sandboxPolicy: m.params?.sandboxPolicy }]
      : [];
  });
}

function isSleep(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sleep\u0000600');
  } catch {
    return false;
  }
}

const lines = (file: string): string[] =>
  existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];

test(
  'the rendered WORKFLOW.md prompt reaches Codex; hooks run in order in the worktree; codex:/quartet: keys apply',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'workflow prompt',
      prompt: 'Greet politely [[quartet-demo:default]]',
      attempts: 1,
    });
    const done = await waitForTask(h.client, t.id);
    const a = done.attempts[0] as AttemptSnapshot;
    assert.equal(a.phase, 'finished', a.lastError ?? '');
    const [turn] = turnStarts(a);
    assert.ok(turn, 'a turn was started');
    assert.match(
      turn.text,
      new RegExp(
        `^Workflow v1 ticket ${done.key} \\(In Progress\\)\n\nGreet politely \\[\\[quartet-demo:default\\]\\]\n\n---\nYou are attempt 1 of 1`,
      ),
    );
    assert.doesNotMatch(turn.text, /\(In Progress\) retry/, 'attempt is null on the first run');
    assert.deepEqual(
      turn.sandboxPolicy,
      { type: 'workspaceWrite', networkAccess: false },
      'codex.turn_sandbox_policy goes to turn/start',
    );
    assert.deepEqual(hooks(a), ['after_create:0', 'before_run:0', 'after_run:0']);
    assert.deepEqual(lines(join(a.worktree, '.hook-markers', 'after_create')), [a.id]);
    assert.deepEqual(lines(join(a.worktree, '.hook-markers', 'before_run')), [a.id]);
    assert.ok(lines(join(markers, 'after_run')).includes(a.id));
    // quartet.check_command "" = no checks (the sample repo would otherwise run `npm test`).
    const checked = await waitForTask(h.client, t.id, 30_000, (x) => x.attempts[0]?.checks?.state === 'none');
    assert.equal(checked.attempts[0]?.checks?.command, null);
  },
);

test(
  'retry: before_run runs again, after_create does not (worktree reused); the template sees attempt = 1',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({ title: 'workflow retry', prompt: 'break [[quartet-demo:fail]]', attempts: 1 });
    const failed = (await waitForTask(h.client, t.id)).attempts[0] as AttemptSnapshot;
    assert.equal(failed.reason, 'model_error');
    await h.client.retry(failed.id);
    const again = (
      await waitForTask(
        h.client,
        t.id,
        90_000,
        (x) => x.attempts[0]?.retries === 1 && x.attempts[0]?.phase === 'failed',
      )
    ).attempts[0] as AttemptSnapshot;
    assert.deepEqual(hooks(again), ['after_create:0', 'before_run:0', 'after_run:0', 'before_run:0', 'after_run:0']);
    assert.deepEqual(lines(join(again.worktree, '.hook-markers', 'after_create')), [again.id]);
    assert.deepEqual(lines(join(again.worktree, '.hook-markers', 'before_run')), [again.id, again.id]);
    const texts = turnStarts(again).map((x) => x.text);
    assert.equal(texts.length, 2);
    assert.match(texts[0] ?? '', /^Workflow v1 ticket \S+ \(In Progress\)\n/, 'no "retry" on the first run');
    assert.match(texts[1] ?? '', /^Workflow v1 ticket \S+ \(In Progress\) retry 1\n/);
  },
);

test(
  'a failing before_run fails the attempt with reason hook_failed before Codex starts',
  { timeout: 60_000 },
  async () => {
    const t = await h.client.launch({
      title: 'hook fails',
      prompt: 'never runs [[quartet-demo:default]]',
      attempts: 1,
    });
    const a = (await waitForTask(h.client, t.id)).attempts[0] as AttemptSnapshot;
    assert.equal(a.phase, 'failed');
    assert.equal(a.reason, 'hook_failed');
    assert.match(a.lastError ?? '', /^before_run hook failed \(exit 7\): before_run refuses quartet\/hook-fails-/);
    assert.equal(a.threadId, null, 'no Codex session was started');
    assert.deepEqual(turnStarts(a), []);
    assert.deepEqual(hooks(a), ['after_create:0', 'before_run:7']);
    // Codex was started early, beside the checkout: the failed run leaves none of it behind.
    await waitUntil(() => pidsWithEnv(ATTEMPT_TAG, a.id).filter(isAlive).length === 0, 10_000);
    const hook = events(a).find((e) => e.type === 'hook' && e.name === 'before_run');
    assert.ok(hook?.type === 'hook' && !hook.ok && hook.output.includes('before_run refuses'));
  },
);

test(
  'stop during a slow before_run: the attempt stops at once and the hook processes are ended',
  { timeout: 60_000 },
  async () => {
    const t = await h.client.launch({ title: 'slow hook', prompt: 'never runs [[quartet-demo:default]]', attempts: 1 });
    const id = t.attempts[0]?.id ?? '';
    await waitUntil(() => pidsWithEnv(ATTEMPT_TAG, id).some((pid) => isSleep(pid)), 20_000);
    await h.client.stop(id);
    const a = (await waitForTask(h.client, t.id)).attempts[0] as AttemptSnapshot;
    assert.equal(a.phase, 'stopped');
    assert.equal(a.threadId, null);
    await waitUntil(() => pidsWithEnv(ATTEMPT_TAG, id).filter(isAlive).length === 0, 10_000);
  },
);

test(
  'a failing after_create fails the attempt and removes the half-made worktree, so a retry runs after_create again',
  { timeout: 60_000 },
  async () => {
    const t = await h.client.launch({
      title: 'create fails',
      prompt: 'never runs [[quartet-demo:default]]',
      attempts: 1,
    });
    const a = (await waitForTask(h.client, t.id)).attempts[0] as AttemptSnapshot;
    assert.equal(a.reason, 'hook_failed');
    assert.match(a.lastError ?? '', /^after_create hook failed \(exit 9\): no toolchain for quartet\/create-fails-/);
    assert.equal(existsSync(a.worktree), false, 'no half-prepared worktree is left');
    await waitUntil(() => pidsWithEnv(ATTEMPT_TAG, a.id).filter(isAlive).length === 0, 10_000);
    await h.client.retry(a.id);
    const again = (
      await waitForTask(
        h.client,
        t.id,
        60_000,
        (x) => x.attempts[0]?.retries === 1 && x.attempts[0]?.phase === 'failed',
      )
    ).attempts[0] as AttemptSnapshot;
    assert.deepEqual(
      hooks(again),
      ['after_create:9', 'after_create:9'],
      'the retry created the worktree anew and ran after_create again',
    );
  },
);

test(
  'rework removes the worktree after before_remove ran in it; the hook is journaled',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'workflow rework',
      prompt: 'Greet [[quartet-demo:default]]',
      attempts: 1,
    });
    const a = (await waitForTask(h.client, t.id)).attempts[0] as AttemptSnapshot;
    assert.equal(a.phase, 'finished', a.lastError ?? '');
    const r = await h.client.rework(a.id, 'try again');
    assert.equal(existsSync(a.worktree), false, 'the worktree is gone');
    assert.ok(
      lines(join(markers, 'before_remove')).includes(`${a.id} ${a.worktree}`),
      'before_remove ran inside the worktree before removal',
    );
    assert.ok(hooks(a).includes('before_remove:0'));
    await waitForTask(
      h.client,
      t.id,
      90_000,
      (x) => x.attempts.find((y) => y.id === r.newAttemptId)?.phase === 'finished',
    );
  },
);

test(
  'after_run and before_remove failures are logged and ignored: the attempt finishes, the worktree is still removed',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({ title: 'cleanup fails', prompt: 'Greet [[quartet-demo:default]]', attempts: 1 });
    const a = (await waitForTask(h.client, t.id)).attempts[0] as AttemptSnapshot;
    assert.equal(a.phase, 'finished', a.lastError ?? '');
    assert.ok(hooks(a).includes('after_run:5'));
    const r = await h.client.rework(a.id, 'again');
    assert.equal(existsSync(a.worktree), false);
    assert.ok(hooks(a).includes('before_remove:6'));
    await waitForTask(
      h.client,
      t.id,
      90_000,
      (x) => x.attempts.find((y) => y.id === r.newAttemptId)?.phase === 'finished',
    );
  },
);

test(
  'hot reload: an invalid edit shows a snapshot warning and the last good workflow stays in force; a fix clears it',
  { timeout: 180_000 },
  async () => {
    const path = join(h.repo, 'WORKFLOW.md');
    writeFileSync(path, '---\nhooks:\n  before_run: [unclosed\n---\nbroken {{ issue.identifier }}\n');
    const warning = await waitForSnapshot(
      h.client,
      20_000,
      (s) => s.warnings.find((w) => w.startsWith('WORKFLOW.md: workflow_parse_error')) ?? null,
    );
    assert.match(warning, /the last valid version stays in force/);
    const during = await h.client.launch({
      title: 'during invalid',
      prompt: 'Greet [[quartet-demo:default]]',
      attempts: 1,
    });
    const a = (await waitForTask(h.client, during.id)).attempts[0] as AttemptSnapshot;
    assert.equal(a.phase, 'finished', a.lastError ?? '');
    assert.match(turnStarts(a)[0]?.text ?? '', /^Workflow v1 ticket /, 'the last good template was used');
    assert.deepEqual(hooks(a), ['after_create:0', 'before_run:0', 'after_run:0'], 'and its hooks');

    writeFileSync(path, workflow('v2', markers));
    await waitForSnapshot(h.client, 20_000, (s) => (s.warnings.some((w) => w.startsWith('WORKFLOW.md')) ? null : s));
    const fixed = await h.client.launch({
      title: 'after fix',
      prompt: 'Greet [[quartet-demo:default]]',
      attempts: 1,
      options: { checkCommand: 'node test.js' },
    });
    const b = (
      await waitForTask(h.client, fixed.id, 120_000, (x) =>
        ['passed', 'failed'].includes(x.attempts[0]?.checks?.state ?? ''),
      )
    ).attempts[0] as AttemptSnapshot;
    assert.match(turnStarts(b)[0]?.text ?? '', /^Workflow v2 ticket /, 'the fixed file applies to the next launch');
    assert.equal(b.checks?.command, 'node test.js', 'an explicit request option beats quartet.check_command');
  },
);

test('agent.max_concurrent_agents limits dispatch when no client set maxConcurrent', { timeout: 180_000 }, async () => {
  writeFileSync(join(h.repo, 'WORKFLOW.md'), workflow('v3', markers));
  await h.client.configure({ maxConcurrent: null });
  await waitForSnapshot(h.client, 20_000, (s) => (s.workflow?.status === 'ok' && !s.warnings.length ? s : null));
  let peak = 0;
  const sub = h.client.onSnapshot((s) => {
    const live = s.tasks
      .flatMap((t) => t.attempts)
      .filter((a) => ['preparing', 'starting', 'working', 'needs-you'].includes(a.phase)).length;
    peak = Math.max(peak, live);
  });
  try {
    const t = await h.client.launch({ title: 'one at a time', prompt: 'Greet [[quartet-demo:slow]]', attempts: 2 });
    const done = await waitForTask(h.client, t.id, 150_000);
    assert.deepEqual(
      done.attempts.map((a) => a.phase),
      ['finished', 'finished'],
    );
    assert.equal(peak, 1, 'never more than one attempt ran at a time');
    const [a1, a2] = done.attempts;
    assert.ok(
      a1?.endedAt && a2?.startedAt && (a1.endedAt <= a2.startedAt || (a2.endedAt ?? '') <= (a1.startedAt ?? '')),
      'the runs did not overlap',
    );
  } finally {
    sub.dispose();
    await h.client.configure({ maxConcurrent: 4 });
  }
});

test(
  'an explicit workflowPath setting is used instead of <repo>/WORKFLOW.md; a missing explicit file is a warning',
  { timeout: 30_000 },
  async () => {
    mkdirSync(join(h.repo, 'ops'), { recursive: true });
    writeFileSync(
      join(h.repo, 'ops', 'FLOW.md'),
      '---\nquartet:\n  attempts: 2\n---\nOps flow {{ issue.identifier }}\n',
    );
    try {
      await h.client.configure({ workflowPath: 'ops/FLOW.md' });
      const s = await waitForSnapshot(h.client, 10_000, (x) =>
        x.workflow?.path === join(h.repo, 'ops', 'FLOW.md') && x.workflow.status === 'ok' ? x : null,
      );
      assert.equal(s.workflow?.attempts, 2);
      await h.client.configure({ workflowPath: 'ops/MISSING.md' });
      const w = await waitForSnapshot(
        h.client,
        10_000,
        (x) => x.warnings.find((m) => m.startsWith('ops/MISSING.md: missing_workflow_file')) ?? null,
      );
      assert.match(w, /Quartet defaults apply/);
    } finally {
      await h.client.configure({ workflowPath: null });
    }
    const back = await waitForSnapshot(h.client, 10_000, (x) =>
      x.workflow?.path === join(h.repo, 'WORKFLOW.md') ? x : null,
    );
    assert.equal(back.workflow?.status, 'ok');
    assert.equal(back.warnings.filter((m) => m.includes('WORKFLOW') || m.includes('MISSING')).length, 0);
  },
);
