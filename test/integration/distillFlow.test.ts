// Integration: "quartet distill" on an empty history says so; after repeated failures and a rework it proposes, and applies to a branch.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { git, runCli, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { parseSkillMarkdown } from '../../src/core/skills/frontMatter';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

function cli(
  args: string[],
  env: Record<string, string> = h.env,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return runCli([...args, '--repo', h.repo], env);
}

test('distill on an empty history says so plainly and proposes nothing', { timeout: 60_000 }, async () => {
  const r = await cli(['distill', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { status: string; message: string };
  assert.equal(out.status, 'not_enough_evidence');
  assert.match(out.message, /not enough|no .*evidence|nothing/i);
});

test(
  'a failure repeated across attempts plus a rework reason becomes a cited proposal, applied on quartet/skills/<date>',
  { timeout: 240_000 },
  async () => {
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
    const secretEnv = { ...h.env, GITHUB_TOKEN: 'ghp_distillsecret_0123456789' };
    const r = await cli(['distill', '--apply', 'all', '--json'], secretEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes('ghp_distillsecret_0123456789'));
    const out = JSON.parse(r.stdout) as {
      status: string;
      proposals: { path: string; content: string; provenance: string[] }[];
      evidence: {
        id: string;
        title: string;
        count: number;
        attempts: string[];
        provenance: { attemptId: string; seq?: number }[];
      }[];
      applied: { branch: string; files: string[] } | null;
    };
    assert.equal(out.status, 'proposed');
    const top = out.evidence[0]!;
    assert.match(top.title, /widget missing/);
    assert.ok(top.count >= 3, `the error recurs in the three attempts (${top.count})`);
    // The rework's fresh attempt runs the same failing command: on a slow machine its failure may already count.
    for (const a of done.attempts)
      assert.ok(top.attempts.includes(a.id), `${a.id} is cited: ${top.attempts.join(', ')}`);
    assert.ok(new Set(top.attempts).size <= 4, top.attempts.join(', '));
    assert.ok(top.provenance.every((p) => p.attemptId.startsWith(t.id)));
    const proposal = out.proposals[0]!;
    assert.deepEqual(proposal.provenance, [top.id]);
    assert.match(out.applied?.branch ?? '', /^quartet\/skills\/\d{4}-\d{2}-\d{2}/);
    const file = git(h.repo, 'show', `${out.applied!.branch}:${proposal.path}`);
    assert.equal(file.trim(), proposal.content.trim());
    assert.equal(parseSkillMarkdown(file, 'recurring-failure').ok, true, 'a valid SKILL.md');
    assert.equal(git(h.repo, 'status', '--porcelain'), '', 'the checkout is untouched');
  },
);
