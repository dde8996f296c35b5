// Integration: a supervisor of an older build (test/support/olderBuild.ts) meets a client of this build — replaced when idle, kept and warned while an attempt runs, refused when busy and incompatible.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIST, runCli, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { olderInstall, type OlderInstall } from '../support/olderBuild';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { SupervisorMismatchError, UPDATED_WARNING } from '../../src/core/client/handshake';
import { API_VERSION, currentBuild } from '../../src/core/contract/buildStamp';
import type { SupervisorInfo } from '../../src/core/supervisor/supervisorIdentity';
import { isAlive } from '../../src/core/execution/processTree';
import type { TaskSnapshot } from '../../src/shared/model';
import { waitUntil as until } from '../support/waitUntil';

const NEW = currentBuild();
let h: Harness;

before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

function info(): SupervisorInfo {
  return JSON.parse(readFileSync(join(h.repo, '.git', 'quartet', 'supervisor.json'), 'utf8')) as SupervisorInfo;
}

/** Ends this build's supervisor (the harness started one) so the older install can start its own. */
async function stopCurrent(): Promise<void> {
  const pid = info().pid;
  await h.client.shutdown();
  h.client.close();
  await until(() => !isAlive(pid), 30_000, 'the supervisor to exit');
}

const connect = (opts: { anyBuild?: boolean } = {}): Promise<SupervisorClient> =>
  SupervisorClient.connect({ repo: h.repo, supervisorEntry: join(DIST, 'supervisor.js'), env: h.env, ...opts });

/** The older install starts its supervisor and launches a task that hangs in its turn until stopped. */
async function olderRunsAHang(old: OlderInstall, title: string): Promise<TaskSnapshot> {
  await stopCurrent();
  const r = await old.run(
    [
      'launch',
      '--repo',
      h.repo,
      '--title',
      title,
      '--prompt',
      'go [[quartet-demo:hang]]',
      '--attempts',
      '1',
      '--stall-timeout-ms',
      '600000',
      '--json',
    ],
    h.env,
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(info().buildId, old.stamp.buildId, 'the older build serves the repository');
  return JSON.parse(r.stdout) as TaskSnapshot;
}

test(
  'idle: a supervisor of an older build is replaced at once — new pid, this build in supervisor.json, the tasks still there',
  { timeout: 180_000 },
  async () => {
    const done = await h.client.launch({ title: 'before the update', prompt: 'go', attempts: 1 });
    await waitForTask(h.client, done.id);
    // The verdict and its review run after the attempt: wait until nothing runs.
    await until(async () => (await h.client.hello()).idle, 120_000, 'an idle supervisor');
    await stopCurrent();
    const old = olderInstall(mkdtempSync(join(h.dir, 'older-')));
    const status = await old.run(['status', '--repo', h.repo], h.env);
    assert.equal(status.code, 0, status.stderr);
    const before = info();
    assert.equal(before.buildId, old.stamp.buildId);
    assert.equal(before.apiVersion, API_VERSION);

    h.client = await connect();
    assert.equal(h.client.handshake.action, 'replaced');
    assert.equal(h.client.handshake.warning, null);
    const now = info();
    assert.notEqual(now.pid, before.pid, 'a new supervisor');
    assert.equal(now.buildId, NEW.buildId);
    assert.equal(isAlive(before.pid), false, 'the older one exited');
    const hello = await h.client.hello();
    assert.deepEqual(
      [hello.pid, hello.buildId, hello.apiVersion, hello.idle, hello.restartPending],
      [now.pid, NEW.buildId, API_VERSION, true, null],
    );
    const task = (await h.client.snapshot()).tasks.find((t) => t.id === done.id);
    assert.equal(task?.attempts[0]?.phase, 'finished', 'the task and its attempt survived the replacement');
    assert.ok(task?.attempts[0] && existsSync(task.attempts[0].worktree), 'its worktree too');
  },
);

test(
  'busy: kept while its attempt runs (warning on the client and the CLI), then it restarts and the next call gets this build',
  { timeout: 180_000 },
  async () => {
    const old = olderInstall(mkdtempSync(join(h.dir, 'older-')));
    const task = await olderRunsAHang(old, 'running through the update');
    const oldPid = info().pid;
    const client = await connect();
    h.client = client;
    assert.equal(client.handshake.action, 'keep');
    assert.ok(client.handshake.warning?.startsWith(UPDATED_WARNING), client.handshake.warning ?? '');
    assert.equal(info().pid, oldPid, 'the older supervisor keeps running the attempt');
    await waitForSnapshot(client, 60_000, (s) =>
      s.tasks.find((t) => t.id === task.id)?.attempts[0]?.phase === 'working' ? true : null,
    );
    const hello = await client.hello();
    assert.equal(hello.buildId, old.stamp.buildId);
    assert.equal(hello.attemptsRunning, true);
    assert.equal(hello.restartPending?.buildId, NEW.buildId, 'told by the newer client');

    const cli = await runCli(['status', '--repo', h.repo], h.env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr, /Quartet was updated; the supervisor restarts when its attempts end/);
    assert.match(cli.stdout, /running through the update/);

    await client.stop(task.attempts[0]!.id);
    await until(() => !isAlive(oldPid), 30_000, 'the older supervisor to restart once idle');
    const after = (await client.snapshot()).tasks.find((t) => t.id === task.id);
    assert.equal(after?.attempts[0]?.phase, 'stopped', 'the stopped attempt is still there');
    assert.equal(client.handshake.action, 'started');
    assert.equal(client.handshake.warning, null);
    const now = info();
    assert.equal(now.buildId, NEW.buildId);
    assert.notEqual(now.pid, oldPid);
    const cliAfter = await runCli(['status', '--repo', h.repo], h.env);
    assert.doesNotMatch(cliAfter.stderr, /Quartet was updated/);
  },
);

test(
  'busy with another API version: refused with what to do; the attempt runs on untouched; it restarts once idle',
  { timeout: 180_000 },
  async () => {
    const old = olderInstall(mkdtempSync(join(h.dir, 'older-')), { apiVersion: API_VERSION + 1 });
    const task = await olderRunsAHang(old, 'incompatible and busy');
    const oldPid = info().pid;
    await assert.rejects(connect(), (err: unknown) => {
      assert.ok(err instanceof SupervisorMismatchError, String(err));
      assert.match(err.message, /Quartet was updated/);
      assert.match(err.message, /quartet supervisor stop/);
      return true;
    });
    const cli = await runCli(['status', '--repo', h.repo], h.env);
    assert.equal(cli.code, 2, 'an environment error');
    assert.match(cli.stderr, /speaks an API this Quartet/);
    // `anyBuild` (what quartet supervisor stop uses) still reaches it: the attempt was never disturbed.
    const any = await connect({ anyBuild: true });
    h.client = any;
    const s = await waitForSnapshot(any, 60_000, (x) => x.tasks.find((t) => t.id === task.id)?.attempts[0] ?? null);
    assert.ok(['queued', 'preparing', 'starting', 'working'].includes(s.phase), s.phase);
    assert.equal(info().pid, oldPid);
    await any.stop(task.attempts[0]!.id);
    await until(() => !isAlive(oldPid), 30_000, 'the older supervisor to restart once idle');
    h.client = await connect();
    assert.equal(h.client.handshake.action, 'started');
    assert.equal(info().buildId, NEW.buildId);
    assert.equal((await h.client.snapshot()).tasks.find((t) => t.id === task.id)?.attempts[0]?.phase, 'stopped');
  },
);
