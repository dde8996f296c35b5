// Integration: launch/stop cycles with Codex really running (10 in npm test, 100 in npm run test:soak), a last client leaving, a task deleted — zero stray processes.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, git, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { processes, strayProcesses, type Proc } from '../support/processScan';
import { waitUntil } from '../support/waitUntil';

/** `npm run test:soak` sets 100; the everyday suite keeps the same checks on fewer cycles (an even number: half run a shell). */
const CYCLES = Math.max(2, 2 * Math.round(Number(process.env.QUARTET_LAUNCH_STOP_CYCLES ?? 10) / 2));

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

/** Processes of these attempts, or running anywhere under this test's worktree root. */
function strays(ids: ReadonlySet<string>): Proc[] {
  return strayProcesses(h.worktreeRoot, ids);
}

test(
  `${CYCLES} launch/stop cycles with Codex (and its shells) really running leave zero stray processes`,
  { timeout: 15 * 60_000 },
  async () => {
    const ids = new Set<string>();
    const started = Date.now();
    let sawShell = 0;
    for (let i = 0; i < CYCLES; i++) {
      // Alternate: a turn blocked on the model, and a turn running a long shell command (Codex → bash → sleep).
      const scenario = i % 2 === 0 ? 'long-command' : 'hang';
      const t = await h.client.launch({
        title: `cycle ${i}`,
        prompt: `go [[quartet-demo:${scenario}]]`,
        attempts: 1,
        options: { stallTimeoutMs: 600_000 },
      });
      const id = t.attempts[0]!.id;
      ids.add(id);
      await waitForSnapshot(h.client, 60_000, (s) =>
        s.tasks.find((x) => x.id === t.id)?.attempts[0]?.phase === 'working' ? true : null,
      );
      const mine = (): Proc[] => processes().filter((p) => p.tag === id);
      if (scenario === 'long-command') {
        await waitUntil(() => mine().some((p) => /^sleep 600/.test(p.cmd)), 30_000, `the shell of cycle ${i}`);
        sawShell++;
      } else {
        await waitUntil(() => mine().length > 0, 30_000, `Codex of cycle ${i}`);
      }
      await h.client.stop(id);
      const done = await waitForTask(h.client, t.id, 60_000);
      assert.equal(done.attempts[0]?.phase, 'stopped', `cycle ${i}: ${done.attempts[0]?.lastError ?? ''}`);
      const left = strays(new Set([id]));
      assert.deepEqual(left, [], `cycle ${i} (${scenario}) left processes behind`);
    }
    assert.equal(sawShell, CYCLES / 2, 'half the cycles had a shell and a sleep running under Codex');
    assert.deepEqual(strays(ids), [], 'nothing of any cycle is left');
    const d = await h.client.diagnostics();
    assert.deepEqual(d.runners, []);
    assert.deepEqual(d.ports, {}, 'every port block was released');
    console.log(`# ${CYCLES} launch/stop cycles took ${Math.round((Date.now() - started) / 1000)} s`);
  },
);

test(
  'the last client disconnecting with stopAttemptsWhenLastClientDisconnects on (what deactivate does): running attempts stop, zero strays',
  { timeout: 120_000 },
  async () => {
    h.client.close();
    const window = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    await window.configure({ stopWhenLastClientDisconnects: true });
    const sub = window.onSnapshot(() => undefined); // a window's live subscription
    const t = await window.launch({
      title: 'left running',
      prompt: 'go [[quartet-demo:long-command]]',
      attempts: 2,
      options: { stallTimeoutMs: 600_000 },
    });
    const ids = new Set(t.attempts.map((a) => a.id));
    await waitUntil(
      () => [...ids].every((id) => processes().some((p) => p.tag === id && /^sleep 600/.test(p.cmd))),
      60_000,
      'both shells',
    );
    sub.dispose();
    window.close(); // deactivate: the extension disposes its connection, nothing else
    await waitUntil(() => strays(ids).length === 0, 30_000, 'the attempts to be stopped');
    h.client = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    const after = (await h.client.snapshot()).tasks.find((x) => x.id === t.id)!;
    assert.deepEqual(
      after.attempts.map((a) => a.phase),
      ['stopped', 'stopped'],
    );
    await h.client.configure({ stopWhenLastClientDisconnects: false });
    // Off (the default): a window closing leaves attempts running.
    const kept = await h.client.launch({
      title: 'keeps running',
      prompt: 'go [[quartet-demo:hang]]',
      attempts: 1,
      options: { stallTimeoutMs: 600_000 },
    });
    const other = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    other.onSnapshot(() => undefined);
    await waitForSnapshot(other, 60_000, (s) =>
      s.tasks.find((x) => x.id === kept.id)?.attempts[0]?.phase === 'working' ? true : null,
    );
    const log = join(h.repo, '.git', 'quartet', 'supervisor.log');
    const keeps = (): number => readFileSync(log, 'utf8').split('last client left: attempts keep running').length;
    const before = keeps();
    other.close(); // as a window's deactivate does
    // The supervisor logs its decision when the last client leaves; a stop, if any, starts in that same step.
    await waitUntil(() => keeps() > before, 20_000, 'the supervisor deciding to keep the attempts running');
    assert.equal((await h.client.snapshot()).tasks.find((x) => x.id === kept.id)?.attempts[0]?.phase, 'working');
    await h.client.stop(kept.attempts[0]!.id);
  },
);

test(
  'delete task: its running attempts (Codex → bash → sleep) are ended, their work archived, worktrees and branches gone, the task forgotten',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'to be deleted',
      prompt: 'go [[quartet-demo:long-command]]',
      attempts: 2,
      options: { stallTimeoutMs: 600_000 },
    });
    const ids = new Set(t.attempts.map((a) => a.id));
    await waitUntil(
      () => [...ids].every((id) => processes().some((p) => p.tag === id && /^sleep 600/.test(p.cmd))),
      60_000,
      'both shells',
    );
    // Something uncommitted in one worktree: deleting must archive it, not lose it.
    const wt = t.attempts[0]!.worktree;
    writeFileSync(join(wt, 'unsaved-note.txt'), 'work in progress\n');
    const r = await h.client.deleteTask(t.id);
    assert.deepEqual(strays(ids), [], 'no process of the deleted task is left');
    assert.deepEqual(
      r.archived.map((a) => a.attemptId).sort(),
      [...ids].sort(),
      'every attempt with a worktree was archived first',
    );
    const patch = r.archived.find((a) => a.attemptId === t.attempts[0]!.id)!.patch;
    assert.match(readFileSync(patch, 'utf8'), /unsaved-note\.txt/, 'the uncommitted file is in the archive');
    for (const a of t.attempts) {
      assert.equal(existsSync(a.worktree), false, `${a.worktree} was removed`);
      assert.equal(git(h.repo, 'branch', '--list', a.branch), '', `${a.branch} was deleted`);
    }
    assert.equal(
      (await h.client.snapshot()).tasks.some((x) => x.id === t.id),
      false,
      'the task is gone from the list',
    );
    await assert.rejects(h.client.deleteTask(t.id), /no task/);
  },
);
