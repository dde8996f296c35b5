// Integration: Clean Up and retention — what is listed, that unsaved work is archived before removal, and that it restores.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, git, runCli, startHarness, supervisorPid, waitForTask, type Harness } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { isAlive } from '../../src/core/execution/processTree';
import { readJournal } from '../../src/core/observability/journal';
import type { CleanupPlan, CleanupResult } from '../../src/core/contract/replies';
import type { PersistedState } from '../../src/core/orchestrator/records';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const branchExists = (branch: string): boolean => git(h.repo, 'branch', '--list', branch) !== '';

test(
  'dry run lists ended attempts with sizes and removes nothing; removing a failed attempt archives its uncommitted work, which restores',
  { timeout: 120_000 },
  async () => {
    const ok = await waitForTask(
      h.client,
      (await h.client.launch({ title: 'kept work', prompt: 'note', attempts: 1, options: { checkCommand: '' } })).id,
    );
    const bad = (
      await waitForTask(
        h.client,
        (await h.client.launch({ title: 'broken work', prompt: 'x [[quartet-demo:fail]]', attempts: 1 })).id,
      )
    ).attempts[0]!;
    assert.equal(bad.phase, 'failed');
    // What a failed attempt leaves behind: edits nobody committed.
    writeFileSync(join(bad.worktree, 'partial.txt'), 'half-done work\n');
    writeFileSync(
      join(bad.worktree, 'README.md'),
      `${readFileSync(join(bad.worktree, 'README.md'), 'utf8')}\nan unfinished edit\n`,
    );

    const dry = await runCli(['cleanup', '--dry-run', '--json', '--repo', h.repo], h.env);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout) as CleanupPlan & { selected: string[] };
    const wt = plan.items.find((i) => i.id === `worktree:${bad.id}`);
    assert.ok(wt && wt.bytes > 10_000, `the failed attempt's worktree is listed with its size (${wt?.bytes})`);
    assert.equal(wt.archiveFirst, true, 'its uncommitted work will be archived first');
    assert.equal(wt.due, false, 'a fresh attempt is not due');
    assert.ok(
      plan.items.some((i) => i.id === `worktree:${ok.attempts[0]!.id}` && !i.due),
      'a finished attempt of an open task is listed, not due',
    );
    assert.deepEqual(plan.selected, [], 'nothing is due yet');
    assert.ok(existsSync(bad.worktree) && existsSync(ok.attempts[0]!.worktree), 'a dry run removes nothing');

    const human = await runCli(['cleanup', '--dry-run', '--repo', h.repo], h.env);
    assert.match(human.stdout, new RegExp(`worktree:${bad.id} +\\d+(\\.\\d)? [KM]B`));

    const run = await runCli(['cleanup', '--items', `worktree:${bad.id}`, '--json', '--repo', h.repo], h.env);
    assert.equal(run.code, 0, run.stderr);
    const { result } = JSON.parse(run.stdout) as { result: CleanupResult };
    assert.deepEqual(result.failed, []);
    assert.deepEqual(
      result.removed.map((r) => r.id),
      [`worktree:${bad.id}`],
    );
    assert.equal(result.freedBytes, wt.bytes);
    assert.equal(existsSync(bad.worktree), false, 'the worktree is gone');
    assert.ok(branchExists(bad.branch), "a failed attempt's branch is kept");
    const patch = result.archived[0]?.patch ?? '';
    assert.ok(existsSync(patch), 'the archive exists');
    const after = (await h.client.snapshot()).tasks.flatMap((t) => t.attempts).find((a) => a.id === bad.id);
    assert.equal(after?.archived?.patch, patch, 'the attempt records its archive');
    assert.ok(
      readJournal(bad.journal).some((r) => r.kind === 'event' && r.event.type === 'archived'),
      'the journal says so',
    );

    const restored = await runCli(
      [
        'restore',
        join(patch, '..'),
        '--branch',
        'restored/broken',
        '--worktree-root',
        h.worktreeRoot,
        '--repo',
        h.repo,
      ],
      h.env,
    );
    assert.equal(restored.code, 0, restored.stderr);
    const dir = /restored into (.+) on branch/.exec(restored.stdout)?.[1] ?? '';
    assert.equal(readFileSync(join(dir, 'partial.txt'), 'utf8'), 'half-done work\n');
    assert.match(readFileSync(join(dir, 'README.md'), 'utf8'), /an unfinished edit/);

    const unknown = await runCli(['cleanup', '--items', 'worktree:t-nope-1', '--repo', h.repo], h.env);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /not in the clean-up plan: worktree:t-nope-1/);
  },
);

test(
  'retention at startup: landed attempts older than attemptDays lose worktree and branch (archived first); fresh ones stay',
  { timeout: 120_000 },
  async () => {
    const landedTask = await waitForTask(
      h.client,
      (
        await h.client.launch({
          title: 'landed long ago',
          prompt: 'note',
          attempts: 2,
          options: { checkCommand: '', cleanupAfterLand: false },
        })
      ).id,
    );
    const winner = landedTask.attempts[0]!;
    const land = await h.client.land(winner.id);
    assert.equal(land.status, 'landed', land.message);
    const fresh = (
      await waitForTask(
        h.client,
        (await h.client.launch({ title: 'failed just now', prompt: 'x [[quartet-demo:fail]]', attempts: 1 })).id,
      )
    ).attempts[0]!;
    for (const a of landedTask.attempts)
      assert.ok(existsSync(a.worktree) && branchExists(a.branch), 'cleanupAfterLand off: everything is still there');

    // Age the landed task by 30 days while the supervisor is down.
    const pid = supervisorPid(h.repo);
    await h.client.shutdown();
    h.client.close();
    while (pid && isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    const file = join(h.repo, '.git', 'quartet', 'state.json');
    const state = JSON.parse(readFileSync(file, 'utf8')) as PersistedState;
    const longAgo = new Date(Date.now() - 30 * 24 * 3600_000).toISOString();
    for (const a of state.tasks.find((t) => t.id === landedTask.id)!.attempts) {
      a.endedAt = longAgo;
      if (a.landed) a.landed.at = longAgo;
    }
    writeFileSync(file, JSON.stringify(state));

    h.client = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    const end = Date.now() + 30_000;
    while (Date.now() < end && landedTask.attempts.some((a) => existsSync(a.worktree) || branchExists(a.branch)))
      await new Promise((r) => setTimeout(r, 200));
    for (const a of landedTask.attempts) {
      assert.equal(existsSync(a.worktree), false, `${a.id}: worktree removed by the startup sweep`);
      assert.equal(branchExists(a.branch), false, `${a.id}: branch removed (its task landed)`);
    }
    const snap = await h.client.snapshot();
    const loser = snap.tasks.flatMap((t) => t.attempts).find((a) => a.id === landedTask.attempts[1]!.id);
    assert.ok(
      loser?.archived && existsSync(loser.archived.patch),
      'the attempt that did not land was archived before its branch went',
    );
    assert.ok(existsSync(fresh.worktree) && branchExists(fresh.branch), 'a fresh failed attempt is untouched');
  },
);
