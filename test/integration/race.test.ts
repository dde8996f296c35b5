// Integration: policy race stops and archives the slower attempts once one is the clear winner; the task budget stops them all.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import type { TaskSnapshot } from '../../src/shared/model';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const task =
  (id: string) =>
  (s: { tasks: TaskSnapshot[] }): TaskSnapshot | null =>
    s.tasks.find((t) => t.id === id) ?? null;

test(
  'race: #1 finishes, passes its checks and is the clear winner; #2–#4 (still working) are stopped and archived with their work',
  { timeout: 180_000 },
  async () => {
    const t = await h.client.launch({
      title: 'Race',
      prompt: 'Add a short note file. [[quartet-demo:race]]',
      attempts: 4,
      options: { policy: 'race' },
    });
    const done = await waitForTask(
      h.client,
      t.id,
      150_000,
      (x) => x.attempts.slice(1).every((a) => a.archived) && x.attempts[0]!.phase === 'finished',
    );
    const [winner, ...losers] = done.attempts;
    assert.equal(done.earlyStop?.kind, 'race');
    assert.equal(done.earlyStop?.winner, winner!.id);
    assert.match(done.earlyStop?.message ?? '', /^#1 won the race \(clear winner: #1.*\); stopped #2, #3, #4$/);
    assert.deepEqual(
      done.earlyStop?.stopped.map((s) => s.index),
      [2, 3, 4],
    );
    // The saving is the winner's spend the others did not repeat (an estimate, never below 0).
    const expected = done.earlyStop!.stopped.reduce((sum, s) => sum + Math.max(0, winner!.tokens.total - s.tokens), 0);
    assert.equal(done.earlyStop?.savedTokens, expected);
    assert.equal(winner!.checks?.state, 'passed');
    assert.equal(done.recommended, winner!.id);
    for (const a of losers) {
      assert.equal(a.phase, 'stopped', a.id);
      assert.equal(a.reason, 'outraced');
      assert.match(a.archived!.reason, /^outraced: #1 won the race/);
      // Their work is kept: each wrote a file before it stalled, and the archive's patch has it.
      assert.ok(existsSync(a.archived!.patch));
      assert.match(
        readFileSync(a.archived!.patch, 'utf8'),
        /^diff --git a\/(notes|docs)\//m,
        `${a.id}'s edit is in its archive`,
      );
      assert.equal(existsSync(a.worktree), false, 'worktree removed');
    }
  },
);

test(
  'policy all (the default): the verdict on #1 stops nobody; the others keep working until a person stops them',
  { timeout: 180_000 },
  async () => {
    const t = await h.client.launch({
      title: 'No race',
      prompt: 'Add a short note file. [[quartet-demo:race]]',
      attempts: 2,
    });
    // The race call happens in the same tick as the verdict: a snapshot with the verdict and a working #2 shows it did not come.
    const judged = await waitForSnapshot(h.client, 150_000, (s) => {
      const x = task(t.id)(s);
      return x?.verdict?.state === 'done' && x.verdict.recommended === x.attempts[0]!.id ? x : null;
    });
    assert.equal(judged.verdict?.confidence, 'clear');
    assert.deepEqual(
      judged.verdict?.reviews?.map((r) => [r.attemptId, r.state]),
      [[judged.attempts[0]!.id, 'done']],
      '#1 was reviewed while #2 still works',
    );
    assert.equal(judged.attempts[1]!.phase, 'working');
    assert.equal(judged.earlyStop ?? null, null);
    await h.client.stop(judged.attempts[1]!.id);
    const after = await waitForTask(h.client, t.id, 30_000);
    assert.equal(after.attempts[1]!.reason, 'stopped_by_user');
    assert.equal(after.attempts[1]!.archived ?? null, null, "nothing archived behind the person's back");
  },
);

test(
  'task time budget: every attempt still running stops (reason budget) and the task says why',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'Budget',
      prompt: 'x [[quartet-demo:hang]]',
      attempts: 2,
      options: { taskTimeBudgetMs: 3000 },
    });
    const done = await waitForTask(h.client, t.id, 60_000);
    assert.deepEqual(
      done.attempts.map((a) => [a.phase, a.reason]),
      [
        ['stopped', 'budget'],
        ['stopped', 'budget'],
      ],
    );
    assert.equal(done.earlyStop?.kind, 'budget');
    assert.match(done.earlyStop?.message ?? '', /^task time budget reached: \d+ s ≥ 3 s since launch$/);
    assert.equal(done.earlyStop?.savedTokens, null);
    assert.match(done.attempts[0]!.lastError ?? '', /task time budget reached/);
  },
);

test('bad policy and budgets are refused before anything starts, naming the option', async () => {
  await assert.rejects(
    h.client.launch({ title: 'x', prompt: 'y', attempts: 1, options: { policy: 'fastest' as never } }),
    /policy must be "all" or "race"/,
  );
  await assert.rejects(
    h.client.launch({ title: 'x', prompt: 'y', attempts: 1, options: { taskCostBudgetUsd: -1 } }),
    /task cost budget \(USD\) must be a number above 0/,
  );
});
