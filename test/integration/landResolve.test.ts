// Integration (real git, real Codex, demo model): re-checks when the base moved, Resolve with agent, flags after a land, follow-ups.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, runCli, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { commitFiles, makeRemoteAndClone } from '../support/bareRemote';
import { readJournal } from '../../src/core/observability/journal';
import { SupervisorError } from '../../src/core/client/transport';
import { shortId } from '../../demo/demoScript';
import type { LandProgress, TaskSnapshot } from '../../src/shared/model';

let h: Harness;
let origin: string;
before(async () => {
  // The user's checkout is a clone of a bare `origin`: a local land never pushes.
  h = await startHarness({
    makeRepo: (dir) => {
      const r = makeRemoteAndClone(dir);
      origin = r.bare;
      return r.clone;
    },
  });
});
after(async () => {
  await h?.cleanup();
});

const scored = (t: TaskSnapshot): boolean =>
  t.attempts.every((a) => a.phase === 'finished' && a.checks !== null && a.checks.state !== 'running') &&
  t.verdict?.state === 'done';
const status = (p: LandProgress, step: string): string | undefined =>
  p.steps.filter((s) => s.step === step && s.status !== 'running').at(-1)?.status;
const sent = (journal: string, method: string): string[] =>
  readJournal(journal).flatMap((r) =>
    r.kind === 'raw' && r.dir === 'out' && (r.msg as { method?: string }).method === method
      ? [JSON.stringify(r.msg)]
      : [],
  );

async function launchOne(title: string, prompt: string, options: Record<string, unknown> = {}): Promise<TaskSnapshot> {
  const t = await h.client.launch({ title, prompt, attempts: 1, options });
  return waitForTask(h.client, t.id, 120_000, scored);
}

async function attemptNow(id: string): Promise<TaskSnapshot['attempts'][number]> {
  const s = await h.client.snapshot();
  const a = s.tasks.flatMap((t) => t.attempts).find((x) => x.id === id);
  assert.ok(a, id);
  return a;
}

test(
  'base moved since the checks ran → the land re-runs them on the merged result (fails, then passes)',
  { timeout: 240_000 },
  async () => {
    const task = await launchOne('Recheck', 'Add a short note file.', {
      checkCommand: 'test ! -f PERSON.md && npm test',
    });
    const a = task.attempts[0]!;
    assert.equal(a.checks?.state, 'passed', "in the attempt's own tree the checks pass");
    const moved = commitFiles(h.repo, { 'PERSON.md': 'a person was here\n' }, 'a person commits meanwhile');
    const refused = await h.client.land(a.id);
    assert.equal(refused.status, 'checks_failed', refused.message);
    assert.equal(status(refused, 'checks'), 'failed', 'the checks ran again, on attempt + base');
    assert.match(
      refused.steps.filter((s) => s.step === 'checks').at(-1)?.detail ?? '',
      /^`test ! -f PERSON\.md && npm test` in the sandbox \(quartet-checks\) failed/,
      'the step names the check that ran',
    );
    assert.equal(git(h.repo, 'rev-parse', 'main'), moved, 'the base did not move');

    git(h.repo, 'rm', '-q', 'PERSON.md');
    git(h.repo, 'commit', '-qm', 'the person takes it back');
    const undone = git(h.repo, 'rev-parse', 'main');
    const landed = await h.client.land(a.id);
    assert.equal(landed.status, 'landed', landed.message);
    assert.equal(status(landed, 'checks'), 'ok');
    assert.match(
      landed.steps.filter((s) => s.step === 'checks').at(-1)?.detail ?? '',
      /^`test ! -f PERSON\.md && npm test` in the sandbox \(quartet-checks\) passed in \d+ ms$/,
    );
    assert.equal(git(h.repo, 'log', '-1', '--format=%P', 'main'), undone);
    assert.equal(
      git(h.repo, 'diff', '--name-only', `${undone}..main`),
      git(h.repo, 'diff', '--name-only', `${a.base}..${a.resultCommit}`),
    );
  },
);

