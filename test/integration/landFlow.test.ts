// Integration: scorecard after four real attempts, land the recommended one locally, rework another — via supervisor and CLI.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { git, runCli, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';
import type { TaskScore } from '../../src/core/contract/land';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli([...args, '--repo', h.repo], h.env);
}

// Scored = every check in and the verdict on these attempts given (the ★ waits for both).
const scored = (t: {
  attempts: { checks: { state: string } | null; phase: string }[];
  verdict?: { state: string } | null;
}): boolean =>
  t.attempts.every((a) => a.phase === 'finished' && a.checks !== null && a.checks.state !== 'running') &&
  t.verdict?.state === 'done';

test(
  'four attempts are scored on checks and diff; the recommended one lands on main; siblings are archived',
  { timeout: 240_000 },
  async () => {
    const before = git(h.repo, 'rev-parse', 'HEAD');
    const launched = await h.client.launch({ title: 'Add a note', prompt: 'Add a short note file.', attempts: 4 });
    const task = await waitForTask(h.client, launched.id, 180_000, scored);
    for (const a of task.attempts) {
      assert.equal(a.checks?.state, 'passed', `the checks ran in ${a.id}: ${a.checks?.summary.join(' | ')}`);
      // What `npm test` runs, read from package.json at the attempt's base (not from its worktree), run in Codex's sandbox.
      assert.equal(a.checks?.command, 'node --test');
      assert.equal(a.checks?.source, `package.json "test" at ${a.base.slice(0, 8)}`);
      assert.equal(a.checks?.sandboxed, true);
      assert.deepEqual(a.diffStat && a.diffStat.files, 1);
      assert.equal(a.conflicts?.withBase, false);
    }
    const recommended = task.attempts.filter((a) => a.recommended);
    assert.equal(recommended.length, 1);
    assert.equal(task.recommended, recommended[0]?.id);
    const events = readJournal(task.attempts[0]!.journal).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
    assert.ok(
      events.some((e) => e.type === 'checks' && e.ok),
      'check output is journaled',
    );

    const score = await cli(['score', task.id, '--json']);
    assert.equal(score.code, 0, score.stderr);
    const card = JSON.parse(score.stdout) as TaskScore;
    assert.equal(card.recommended, task.recommended);
    assert.equal(card.ranked.length, 4);
    assert.ok(
      card.ranked[0]?.reasons.some((r) => /checks pass/.test(r)),
      JSON.stringify(card.ranked[0]),
    );

    const winner = recommended[0]!;
    const landed = await cli(['land', winner.id, '--json']);
    assert.equal(landed.code, 0, landed.stdout + landed.stderr);
    assert.equal(JSON.parse(landed.stdout).status, 'landed');
    const after = git(h.repo, 'rev-parse', 'HEAD');
    assert.notEqual(after, before, 'main advanced');
    assert.equal(git(h.repo, 'rev-parse', 'main'), after, 'the clean checkout on main was fast-forwarded');
    assert.equal(git(h.repo, 'status', '--porcelain'), '');
    const changed = git(h.repo, 'diff', '--name-only', `${before}..${after}`);
    assert.equal(
      changed,
      git(h.repo, 'diff', '--name-only', `${winner.base}..${winner.resultCommit}`),
      "main holds exactly the winner's change",
    );
    assert.match(git(h.repo, 'log', '-1', '--format=%an|%s%n%b'), /^Quartet\|Add a note[\s\S]*Quartet-Attempt: /);

    const final = (await h.client.snapshot()).tasks.find((t) => t.id === task.id)!;
    assert.equal(final.state, 'landed');
    assert.equal(final.landing?.status, 'landed');
    const steps = [...new Set(final.landing?.steps.map((s) => s.step))];
    assert.deepEqual(steps.slice(0, 2), ['prepare', 'merge']);
    assert.ok(steps.includes('advance'), steps.join(' → '));
    for (const a of final.attempts) {
      assert.ok(a.archived, `${a.id} archived after the land`);
      assert.ok(existsSync(a.archived.patch));
      assert.equal(existsSync(a.worktree), false, 'worktree removed');
      assert.equal(git(h.repo, 'branch', '--list', a.branch), '', 'branch deleted');
    }
    assert.ok(final.attempts.find((a) => a.id === winner.id)?.landed?.commit);
    const again = await cli(['land', winner.id]);
    assert.equal(again.code, 2, 'landing twice is refused with a usage error');
  },
);

test(
  'rework: archive with the reason and a post-mortem, then a fresh attempt whose prompt carries them',
  { timeout: 180_000 },
  async () => {
    const launched = await h.client.launch({
      title: 'Broken',
      prompt: 'x [[quartet-demo:failing-command]]',
      attempts: 1,
      options: { checkCommand: '' },
    });
    const done = await waitForTask(h.client, launched.id, 120_000, scored);
    const first = done.attempts[0]!;
    const r = await cli(['rework', first.id, '--reason', 'It ignored the widget error', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { archived, newAttemptId } = JSON.parse(r.stdout) as { archived: string; newAttemptId: string };
    assert.ok(existsSync(archived));
    assert.match(readFileSync(archived, 'utf8'), /notes\//, "the patch holds the attempt's work");
    assert.equal(newAttemptId, `${launched.id}-2`);
    const after = await waitForTask(
      h.client,
      launched.id,
      120_000,
      (t) => t.attempts.length === 2 && scored({ ...t, attempts: [t.attempts[1]!] }),
    );
    const [old, fresh] = after.attempts;
    assert.match(old?.archived?.reason ?? '', /It ignored the widget error/);
    assert.match(old?.archived?.postMortem ?? '', /widget missing/);
    assert.equal(fresh?.reworkOf, old?.id);
    assert.equal(fresh?.branch, `quartet/${after.key}/2`);
    const sent = readJournal(fresh!.journal).find(
      (x) => x.kind === 'raw' && (x.msg as { method?: string }).method === 'turn/start',
    );
    assert.match(JSON.stringify(sent), /It ignored the widget error/);
    assert.match(JSON.stringify(sent), /widget missing/);
  },
);
