// Integration: attempts placed on and run over real OpenSSH worker hosts (Debian sshd per host), the result fetched back and landed.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeCodexHome } from '../../demo/codexHome';
import { git, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { sshdAvailable, startSshLab, type SshLab } from '../support/sshd';
import { pidsWithEnv } from '../../src/core/execution/processTree';
import { ATTEMPT_TAG } from '../../src/core/execution/attemptRunner';
import { readJournal } from '../../src/core/observability/journal';
import type { AttemptSnapshot, Snapshot } from '../../src/shared/model';
import { waitUntil } from '../support/waitUntil';

let lab: SshLab;
let h: Harness;
const skip = sshdAvailable ? false : 'needs /usr/sbin/sshd (scripts/setup.sh installs openssh-server)';

before(async () => {
  if (skip) return;
  lab = await startSshLab([{ name: 'nocodex', path: '/usr/bin:/bin' }, { name: 'alpha' }, { name: 'beta' }]);
  // Control sockets in the lab's own folder: nothing shared with another test file's hosts.
  h = await startHarness({ env: { XDG_RUNTIME_DIR: lab.dir } });
  // Each host has its own Codex login: here, the demo model this test started (on 127.0.0.1, reachable from the "hosts").
  for (const host of lab.hosts) writeCodexHome(join(host.home, '.codex'), { baseUrl: h.server.url });
  // Listed first so that, were it healthy, it would win every tie.
  await h.client.configure({
    maxConcurrent: 1,
    sshConfig: lab.configFile,
    workers: [
      { host: 'nocodex', capacity: 2, worktreeRoot: '~/q' },
      { host: 'alpha', capacity: 1, worktreeRoot: '~/q' },
      { host: 'beta', capacity: 1, worktreeRoot: '~/q' },
    ],
  });
  await waitForSnapshot(h.client, 60_000, (s) =>
    (s.workers ?? []).filter((w) => w.healthy).length === 2 && s.workers?.find((w) => w.host === 'nocodex')?.problem
      ? s
      : null,
  );
});
after(async () => {
  await h?.cleanup();
  await lab?.close();
});

const home = (name: string) => lab.hosts.find((x) => x.name === name)!.home;
let spread: { taskId: string; remoteWorktrees: string[] } | null = null;
const byIndex = (attempts: AttemptSnapshot[]) => [...attempts].sort((a, b) => a.index - b.index);

test(
  'local + 2 hosts with capacity 1: placement by load, a host without codex takes nothing, branches fetched back, a remote attempt lands',
  { skip, timeout: 240_000 },
  async () => {
    const s0 = await h.client.snapshot();
    const nocodex = s0.workers?.find((w) => w.host === 'nocodex');
    assert.equal(nocodex?.healthy, false);
    assert.match(nocodex?.problem ?? '', /codex is missing on nocodex/);
    const t = await h.client.launch({ title: 'spread', prompt: 'add notes [[quartet-demo:default]]', attempts: 4 });
    // Three run at once (one per host); the fourth waits for a free slot instead of going to nocodex.
    const placed = await waitForSnapshot(h.client, 60_000, (s: Snapshot) => {
      const task = s.tasks.find((x) => x.id === t.id);
      return task && task.attempts.filter((a) => a.phase !== 'queued').length >= 3 ? task : null;
    });
    const first = byIndex(placed.attempts);
    assert.deepEqual(
      first.slice(0, 3).map((a) => a.host ?? null),
      [null, 'alpha', 'beta'],
    );
    const done = await waitForTask(h.client, t.id, 180_000);
    const remoteWorktrees: string[] = [];
    const attempts = byIndex(done.attempts);
    assert.deepEqual(
      attempts.map((a) => a.phase),
      ['finished', 'finished', 'finished', 'finished'],
      JSON.stringify(attempts.map((a) => [a.phase, a.reason, a.lastError])),
    );
    assert.ok(!attempts.some((a) => a.host === 'nocodex'), 'nothing was placed on the host without codex');
    for (const a of attempts.filter((x) => x.host)) {
      // The branch came back: the local branch and worktree carry the commit made on the host.
      assert.match(a.resultCommit ?? '', /^[0-9a-f]{40}$/);
      assert.equal(git(h.repo, 'rev-parse', `refs/heads/${a.branch}`), a.resultCommit);
      assert.equal(git(a.worktree, 'rev-parse', 'HEAD'), a.resultCommit);
      assert.ok(a.filesChanged > 0);
      assert.equal(git(a.worktree, 'status', '--porcelain'), '', 'skills stay invisible to git here too');
      const journal = readJournal(a.journal).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
      const starting = journal.find((e) => e.type === 'phase' && e.phase === 'starting');
      assert.match(
        JSON.stringify(starting),
        new RegExp(`worktree ${a.host}:${home(a.host!)}/q/.*dependencies: not carried to ${a.host}`),
      );
      assert.ok(journal.some((e) => e.type === 'session_started'));
      // The agent worked in the worktree on the host, under that host's root.
      const remoteWt = JSON.stringify(starting).match(new RegExp(`${a.host}:(${home(a.host!)}/q/[^ ,"]+)`))?.[1];
      assert.ok(remoteWt && existsSync(join(remoteWt, '.git')), `no worktree at ${remoteWt}`);
      remoteWorktrees.push(remoteWt);
    }
    const remote = attempts.find((a) => a.host === 'alpha')!;
    const landed = await h.client.land(remote.id);
    assert.equal(landed.status, 'landed', landed.message);
    // The same files on main as the attempt's result (first land on this base).
    assert.equal(git(h.repo, 'rev-parse', 'main^{tree}'), git(h.repo, 'rev-parse', `${remote.resultCommit}^{tree}`));
    spread = { taskId: t.id, remoteWorktrees };
  },
);

test("Delete Task removes the attempts' worktrees on their hosts", { skip, timeout: 120_000 }, async () => {
  assert.ok(spread && spread.remoteWorktrees.length >= 2, 'the first test ran');
  await h.client.deleteTask(spread.taskId);
  for (const wt of spread.remoteWorktrees) assert.ok(!existsSync(wt), `${wt} is still on its host`);
});

test(
  'a host that drops mid-turn: worker_lost, no second run, the host takes nothing more; Stop leaves no process on a host',
  { skip, timeout: 240_000 },
  async () => {
    const t = await h.client.launch({ title: 'hangs', prompt: 'wait [[quartet-demo:hang]]', attempts: 3 });
    const working = await waitForSnapshot(h.client, 90_000, (s) => {
      const task = s.tasks.find((x) => x.id === t.id);
      return task && task.attempts.every((a) => a.phase === 'working') ? task : null;
    });
    const onBeta = working.attempts.find((a) => a.host === 'beta')!;
    const onAlpha = working.attempts.find((a) => a.host === 'alpha')!;
    assert.ok(onBeta && onAlpha, JSON.stringify(working.attempts.map((a) => a.host)));
    await waitUntil(() => pidsWithEnv(ATTEMPT_TAG, onBeta.id).length > 1, 20_000, 'codex runs under beta');
    await lab.hosts.find((x) => x.name === 'beta')!.kill();
    const lost = await waitForTask(
      h.client,
      t.id,
      90_000,
      (x) => x.attempts.find((a) => a.id === onBeta.id)?.phase === 'interrupted',
    );
    const b = lost.attempts.find((a) => a.id === onBeta.id)!;
    assert.equal(b.reason, 'worker_lost');
    const s = await h.client.snapshot();
    assert.equal(
      s.workers?.find((w) => w.host === 'beta')?.healthy,
      false,
      'beta takes nothing until a preflight passes',
    );
    // Stop the one on alpha: its process group there ends (found by the attempt's tag, which only its processes carry).
    await h.client.stop(onAlpha.id);
    await waitUntil(
      () => pidsWithEnv(ATTEMPT_TAG, onAlpha.id).length === 0,
      20_000,
      'no process of the stopped attempt',
    );
    // A new attempt goes to this machine or alpha, never to beta; the lost one never ran again.
    const more = await h.client.launch({ title: 'after', prompt: 'wait [[quartet-demo:hang]]', attempts: 2 });
    const next = await waitForSnapshot(h.client, 60_000, (x) => {
      const task = x.tasks.find((y) => y.id === more.id);
      return task && task.attempts.some((a) => a.phase === 'working') ? x : null;
    });
    const moreTask = next.tasks.find((y) => y.id === more.id)!;
    assert.ok(!moreTask.attempts.some((a) => a.host === 'beta'), JSON.stringify(moreTask.attempts.map((a) => a.host)));
    const again = next.tasks.find((y) => y.id === t.id)!.attempts.find((a) => a.id === onBeta.id)!;
    assert.equal(again.phase, 'interrupted');
    assert.equal(again.threadIds.length, 1, 'the lost attempt was not run a second time');
    assert.equal(again.retries, 0);
    for (const a of [...moreTask.attempts, ...next.tasks.find((y) => y.id === t.id)!.attempts])
      if (a.phase === 'working' || a.phase === 'queued') await h.client.stop(a.id);
  },
);
