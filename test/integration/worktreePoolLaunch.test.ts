// Integration (real Codex + demo model + real git, through the supervisor): with quartet.worktreePool a launch takes warm worktrees, and Clean Up lists the pool.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitForTask, git, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

async function poolItems(): Promise<string[]> {
  return (await h.client.cleanupPlan()).items.filter((i) => i.kind === 'pool').map((i) => i.id);
}

async function waitForPool(n: number): Promise<void> {
  const end = Date.now() + 60_000;
  while ((await poolItems()).length !== n) {
    if (Date.now() > end) throw new Error(`the pool never held ${n} slots: ${(await poolItems()).join(', ')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test(
  'pool of 2: a launch of 2 takes both warm slots (the trace says "warm"), the attempts finish, the pool refills',
  { timeout: 180_000 },
  async () => {
    await h.client.configure({ worktreePool: 2 });
    await waitForPool(2);
    const t = await h.client.launch({ title: 'warm', prompt: 'Add a short note file.', attempts: 2 });
    const task = await waitForTask(h.client, t.id);
    for (const a of task.attempts) {
      assert.equal(a.phase, 'finished', `${a.id}: ${a.lastError ?? a.lastEvent}`);
      const starting = readJournal(a.journal).find(
        (r) => r.kind === 'event' && r.event.type === 'phase' && r.event.phase === 'starting',
      );
      assert.ok(starting?.kind === 'event' && starting.event.type === 'phase');
      assert.match(starting.event.message ?? '', /\(warm, ready in \d+ ms\)/);
      assert.equal(git(a.worktree, 'symbolic-ref', '--short', 'HEAD'), a.branch);
      assert.equal(git(h.repo, 'diff', '--name-only', `${a.base}..${a.branch}`).split('\n').filter(Boolean).length, 1);
    }
    await waitForPool(2);
    const branches = git(h.repo, 'branch', '--format=%(refname:short)').split('\n');
    assert.equal(
      branches.filter((b) => b.startsWith('quartet/pool/')).length,
      2,
      'pool branches stay in their namespace',
    );
  },
);

test('Clean Up lists the warm worktrees with their size and removes them; the pool switched off removes its own', async () => {
  const plan = await h.client.cleanupPlan();
  const pool = plan.items.filter((i) => i.kind === 'pool');
  assert.equal(pool.length, 2);
  assert.ok(pool.every((i) => !i.due && i.bytes > 0 && /kept for the next launch/.test(i.detail)));
  const result = await h.client.cleanup(pool.map((i) => i.id));
  assert.equal(result.failed.length, 0, JSON.stringify(result.failed));
  assert.deepEqual(result.removed.map((r) => r.id).sort(), pool.map((i) => i.id).sort());
  assert.ok(result.freedBytes > 0);
  assert.deepEqual(await poolItems(), []);
  assert.equal(git(h.repo, 'branch', '--list', 'quartet/pool/*'), '');

  await h.client.configure({ worktreePool: 1 });
  await waitForPool(1);
  await h.client.configure({ worktreePool: 0 });
  await waitForPool(0);
  assert.equal(git(h.repo, 'branch', '--list', 'quartet/pool/*'), '');
  await assert.rejects(h.client.configure({ worktreePool: 99 }), /worktreePool/);
});
