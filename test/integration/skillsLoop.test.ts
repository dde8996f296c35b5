// Integration (supervisor + real Codex + demo model): accept an (edited) proposal → the next attempt gets it, Codex lists it, outcomes count it, Land retires the branch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, NODE_BIN, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { CodexClient } from '../../src/core/execution/codexClient';
import { SupervisorError } from '../../src/core/client/transport';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

/** Codex's own view of the worktree's skills (`skills/list`), as in skillsDelivery.test.ts. */
async function codexSkills(cwd: string): Promise<{ name: string; scope: string; path: string }[]> {
  const codex = new CodexClient(
    {
      argv: [join(NODE_BIN, 'codex'), 'app-server'],
      cwd,
      env: h.env,
      maxLineBytes: 16 << 20,
      readTimeoutMs: 30_000,
      tag: { name: 'QUARTET_ATTEMPT_ID', value: 'skills-loop' },
    },
    {
      onRaw: () => undefined,
      onNotification: () => undefined,
      onServerRequest: () => Promise.resolve({ decision: 'decline' }),
      onMalformed: () => undefined,
      onStderr: () => undefined,
      onExit: () => undefined,
    },
  );
  try {
    codex.start();
    await codex.request('initialize', {
      clientInfo: { name: 'quartet_test', title: 'Quartet test', version: '0.0.1' },
      capabilities: { experimentalApi: true },
    });
    codex.notify('initialized');
    const listed = await codex.request('skills/list', { cwds: [cwd], forceReload: true });
    const entry = (listed.data as { skills: { name: string; scope: string; path: string }[]; errors: unknown[] }[])[0];
    assert.deepEqual(entry?.errors, []);
    return entry?.skills ?? [];
  } finally {
    await codex.shutdown();
  }
}

