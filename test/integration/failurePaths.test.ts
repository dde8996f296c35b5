// Integration: failure paths with the real Codex binary — model error, stall, approvals, stop, missing Codex.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { descendants, isAlive, pidsWithEnv } from '../../src/core/execution/processTree';
import { ATTEMPT_TAG } from '../../src/core/execution/attemptRunner';
import { readJournal } from '../../src/core/observability/journal';
import { waitUntil } from '../support/waitUntil';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

function isSleep(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sleep\u0000600');
  } catch {
    return false;
  }
}

test('model error: the attempt fails with reason model_error and the model message', { timeout: 60_000 }, async () => {
  const t = await h.client.launch({ title: 'fails', prompt: 'do it [[quartet-demo:fail]]', attempts: 1 });
  const done = await waitForTask(h.client, t.id);
  const a = done.attempts[0];
  assert.equal(a?.phase, 'failed');
  assert.equal(a?.reason, 'model_error');
  assert.match(a?.lastError ?? '', /scripted failure/);
});

test('a model that never answers: stalled after the stall timeout, then retryable', { timeout: 60_000 }, async () => {
  const t = await h.client.launch({
    title: 'hangs',
    prompt: 'wait [[quartet-demo:hang]]',
    attempts: 1,
    options: { stallTimeoutMs: 2500 },
  });
  const done = await waitForTask(h.client, t.id);
  const a = done.attempts[0];
  assert.equal(a?.phase, 'stalled');
  assert.equal(a?.reason, 'stall_timeout');
  assert.deepEqual(pidsWithEnv(ATTEMPT_TAG, a?.id ?? ''), [], 'no process of the stalled attempt is left');
  await h.client.retry(a?.id ?? '');
  const again = await waitForTask(
    h.client,
    t.id,
    60_000,
    (x) => (x.attempts[0]?.retries ?? 0) === 1 && x.attempts[0]?.phase === 'stalled',
  );
  assert.equal(again.attempts[0]?.worktree, a?.worktree, 'retry reuses the worktree');
  assert.equal(again.attempts[0]?.threadIds.length, 2, 'retry starts a new thread');
});

test(
  'approval request: an escalated command is never accepted by policy, even with cwd = the worktree',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({
      title: 'escalates',
      prompt: 'write [[quartet-demo:escalate]]',
      attempts: 1,
      options: { autoApprove: 'patches-in-worktree' },
    });
    const waiting = await waitForSnapshot(h.client, 60_000, (s) => {
      const a = s.tasks.find((x) => x.id === t.id)?.attempts[0];
      return a?.phase === 'needs-you' ? a : null;
    });
    assert.equal(waiting.pending?.cwd, waiting.worktree, 'the request runs in the worktree, and still waits');
    assert.equal(existsSync(join(waiting.worktree, 'escalated.txt')), false, 'nothing ran before the answer');
    await h.client.answer(waiting.id, 'accept');
    const done = await waitForTask(h.client, t.id);
    assert.equal(done.attempts[0]?.phase, 'finished', done.attempts[0]?.lastError ?? '');
    const events = readJournal(waiting.journal).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
    assert.ok(!events.some((e) => e.type === 'approval_resolved' && e.by === 'policy'));
    assert.ok(events.some((e) => e.type === 'approval_resolved' && e.by === 'user' && e.decision === 'accept'));
  },
);

test(
  'approval request: "needs you" until the user answers (from another process, via the CLI)',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({
      title: 'asks',
      prompt: 'write [[quartet-demo:escalate]]',
      attempts: 1,
      options: { autoApprove: 'none' },
    });
    const waiting = await waitForSnapshot(h.client, 60_000, (s) => {
      const a = s.tasks.find((x) => x.id === t.id)?.attempts[0];
      return a?.phase === 'needs-you' ? a : null;
    });
    assert.equal(waiting.pending?.kind, 'command');
    assert.match(waiting.pending?.summary ?? '', /escalated\.txt/);
    const cli = await runCli(['answer', waiting.id, 'accept', '--repo', h.repo], h.env);
    assert.equal(cli.code, 0, cli.stderr);
    const done = await waitForTask(h.client, t.id);
    assert.equal(done.attempts[0]?.phase, 'finished');
    const events = readJournal(waiting.journal).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
    assert.ok(events.some((e) => e.type === 'approval_resolved' && e.by === 'user' && e.decision === 'accept'));
  },
);

test('stop: the attempt ends "stopped" and no Codex or shell process of it is left', { timeout: 90_000 }, async () => {
  const t = await h.client.launch({
    title: 'long',
    prompt: 'go [[quartet-demo:long-command]]',
    attempts: 1,
    options: { stallTimeoutMs: 600_000 },
  });
  const working = await waitForSnapshot(h.client, 60_000, (s) => {
    const a = s.tasks.find((x) => x.id === t.id)?.attempts[0];
    return a?.phase === 'working' && /running `sleep 600/.test(a.lastEvent ?? '') ? a : null;
  });
  const pids = pidsWithEnv(ATTEMPT_TAG, working.id);
  const sleepers = (): number[] => pids.flatMap((p) => [p, ...descendants(p)]).filter((p) => isSleep(p));
  await waitUntil(() => sleepers().length > 0, 15_000);
  assert.ok(pids.length >= 1, 'the attempt has live processes while working');
  const tree = pids.flatMap((p) => [p, ...descendants(p)]);
  const cli = await runCli(['stop', working.id, '--repo', h.repo], h.env);
  assert.equal(cli.code, 0, cli.stderr);
  const done = await waitForTask(h.client, t.id);
  assert.equal(done.attempts[0]?.phase, 'stopped');
  assert.equal(done.attempts[0]?.reason, 'stopped_by_user');
  assert.deepEqual(pidsWithEnv(ATTEMPT_TAG, working.id), []);
  assert.deepEqual(tree.filter(isAlive), [], 'Codex, its shell and the sleep are all gone');
  assert.ok(tree.length >= 3, `the tree had Codex, a shell and sleep (${tree.length} processes)`);
});

test(
  'Codex binary missing: a clear error, exit code 2, and no worktree or task created',
  { timeout: 60_000 },
  async () => {
    const before = (await h.client.snapshot()).tasks.length;
    const env = { ...h.env, PATH: '/usr/bin:/bin', QUARTET_CODEX: '/nonexistent/codex' };
    const other = await startHarness();
    try {
      await other.client.shutdown();
      other.client.close();
      const cli = await runCli(
        ['launch', '--repo', other.repo, '--title', 'x', '--attempts', '2', '--worktree-root', other.worktreeRoot],
        env,
      );
      assert.equal(cli.code, 2);
      assert.match(cli.stderr, /Codex CLI not found.*npm install -g @openai\/codex/);
      assert.equal(existsSync(other.worktreeRoot), false);
    } finally {
      await runCli(['supervisor', 'stop', '--repo', other.repo], env);
      await other.cleanup();
    }
    assert.equal((await h.client.snapshot()).tasks.length, before);
  },
);