test(
  'after a land, a live attempt of another task that now conflicts is flagged; Resolve with agent resolves it and lands both changes',
  { timeout: 300_000 },
  async () => {
    const [ta, tb] = await Promise.all([
      launchOne('Shared A', 'Write the shared note. [[quartet-demo:shared-file]]'),
      launchOne('Shared B', 'Write the shared note too. [[quartet-demo:shared-file]]'),
    ]);
    const a = ta.attempts[0]!;
    const b = tb.attempts[0]!;
    assert.equal(b.conflicts?.withBase, false, 'before A lands, B merges cleanly');

    const landedA = await h.client.land(a.id);
    assert.equal(landedA.status, 'landed', landedA.message);
    assert.equal(status(landedA, 'checks'), 'skipped', 'the base did not move: the checks A passed still hold');

    const flagged = await attemptNow(b.id);
    assert.deepEqual(flagged.conflicts?.withBase, true);
    assert.deepEqual(flagged.conflicts?.files, ['notes/shared.md']);
    assert.match(flagged.lastEvent ?? '', /now conflicts with main in notes\/shared\.md/);
    assert.ok(
      readJournal(b.journal).some(
        (r) => r.kind === 'event' && r.event.type === 'warning' && /now conflicts with main/.test(r.event.message),
      ),
    );

    const conflict = await h.client.land(b.id);
    assert.equal(conflict.status, 'conflict');
    assert.deepEqual(conflict.conflictFiles, ['notes/shared.md']);
    const mainBefore = git(h.repo, 'rev-parse', 'main');

    const cli = await runCli(['land', b.id, '--resolve', '--json', '--repo', h.repo], h.env);
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    const resolved = JSON.parse(cli.stdout) as LandProgress;
    assert.equal(resolved.status, 'landed', resolved.message);
    assert.deepEqual(
      ['merge-base', 'resolve', 'verify', 'recheck', 'prepare', 'merge', 'checks', 'advance', 'done'].map(
        (s) => `${s}:${status(resolved, s)}`,
      ),
      [
        'merge-base:ok',
        'resolve:ok',
        'verify:ok',
        'recheck:ok',
        'prepare:ok',
        'merge:ok',
        'checks:skipped',
        'advance:ok',
        'done:ok',
      ],
    );
    assert.match(
      resolved.steps.find((s) => s.step === 'merge-base' && s.status === 'ok')?.detail ?? '',
      /conflicts in notes\/shared\.md/,
    );

    const note = readFileSync(join(h.repo, 'notes', 'shared.md'), 'utf8');
    assert.doesNotMatch(note, /<<<<<<<|>>>>>>>|=======/);
    const [idA, idB] = [shortId(a.threadId ?? ''), shortId(b.threadId ?? '')];
    assert.match(note, new RegExp(`Written by attempt ${idA}\\.`), "main keeps A's line");
    assert.match(note, new RegExp(`Written by attempt ${idB}\\.`), "and gains B's");
    assert.equal(git(h.repo, 'log', '-1', '--format=%P', 'main'), mainBefore);
    assert.match(
      git(h.repo, 'log', '-1', '--format=%an|%s%n%b', 'main'),
      /^Quartet\|Shared B\n[\s\S]*Add demo note/,
      "the land message is the attempt's, not the merge's",
    );

    const after = await attemptNow(b.id);
    assert.equal(after.followUps.length, 1);
    assert.equal(after.followUps[0]?.reason, 'resolve-conflicts');
    assert.equal(after.followUps[0]?.outcome, 'completed');
    assert.deepEqual(after.threadIds, [b.threadId], "the follow-up continued the attempt's own thread");
    assert.ok(after.landed);
    assert.equal(sent(b.journal, 'thread/resume').length, 1);
    assert.equal(
      git(origin, 'rev-parse', 'main'),
      git(h.repo, 'rev-parse', 'origin/main'),
      'origin was never pushed to',
    );
    assert.notEqual(git(origin, 'rev-parse', 'main'), git(h.repo, 'rev-parse', 'main'));
    const turns = sent(b.journal, 'turn/start');
    assert.equal(turns.length, 2);
    assert.match(turns[1] ?? '', /Resolve the merge conflicts in:\\n- notes\/shared.md/);
  },
);

