// Integration: the supervisor is killed (-9) mid-run; the next client finds attempts interrupted, no strays, and Resume works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DIST, startHarness, supervisorPid, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { SupervisorClient } from '../../src/core/client/supervisorClient';
import { isAlive, pidsWithEnv } from '../../src/core/execution/processTree';
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

test(
  'kill -9 of the supervisor: attempts come back interrupted with worktree and journal, strays are ended, Resume continues the same thread',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'survive',
      prompt: 'work [[quartet-demo:hang-once]]',
      attempts: 2,
      options: { stallTimeoutMs: 600_000 },
    });
    const working = await waitForSnapshot(h.client, 60_000, (s) => {
      const task = s.tasks.find((x) => x.id === t.id);
      return task && task.attempts.every((a) => a.phase === 'working' && a.threadId) ? task : null;
    });
    // Resume needs the thread's rollout, which Codex writes a moment after the turn starts: a kill before that
    // leaves nothing to resume (Resume then fails saying so, and Retry starts a new thread). Kill after it.
    for (const a of working.attempts) await waitForRollout(h.env.CODEX_HOME as string, a.threadId as string);
    const info = JSON.parse(readFileSync(join(h.repo, '.git', 'quartet', 'supervisor.json'), 'utf8')) as {
      pid: number;
    };
    process.kill(info.pid, 'SIGKILL');
    while (isAlive(info.pid)) await new Promise((r) => setTimeout(r, 50));
    h.client.close();
    // Codex ends its own children when its stdin closes; a dev server started with setsid would not.
    // Stand in for one: a detached process tagged with the attempt, as every process of an attempt is.
    const stray = spawn('sleep', ['600'], {
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, [ATTEMPT_TAG]: working.attempts[1]!.id },
    });
    stray.unref();
    const orphans = pidsWithEnv(ATTEMPT_TAG, working.attempts[1]!.id);
    assert.ok(orphans.includes(stray.pid!), 'the stray is tagged');

    h.client = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    const back = (await h.client.snapshot()).tasks.find((x) => x.id === t.id)!;
    for (const a of back.attempts) {
      assert.equal(a.phase, 'interrupted');
      assert.equal(a.reason, 'supervisor_restart');
      assert.equal(a.worktree, working.attempts.find((w) => w.id === a.id)?.worktree);
      assert.ok(readJournal(a.journal).length > 0, 'journal intact');
    }
    for (let i = 0; i < 100 && orphans.some(isAlive); i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(orphans.filter(isAlive), [], 'the startup sweep ended the strays');

    const first = back.attempts[0]!;
    await h.client.resume(first.id);
    const done = await waitForTask(h.client, t.id, 60_000, (x) => x.attempts[0]?.phase === 'finished');
    const resumed = done.attempts[0]!;
    assert.deepEqual(resumed.threadIds, [first.threadId], 'Resume continued the same Codex thread');
    assert.ok(
      readJournal(resumed.journal).some(
        (r) => r.kind === 'raw' && (r.msg as { method?: string }).method === 'thread/resume',
      ),
    );
    assert.equal(resumed.filesChanged, 1);
    assert.equal(done.attempts[1]?.phase, 'interrupted', 'the other attempt waits for its own Resume/Retry');
  },
);

