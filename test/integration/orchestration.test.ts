// Integration: concurrency limit, automatic retry with backoff, and secrets kept out of the agent's environment.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { isActive } from '../../src/shared/model';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

test(
  'never more attempts running than the concurrency limit; queued ones start as slots free',
  { timeout: 180_000 },
  async () => {
    await h.client.configure({ maxConcurrent: 2 });
    let peak = 0;
    let sawQueued = false;
    const sub = h.client.onSnapshot((s) => {
      const all = s.tasks.flatMap((t) => t.attempts);
      peak = Math.max(peak, all.filter((a) => isActive(a.phase)).length);
      sawQueued ||= all.some((a) => a.phase === 'queued');
    });
    try {
      const t = await h.client.launch({ title: 'limited', prompt: 'note [[quartet-demo:slow]]', attempts: 5 });
      const done = await waitForTask(h.client, t.id, 150_000);
      assert.ok(done.attempts.every((a) => a.phase === 'finished'));
      assert.equal(peak, 2);
      assert.ok(sawQueued, 'attempts waited in the queue');
    } finally {
      sub.dispose();
      await h.client.configure({ maxConcurrent: 4 });
    }
  },
);

test(
  'automatic retry (maxRetries 1) waits min(10 s·2^(n-1), max) and runs a new thread in the same worktree',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({
      title: 'flaky',
      prompt: 'x [[quartet-demo:fail]]',
      attempts: 1,
      options: { maxRetries: 1, maxRetryBackoffMs: 3000 },
    });
    const first = await waitForTask(
      h.client,
      t.id,
      30_000,
      (x) => x.attempts[0]?.phase === 'failed' && !!x.attempts[0]?.nextRetryAt,
    );
    const a = first.attempts[0]!;
    const delay = Date.parse(a.nextRetryAt!) - Date.parse(a.endedAt!);
    assert.ok(delay >= 2500 && delay <= 3500, `backoff capped at 3 s (was ${delay} ms)`);
    const done = await waitForTask(
      h.client,
      t.id,
      60_000,
      (x) => x.attempts[0]?.retries === 1 && x.attempts[0]?.phase === 'failed' && !x.attempts[0]?.nextRetryAt,
    );
    const b = done.attempts[0]!;
    assert.equal(b.threadIds.length, 2);
    assert.equal(b.worktree, a.worktree);
    assert.equal(b.reason, 'model_error');
  },
);

test('declared secrets never reach the agent, the journal or the state file', { timeout: 90_000 }, async () => {
  const secrets = {
    GITHUB_TOKEN: 'ghp_supersecret_0123456789',
    MY_DB_PASSWORD: 'p4ssw0rd-very-secret',
    QUARTET_SECRET_ENV: 'MY_DB_PASSWORD',
  };
  // A client whose own environment holds the secrets: the CLI and the extension scrub before sending.
  const { scrubSecrets } = await import('../../src/core/config/secrets');
  const env = scrubSecrets({ ...h.env, ...secrets });
  const t = await h.client.launch({
    title: 'env',
    prompt: 'dump [[quartet-demo:env]]',
    attempts: 1,
    env: { ...env, GH_TOKEN: 'ghp_sent_anyway_by_a_buggy_client' },
  });
  const done = await waitForTask(h.client, t.id);
  const a = done.attempts[0]!;
  assert.equal(a.phase, 'finished', a.lastError ?? '');
  const dumped = readFileSync(join(a.worktree, 'quartet-env-dump.txt'), 'utf8');
  assert.match(dumped, /QUARTET_ATTEMPT_ID=/, 'the dump is the agent environment');
  assert.match(dumped, /CODEX_HOME=/, 'CODEX_HOME reached Codex');
  for (const v of [...Object.values(secrets).slice(0, 2), 'ghp_sent_anyway_by_a_buggy_client'])
    assert.ok(!dumped.includes(v), `secret ${v} is not in the agent env`);
  const stateDir = join(h.repo, '.git', 'quartet');
  const files = [
    join(stateDir, 'state.json'),
    ...readdirSync(join(stateDir, 'journals')).map((f) => join(stateDir, 'journals', f)),
  ];
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const v of [...Object.values(secrets).slice(0, 2), 'ghp_sent_anyway_by_a_buggy_client'])
      assert.ok(!text.includes(v), `${v} not in ${f}`);
  }
});

test(
  'token budget: the attempt is interrupted at the limit and marked (stopped, reason budget)',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({ title: 'budget', prompt: 'note', attempts: 1, options: { tokenBudget: 2000 } });
    const done = await waitForTask(h.client, t.id);
    const a = done.attempts[0]!;
    assert.equal(a.phase, 'stopped');
    assert.equal(a.reason, 'budget');
    assert.ok(a.tokens.total >= 2000 && a.tokens.total < 20_000, `stopped soon after the limit (${a.tokens.total})`);
    assert.match(a.lastError ?? '', /token budget reached/);
  },
);

test(
  'looping: the same command failing the same way N times marks the attempt stalled (reason looping)',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({
      title: 'loop',
      prompt: 'x [[quartet-demo:loop]]',
      attempts: 1,
      options: { loopLimit: 3 },
    });
    const done = await waitForTask(h.client, t.id);
    const a = done.attempts[0]!;
    assert.equal(a.phase, 'stalled');
    assert.equal(a.reason, 'looping');
    assert.match(a.lastError ?? '', /failed the same way 3 times/);
  },
);

test(
  'per-attempt resources: distinct port ranges and name prefixes in each agent environment',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({ title: 'ports', prompt: 'dump [[quartet-demo:env]]', attempts: 2 });
    const done = await waitForTask(h.client, t.id);
    const envs = done.attempts.map((a) =>
      Object.fromEntries(
        readFileSync(join(a.worktree, 'quartet-env-dump.txt'), 'utf8')
          .split('\n')
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      ),
    );
    const ports = envs.map((e) => Number(e.QUARTET_PORT));
    assert.ok(
      ports.every((p) => p >= 1024),
      JSON.stringify(ports),
    );
    assert.ok(Math.abs((ports[0] ?? 0) - (ports[1] ?? 0)) >= 10, 'ranges do not overlap');
    assert.notEqual(envs[0]?.QUARTET_NAME_PREFIX, envs[1]?.QUARTET_NAME_PREFIX);
    assert.equal(envs[0]?.QUARTET_ATTEMPT_ID, done.attempts[0]?.id);
  },
);
