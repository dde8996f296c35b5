// Integration: a land names the check that ran, leaves no empty task folder, and Undo reverts it on the base — only while nothing else landed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { git, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import type { TaskSnapshot } from '../../src/shared/model';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

// Scored = every check in and the verdict on these attempts given (the ★ waits for both).
const scored = (t: TaskSnapshot): boolean =>
  t.attempts.every((a) => a.phase === 'finished' && a.checks !== null && a.checks.state !== 'running') &&
  t.verdict?.state === 'done';

/** A finished attempt whose checks still run: no ★ may be shown for its task then (issue #13). */
const checksOut = (t: TaskSnapshot): boolean =>
  t.attempts.some((a) => a.phase === 'finished' && !a.archived && a.checks?.state === 'running');

async function landedTask(title: string): Promise<{ task: TaskSnapshot; before: string; landedCommit: string }> {
  const before = git(h.repo, 'rev-parse', 'main');
  // Every pushed snapshot while the attempts run: a ★ beside running checks is the bug this watches for.
  const seen: TaskSnapshot[] = [];
  const sub = h.client.onSnapshot((s) => seen.push(...s.tasks.filter((t) => t.title === title)));
  const launched = await h.client.launch({ title, prompt: 'Add a short note file.', attempts: 3 });
  const task = await waitForTask(h.client, launched.id, 180_000, scored);
  sub.dispose();
  assert.ok(seen.some(checksOut), 'snapshots with checks still running were seen');
  const early = seen.filter((t) => checksOut(t) && (t.recommended || t.attempts.some((a) => a.recommended)));
  assert.deepEqual(
    early.map((t) => t.recommended),
    [],
    "no ★ while a finished attempt's checks run",
  );
  assert.ok(task.recommended, 'every check is in: the ★ is given');
  const r = await h.client.land(task.recommended);
  assert.equal(r.status, 'landed', r.message);
  // The base did not move: the land reuses the attempt's checks and says which ones, not "no check command".
  const checks = r.steps.filter((s) => s.step === 'checks').at(-1);
  assert.equal(checks?.status, 'skipped');
  assert.match(checks?.detail ?? '', /^`node --test` passed on this exact tree/);
  return { task, before, landedCommit: git(h.repo, 'rev-parse', 'main') };
}

test(
  'after a land the task folder under the worktree root is gone; Undo puts a revert commit on main',
  { timeout: 300_000 },
  async () => {
    const { task, before, landedCommit } = await landedTask('Undo me');
    const folder = dirname(task.attempts[0]!.worktree);
    await waitForTask(h.client, task.id, 30_000, (t) => t.state === 'landed');
    assert.ok(!existsSync(folder), `the empty task folder ${folder} was removed`);
    assert.ok(existsSync(dirname(folder)), "the repository's worktree folder itself stays");

    const r = await h.client.undoLand(task.id);
    assert.equal(r.status, 'reverted');
    const tip = git(h.repo, 'rev-parse', 'main');
    assert.equal(r.status === 'reverted' ? r.commit : '', tip);
    assert.equal(git(h.repo, 'rev-parse', `${tip}^`), landedCommit, 'one revert commit on top of the land');
    assert.equal(git(h.repo, 'diff', '--name-only', before, tip), '', 'main has the tree it had before the land');
    assert.equal(git(h.repo, 'status', '--porcelain'), '', 'the clean checkout followed');
    assert.match(git(h.repo, 'log', '-1', '--format=%an|%s'), /^Quartet\|Revert "Undo me"/);
    const after = await waitForTask(h.client, task.id, 30_000, (t) =>
      t.attempts.some((a) => a.landed?.revertedBy === tip),
    );
    assert.ok(after.attempts.find((a) => a.landed)?.lastEvent?.startsWith('land undone'));
    await assert.rejects(h.client.undoLand(task.id), /already undone/);
  },
);

test('Undo is refused, with the reason, once the base moved past the landed commit', { timeout: 300_000 }, async () => {
  const { task, landedCommit } = await landedTask('Then someone commits');
  git(h.repo, 'commit', '-q', '--allow-empty', '-m', 'a person commits after the land');
  const moved = git(h.repo, 'rev-parse', 'main');
  await assert.rejects(
    h.client.undoLand(task.id),
    new RegExp(`main moved since the land \\(now ${moved.slice(0, 8)}\\); revert ${landedCommit.slice(0, 8)} by hand`),
  );
  assert.equal(git(h.repo, 'rev-parse', 'main'), moved, 'nothing was written');
  const t = (await h.client.snapshot()).tasks.find((x) => x.id === task.id)!;
  assert.ok(t.attempts.every((a) => !a.landed?.revertedBy));
});
