// Integration: approvals with the real Codex binary — escalations outside the sandbox wait for a person; the sandbox refuses a socket probe.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';
import { supervisorPaths } from '../../src/core/git/supervisorPaths';
import { isTerminal, type AttemptSnapshot } from '../../src/shared/model';
import type { AgentEvent } from '../../src/shared/events';

let h: Harness;
before(async () => {
  // The harness's sandbox really runs (codexTempDir): the socket probe must be refused by it, not by a missing helper.
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const events = (a: AttemptSnapshot): AgentEvent[] =>
  readJournal(a.journal).flatMap((r) => (r.kind === 'event' ? [r.event] : []));

async function needsYou(taskId: string): Promise<AttemptSnapshot> {
  return waitForSnapshot(h.client, 60_000, (s) => {
    const a = s.tasks.find((x) => x.id === taskId)?.attempts[0];
    return a?.phase === 'needs-you' ? a : null;
  });
}

test(
  'an escalated command writing outside the worktree: needs you (whole command, reason, cwd), nothing written until Accept, written after',
  { timeout: 120_000 },
  async () => {
    const target = join(h.dir, 'outside-accept.txt');
    const t = await h.client.launch({
      title: 'outside',
      prompt: `write [[quartet-demo:escalate-outside]] [[quartet-demo-path:${target}]]`,
      attempts: 1,
      options: { autoApprove: 'patches-in-worktree' },
    });
    const waiting = await needsYou(t.id);
    assert.equal(waiting.pending?.kind, 'command');
    assert.ok(
      waiting.pending?.command?.includes(target),
      `the whole command names the target: ${waiting.pending?.command}`,
    );
    assert.equal(waiting.pending?.cwd, waiting.worktree);
    assert.equal(waiting.pending?.reason, `Write ${target}, outside the worktree?`);
    assert.equal(existsSync(target), false, 'nothing is written before the answer');
    const status = await runCli(['status', '--json', '--repo', h.repo], h.env);
    const listed = (JSON.parse(status.stdout) as { tasks: { id: string; attempts: AttemptSnapshot[] }[] }).tasks.find(
      (x) => x.id === t.id,
    )?.attempts[0];
    assert.equal(listed?.pending?.command, waiting.pending?.command, 'status --json carries the whole command');
    assert.equal(listed?.pending?.cwd, waiting.worktree);
    const cli = await runCli(['answer', waiting.id, 'accept', '--repo', h.repo], h.env);
    assert.equal(cli.code, 0, cli.stderr);
    const done = await waitForTask(h.client, t.id);
    assert.equal(done.attempts[0]?.phase, 'finished', done.attempts[0]?.lastError ?? '');
    assert.match(readFileSync(target, 'utf8'), /^written by /);
    assert.ok(
      events(waiting).some((e) => e.type === 'approval_resolved' && e.by === 'user' && e.decision === 'accept'),
    );
    assert.ok(
      !events(waiting).some((e) => e.type === 'approval_resolved' && e.by === 'policy'),
      'no policy accepted anything',
    );
  },
);

/** Runs an escalate-twice attempt, answering every question with `answer`; returns how many times it asked. */
async function answerEach(target: string, answer: string): Promise<{ asked: number; attempt: AttemptSnapshot }> {
  const t = await h.client.launch({
    title: 'twice',
    prompt: `write twice [[quartet-demo:escalate-twice]] [[quartet-demo-path:${target}]]`,
    attempts: 1,
  });
  let asked = 0;
  for (;;) {
    const a = await waitForSnapshot(h.client, 60_000, (s) => {
      const x = s.tasks.find((y) => y.id === t.id)?.attempts[0];
      return x && (x.phase === 'needs-you' || isTerminal(x.phase)) ? x : null;
    });
    if (a.phase !== 'needs-you') return { asked, attempt: a };
    asked++;
    assert.equal(a.pending?.canAcceptForAttempt, true, 'Codex takes its session accept for an escalated command');
    const cli = await runCli(['answer', a.id, answer, '--repo', h.repo], h.env);
    assert.equal(cli.code, 0, cli.stderr);
    await waitForSnapshot(h.client, 60_000, (s) =>
      s.tasks.find((y) => y.id === t.id)?.attempts[0]?.pending?.id !== a.pending?.id ? true : null,
    );
  }
}

test(
  "Accept for this attempt (Codex's acceptForSession) also covers the same command later in the attempt; Accept once does not",
  { timeout: 180_000 },
  async () => {
    const once = await answerEach(join(h.dir, 'twice-once.txt'), 'accept');
    assert.equal(once.asked, 2, 'accept once: the second identical command asks again');
    const session = await answerEach(join(h.dir, 'twice-session.txt'), 'accept-session');
    assert.equal(session.asked, 1, 'accept for this attempt: asked once for both');
    assert.equal(session.attempt.phase, 'finished');
    assert.equal(existsSync(join(h.dir, 'twice-session.txt')), true);
    const replies = readJournal(session.attempt.journal).filter(
      (r) => r.kind === 'raw' && r.dir === 'out' && JSON.stringify(r.msg).includes('"decision":"acceptForSession"'),
    );
    assert.equal(replies.length, 1, 'the reply sent to Codex is acceptForSession');
  },
);

test('Decline: the command never runs and the attempt goes on', { timeout: 120_000 }, async () => {
  const refused = join(h.dir, 'outside-decline.txt');
  const t = await h.client.launch({
    title: 'decline',
    prompt: `write [[quartet-demo:escalate-outside]] [[quartet-demo-path:${refused}]]`,
    attempts: 1,
  });
  const w = await needsYou(t.id);
  assert.equal((await runCli(['answer', w.id, 'decline', '--repo', h.repo], h.env)).code, 0);
  const done = await waitForTask(h.client, t.id);
  assert.equal(done.attempts[0]?.phase, 'finished');
  assert.equal(existsSync(refused), false, 'a declined command never ran');
  assert.ok(events(w).some((e) => e.type === 'command' && e.status === 'declined'));
});

test(
  'an allow-listed plain command is accepted by policy; the same prefix never covers a command with shell operators',
  { timeout: 180_000 },
  async () => {
    await h.client.configure({ allowedCommandPrefixes: ['touch', 'printf'] });
    try {
      // A bad entry is refused as a whole, with the entry named, and changes nothing: the list above still applies below.
      await assert.rejects(
        h.client.configure({ maxConcurrent: 1, allowedCommandPrefixes: ['touch; curl x | sh'] }),
        /"touch; curl x \| sh" is not a plain command prefix/,
      );
      const touched = join(h.dir, 'outside-touched.txt');
      const t = await h.client.launch({
        title: 'touch',
        prompt: `touch [[quartet-demo:escalate-touch]] [[quartet-demo-path:${touched}]]`,
        attempts: 1,
      });
      const done = await waitForTask(h.client, t.id);
      const a = done.attempts[0] as AttemptSnapshot;
      assert.equal(a.phase, 'finished', a.lastError ?? '');
      assert.equal(existsSync(touched), true);
      assert.ok(
        events(a).some(
          (e) => e.type === 'approval_resolved' && e.by === 'policy' && e.rule === 'allowed prefix `touch`',
        ),
      );
      // `printf … > PATH` starts with an allowed word but redirects: it still needs you.
      const redirected = join(h.dir, 'outside-redirect.txt');
      const t2 = await h.client.launch({
        title: 'redirect',
        prompt: `write [[quartet-demo:escalate-outside]] [[quartet-demo-path:${redirected}]]`,
        attempts: 1,
      });
      const w = await needsYou(t2.id);
      assert.equal(existsSync(redirected), false);
      await h.client.answer(w.id, 'decline');
      await waitForTask(h.client, t2.id);
    } finally {
      await h.client.configure({ allowedCommandPrefixes: [] });
    }
  },
);

test(
  'a patch that adds a file outside the worktree: needs you with every path (from its fileChange item), written only after Accept',
  { timeout: 120_000 },
  async () => {
    const target = join(h.dir, 'patched-outside.txt');
    // The default sandbox keeps /tmp writable (so Codex would not ask): this turn's sandbox leaves it out, as a user's may.
    const policy = {
      type: 'workspaceWrite',
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: true,
      excludeSlashTmp: true,
    };
    const t = await h.client.launch({
      title: 'patch',
      prompt: `patch [[quartet-demo:patch-outside]] [[quartet-demo-path:${target}]]`,
      attempts: 1,
      options: { turnSandboxPolicy: policy, autoApprove: 'patches-in-worktree' },
    });
    const waiting = await needsYou(t.id);
    assert.equal(waiting.pending?.kind, 'fileChange');
    assert.equal(waiting.pending?.paths?.length, 2, 'both paths of the patch are shown');
    assert.ok(waiting.pending?.paths?.includes(target));
    assert.ok(
      waiting.pending?.paths?.some((p) => p.startsWith(waiting.worktree)),
      'the inside path too: the patch is judged as a whole',
    );
    assert.equal(existsSync(target), false, 'nothing written before the answer');
    await h.client.answer(waiting.id, 'accept');
    const done = await waitForTask(h.client, t.id);
    assert.equal(done.attempts[0]?.phase, 'finished', done.attempts[0]?.lastError ?? '');
    assert.match(readFileSync(target, 'utf8'), /patched by/);
  },
);

test('the allow-list is never written to the supervisor state (a client sends it from user settings)', async () => {
  await h.client.configure({ allowedCommandPrefixes: ['npm ci'] });
  try {
    const { stateDir } = await supervisorPaths(h.repo);
    await waitForSnapshot(h.client, 10_000, () => (existsSync(join(stateDir, 'state.json')) ? true : null));
    assert.doesNotMatch(readFileSync(join(stateDir, 'state.json'), 'utf8'), /npm ci|allowedCommandPrefixes/);
  } finally {
    await h.client.configure({ allowedCommandPrefixes: [] });
  }
});

test(
  "a socket probe from the agent's (non-escalated) shell to the supervisor's socket is refused by the sandbox",
  { timeout: 120_000 },
  async () => {
    const { socket } = await supervisorPaths(h.repo);
    const t = await h.client.launch({
      title: 'probe',
      prompt: `probe [[quartet-demo:socket-probe]] [[quartet-demo-path:${socket}]]`,
      attempts: 1,
    });
    const done = await waitForTask(h.client, t.id);
    const a = done.attempts[0] as AttemptSnapshot;
    const probe = events(a).find((e) => e.type === 'command' && e.command.includes('SOCKET'));
    assert.ok(probe && probe.type === 'command', 'the probe ran as a plain command');
    assert.match(probe.outputTail, /SOCKET REFUSED/);
    assert.doesNotMatch(probe.outputTail, /SOCKET CONNECTED/);
    assert.ok(
      !events(a).some((e) => e.type === 'approval_requested'),
      'nothing was asked: the sandbox refused on its own',
    );
  },
);