test(
  'the agent leaves conflict markers → the merge is aborted, the worktree is back where it was, the attempt says why',
  { timeout: 240_000 },
  async () => {
    const task = await launchOne('Stubborn', 'Write the shared note. [[quartet-demo:keep-markers]]');
    const a = task.attempts[0]!;
    mkdirSync(join(h.repo, 'notes'), { recursive: true });
    const moved = commitFiles(
      h.repo,
      { 'notes/shared.md': '# Shared note\n\nRewritten by a person.\n' },
      'a person rewrites the note',
    );
    assert.equal((await h.client.land(a.id)).status, 'conflict');

    const r = await h.client.resolve(a.id);
    assert.equal(r.status, 'failed');
    assert.match(r.message, /left conflict markers in notes\/shared\.md/);
    assert.equal(status(r, 'resolve'), 'ok');
    assert.equal(status(r, 'verify'), 'failed');
    assert.equal(status(r, 'abort'), 'ok');
    assert.equal(git(h.repo, 'rev-parse', 'main'), moved, 'the base did not move');

    const back = await attemptNow(a.id);
    assert.equal(back.phase, 'finished', 'the attempt keeps its result and stays landable');
    assert.equal(back.resultCommit, a.resultCommit);
    assert.equal(back.base, a.base);
    assert.match(back.lastError ?? '', /left conflict markers in notes\/shared\.md \(line \d/);
    assert.match(back.lastError ?? '', /merge was aborted and the worktree is back at/);
    assert.equal(back.followUps.at(-1)?.outcome, 'rejected');
    assert.equal(back.conflicts?.withBase, true, 'still conflicting, so still resolvable');
    assert.equal(git(a.worktree, 'rev-parse', 'HEAD'), a.resultCommit);
    assert.equal(git(a.worktree, 'status', '--porcelain'), '');
    assert.throws(() => git(a.worktree, 'rev-parse', '-q', '--verify', 'MERGE_HEAD'), 'no merge in progress');
    const patch = /saved in (\S+\.patch)/.exec(back.lastError ?? '')?.[1];
    assert.ok(patch && existsSync(patch), 'what the agent left is kept');
    assert.match(readFileSync(patch, 'utf8'), /<<<<<<< /);
  },
);

test(
  'follow-up: one more turn on the same thread, committed and re-checked; without a thread → a clear usage error',
  { timeout: 240_000 },
  async () => {
    const task = await launchOne('Follow me', 'Add a short note file.');
    const a = task.attempts[0]!;
    const r = await h.client.followUp(a.id, 'Also write the shared note. [[quartet-demo:shared-file]]', 'more-work');
    assert.equal(r.status, 'completed', r.message);
    assert.notEqual(r.commit, a.resultCommit);
    assert.equal(r.checks?.state, 'passed');
    const after = await attemptNow(a.id);
    assert.equal(after.phase, 'finished');
    assert.equal(after.resultCommit, r.commit);
    assert.equal(after.filesChanged, 2);
    assert.deepEqual(after.threadIds, [a.threadId]);
    assert.deepEqual(
      after.followUps.map((f) => [f.reason, f.outcome]),
      [['more-work', 'completed']],
    );
    assert.notEqual(after.checks?.at, a.checks?.at, 'the checks ran again');
    assert.match(sent(a.journal, 'turn/start')[1] ?? '', /Also write the shared note/);
    // The trace shows what was said (journaled with who asked), and the demo model's answer quotes it: it reached the model.
    const events = readJournal(a.journal).flatMap((x) => (x.kind === 'event' ? [x.event] : []));
    assert.ok(
      events.some(
        (e) =>
          e.type === 'user_message' &&
          e.reason === 'more-work' &&
          e.text === 'Also write the shared note. [[quartet-demo:shared-file]]',
      ),
    );
    const said = events.flatMap((e) => (e.type === 'agent_message' ? [e.text] : [])).at(-1) ?? '';
    assert.match(said, /Follow-up received: "Also write the shared note\./);

    const broken = await h.client.launch({
      title: 'No Codex',
      prompt: 'x',
      attempts: 1,
      options: { codexCommand: 'false' },
    });
    const failed = (await waitForTask(h.client, broken.id, 60_000)).attempts[0]!;
    assert.equal(failed.phase, 'failed');
    assert.equal(failed.threadId, null);
    await assert.rejects(
      h.client.followUp(failed.id, 'try again', 'more-work'),
      (e: unknown) =>
        e instanceof SupervisorError && e.code === 'usage' && /never started a Codex thread/.test(e.message),
    );
    const cli = await runCli(['land', failed.id, '--resolve', '--repo', h.repo], h.env);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /failed with no committed result/);
    assert.equal((await attemptNow(failed.id)).phase, 'failed', 'nothing changed');
  },
);