test(
  'a torn state.json after a crash: reported, set aside, and every task rebuilt from the journals (finished as they were, running ones resumable)',
  { timeout: 120_000 },
  async () => {
    const done = await h.client.launch({ title: 'finished before the crash', prompt: 'note', attempts: 1 });
    const finished = (await waitForTask(h.client, done.id)).attempts[0]!;
    assert.equal(finished.phase, 'finished');
    const t = await h.client.launch({
      title: 'running at the crash',
      prompt: 'work [[quartet-demo:hang-once]]',
      attempts: 1,
      options: { stallTimeoutMs: 600_000 },
    });
    const working = await waitForSnapshot(h.client, 60_000, (s) => {
      const a = s.tasks.find((x) => x.id === t.id)?.attempts[0];
      return a?.phase === 'working' && a.threadId ? a : null;
    });
    const stateDir = join(h.repo, '.git', 'quartet');
    const info = JSON.parse(readFileSync(join(stateDir, 'supervisor.json'), 'utf8')) as { pid: number };
    process.kill(info.pid, 'SIGKILL');
    while (isAlive(info.pid)) await new Promise((r) => setTimeout(r, 50));
    h.client.close();
    const stateFile = join(stateDir, 'state.json');
    const text = readFileSync(stateFile, 'utf8');
    writeFileSync(stateFile, text.slice(0, Math.floor(text.length / 2))); // a torn write

    h.client = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    const snap = await h.client.snapshot();
    const warning = snap.warnings.join('\n');
    assert.match(warning, /state file was unreadable .* moved to .*state\.json\.corrupt-\d+/);
    assert.match(warning, /rebuilt \d+ task\(s\) and \d+ attempt\(s\) from the journals/);
    assert.ok(
      readdirSync(stateDir).some((f) => f.startsWith('state.json.corrupt-')),
      'the torn file is kept for inspection',
    );
    const back = snap.tasks.find((x) => x.id === done.id)?.attempts[0];
    assert.equal(back?.phase, 'finished', 'a finished attempt comes back finished');
    assert.equal(back?.resultCommit, finished.resultCommit);
    assert.equal(snap.tasks.find((x) => x.id === done.id)?.title, 'finished before the crash');
    const cut = snap.tasks.find((x) => x.id === t.id)?.attempts[0];
    assert.equal(cut?.phase, 'interrupted');
    assert.equal(cut?.worktree, working.worktree);
    assert.equal(cut?.threadId, working.threadId);
    await h.client.resume(working.id);
    const resumed = (await waitForTask(h.client, t.id, 60_000, (x) => x.attempts[0]?.phase === 'finished'))
      .attempts[0]!;
    assert.deepEqual(resumed.threadIds, [working.threadId], 'Resume continued the same thread');
    assert.equal(resumed.filesChanged, 1);
  },
);

test('checks cut off by a supervisor restart run again (never "running" forever)', { timeout: 120_000 }, async () => {
  const t = await h.client.launch({
    title: 'slow checks',
    prompt: 'note',
    attempts: 1,
    options: { checkCommand: 'sleep 3 && echo checked' },
  });
  const running = await waitForTask(h.client, t.id, 60_000, (x) => x.attempts[0]?.checks?.state === 'running');
  const pid = supervisorPid(h.repo);
  await h.client.shutdown();
  h.client.close();
  while (pid && isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  const file = join(h.repo, '.git', 'quartet', 'state.json');
  assert.deepEqual(pidsWithEnv(ATTEMPT_TAG, running.attempts[0]!.id), [], 'the checks did not outlive the supervisor');
  assert.match(
    readFileSync(file, 'utf8'),
    /"state": "running",\s+"command": "sleep 3/,
    'the restart cut the checks off (recorded as running, not failed)',
  );
  h.client = await SupervisorClient.connect({ repo: h.repo, supervisorEntry: join(DIST, 'supervisor.js'), env: h.env });
  const done = await waitForTask(h.client, t.id, 60_000, (x) => x.attempts[0]?.checks?.state === 'passed');
  assert.equal(done.attempts[0]?.checks?.command, 'sleep 3 && echo checked');
  assert.equal(done.attempts[0]?.id, running.attempts[0]?.id);
});

/** Waits until Codex has written the rollout of `threadId` under `<CODEX_HOME>/sessions` (it names the file after the thread). */
async function waitForRollout(codexHome: string, threadId: string): Promise<void> {
  const found = (dir: string): boolean =>
    existsSync(dir) &&
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? found(join(dir, e.name)) : e.name.includes(threadId),
    );
  await waitUntil(() => found(join(codexHome, 'sessions')), 30_000, `Codex to write the rollout of thread ${threadId}`);
}