test(
  'an accepted proposal reaches the next attempt at once, is recorded with its version, counted in outcomes, and lands',
  { timeout: 300_000 },
  async () => {
    // History to learn from: the same failure in three attempts, and a rework with a reason.
    const t = await h.client.launch({
      title: 'Widget',
      prompt: 'do it [[quartet-demo:failing-command]]',
      attempts: 3,
      options: { checkCommand: '' },
    });
    const done = await waitForTask(h.client, t.id, 120_000, (x) =>
      x.attempts.every((a) => a.phase === 'finished' && a.checks !== null),
    );
    await h.client.rework(done.attempts[0]!.id, 'it ignored the widget error');
    const out = await h.client.distill({ env: h.env });
    assert.equal(out.status, 'proposed', JSON.stringify(out).slice(0, 400));
    const review = out.review!;
    assert.deepEqual(
      review.proposals.map((p) => [p.id, p.name, p.state]),
      [['p1', 'recurring-failure', 'pending']],
    );
    assert.ok(
      review.evidence.some((e) => e.refs.some((r) => r.openable && r.journal && r.line)),
      'evidence points at journal lines',
    );
    // The panel and the diff review read the same state from the supervisor.
    assert.equal((await h.client.skills()).review?.proposals[0]?.state, 'pending');

    // An edit that breaks the SKILL.md is refused and writes nothing; the proposal stays pending.
    await assert.rejects(
      h.client.decideProposals(review.id, [{ proposalId: 'p1', decision: 'accept', content: 'no front matter' }]),
      (e: unknown) => e instanceof SupervisorError && /invalid SKILL\.md/.test(e.message),
    );
    assert.equal(git(h.repo, 'branch', '--list', 'quartet/skills/*'), '');
    assert.equal((await h.client.skills()).review?.proposals[0]?.state, 'pending');
    // Accept with the reviewer's edit (what Edit in the diff produces).
    const edited = `${review.proposals[0]!.content.trimEnd()}\nEdited by the reviewer.\n`;
    const decided = await h.client.decideProposals(review.id, [
      { proposalId: 'p1', decision: 'accept', content: edited },
    ]);
    const branch = decided.branch!;
    assert.match(branch, /^quartet\/skills\/\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual([decided.proposals[0]!.state, decided.proposals[0]!.branch], ['accepted', branch]);
    assert.equal(git(h.repo, 'show', `${branch}:.agents/skills/recurring-failure/SKILL.md`), edited.trim());
    await assert.rejects(
      h.client.decideProposals(review.id, [{ proposalId: 'p1', decision: 'reject' }]),
      (e: unknown) => e instanceof SupervisorError && /already accepted/.test(e.message),
    );
    const before = await h.client.skills();
    const listed = before.skills.find((s) => s.name === 'recurring-failure');
    assert.deepEqual([listed?.source, listed?.branch], ['accepted', branch]);
    assert.deepEqual(
      before.branches.map((b) => [b.branch, b.merged, b.skills]),
      [[branch, false, ['recurring-failure']]],
    );

    // The next attempt: the skill is in its worktree, hidden from git, recorded, journaled, and listed by Codex.
    const next = await h.client.launch({
      title: 'Note',
      prompt: 'Add a short note file about the greeter.',
      attempts: 1,
      options: { checkCommand: '' },
    });
    const finished = await waitForTask(h.client, next.id, 120_000, (x) =>
      x.attempts.every((a) => a.phase === 'finished' && a.checks !== null),
    );
    const a = finished.attempts[0]!;
    assert.equal(readFileSync(join(a.worktree, '.agents/skills/recurring-failure/SKILL.md'), 'utf8'), edited);
    assert.deepEqual(
      a.skills.find((s) => s.name === 'recurring-failure'),
      { name: 'recurring-failure', source: 'accepted', version: listed?.version },
    );
    assert.ok(a.skills.some((s) => s.name === 'commit' && s.source === 'builtin'));
    assert.equal(git(a.worktree, 'status', '--porcelain', '--untracked-files=all'), '');
    assert.ok(
      !git(h.repo, 'diff', '--name-only', `${a.base}..${a.branch}`).includes('.agents'),
      'the skill is not part of the attempt’s commit',
    );
    const journaled = (await h.client.journal(a.id)).find((r) => r.kind === 'event' && r.event.type === 'skills');
    assert.ok(
      journaled &&
        journaled.kind === 'event' &&
        journaled.event.type === 'skills' &&
        journaled.event.skills.some((s) => s.source === 'accepted'),
    );
    const codex = await codexSkills(a.worktree);
    assert.ok(
      codex.some(
        (s) =>
          s.name === 'recurring-failure' &&
          s.scope === 'repo' &&
          s.path === join(a.worktree, '.agents/skills/recurring-failure/SKILL.md'),
      ),
      JSON.stringify(codex),
    );

    // Outcomes: the attempt that had it, against the attempts of the same period without it (none here).
    const outcome = (await h.client.skills()).outcomes.find((o) => o.name === 'recurring-failure');
    assert.deepEqual(
      outcome?.attempts.map((x) => x.attemptId),
      [a.id],
    );
    assert.deepEqual([outcome?.with.attempts, outcome?.with.finished, outcome?.version], [1, 1, listed?.version]);

    // Land the skills branch: main gets the skill, the branch goes, the catalog calls it the repo's own.
    const landed = await h.client.landSkills(branch);
    assert.equal(landed.status, 'landed', landed.message);
    assert.equal(landed.deleted, true);
    assert.equal(git(h.repo, 'show', 'main:.agents/skills/recurring-failure/SKILL.md'), edited.trim());
    assert.equal(git(h.repo, 'status', '--porcelain'), '', 'the clean checkout was fast-forwarded');
    const after = await h.client.skills();
    assert.equal(after.skills.find((s) => s.name === 'recurring-failure')?.source, 'repo');
    assert.equal(
      after.skills.find((s) => s.name === 'recurring-failure')?.version,
      listed?.version,
      'same text, same version',
    );
    assert.deepEqual(after.branches, []);
    await assert.rejects(
      h.client.landSkills('main'),
      (e: unknown) => e instanceof SupervisorError && e.code === 'usage',
    );
  },
);
