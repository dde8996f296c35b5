// The demo's French-greeting task, end to end with real Codex: four attempts that differ like real ones, judged by evidence.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scoreAttempts } from '../../src/core/verdict/scorecard';
import type { TaskSnapshot } from '../../src/shared/model';
import { DIST, git, startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

test(
  "greet in French: no ★ until judged; #2 (smallest diff, green on its own test) fails #1's tests; the ★ goes to #1",
  { timeout: 300_000 },
  async () => {
    const t = await h.client.launch({
      title: 'French greetings',
      prompt: "Let greet() take a language: greet('Ada', 'fr') says Bonjour.",
      attempts: 4,
    });
    const stars: string[] = [];
    const unsubscribe = h.client.onSnapshot((s) => {
      const task = s.tasks.find((x) => x.id === t.id);
      // The ★ must never show before the verdict on the finished attempts is in.
      if (task?.recommended && task.verdict?.state !== 'done')
        stars.push(`${task.recommended} while ${task.verdict?.state ?? 'no verdict'}`);
    });
    await waitForTask(h.client, t.id, 240_000);
    const done: TaskSnapshot = await waitForSnapshot(h.client, 180_000, (s) => {
      const task = s.tasks.find((x) => x.id === t.id);
      return task &&
        task.attempts.every((a) => a.checks && a.checks.state !== 'running') &&
        task.verdict?.state === 'done'
        ? task
        : null;
    });
    unsubscribe.dispose();
    const [a1, a2, a3, a4] = done.attempts.map((a) => a.id);
    assert.deepEqual(
      done.attempts.map((a) => a.checks?.state),
      ['passed', 'passed', 'passed', 'failed'],
    );
    assert.deepEqual(stars, [], 'no ★ before the verdict');
    // Each attempt's own checks, per test (node --test's TAP): #1 adds three tests to the repo's own; #4 breaks English ones.
    const [t1, , , t4] = done.attempts.map((a) => a.checks?.tests);
    assert.ok(t1 && t1.passed === t1.total && t1.total >= 4, JSON.stringify(t1));
    assert.ok(t4 && t4.passed < t4.total && t4.failed.length === t4.total - t4.passed, JSON.stringify(t4));
    assert.ok(
      done.attempts[3]!.score!.reasons.some((r) =>
        r.startsWith(`its own checks fail (${t4.total - t4.passed} of ${t4.total} tests fail`),
      ),
      JSON.stringify(done.attempts[3]!.score),
    );

    // What the size-based scorecard alone would pick: every passing attempt looks right, the smallest diff wins.
    const old = scoreAttempts(
      done.attempts.map((a) => ({
        attemptId: a.id,
        phase: a.phase,
        checks: { ok: a.checks?.state === 'passed' },
        conflictsWithBase: false,
        filesChanged: a.diffStat?.files ?? 0,
        linesAdded: a.diffStat?.added ?? 0,
        linesRemoved: a.diffStat?.removed ?? 0,
        tokensTotal: a.tokens.total,
        durationMs: null,
      })),
    );
    assert.equal(old.recommended, a2, 'the old rule recommends the wrong attempt');

    const v = done.verdict!;
    assert.equal(done.recommended, a1);
    // #1 and #3 are both right; only #1's own tests order them: a close call, and it says so.
    assert.equal(v.confidence, 'close');
    assert.deepEqual(
      v.entries.map((e) => e.attemptId),
      [a1, a3, a2, a4],
    );
    const cell = (tests: string, code: string) => v.matrix.find((c) => c.tests === tests && c.code === code)!;
    assert.equal(cell(a1!, a2!).ok, false);
    assert.deepEqual(cell(a1!, a2!).failedTests, ['trims names in French too'], JSON.stringify(v.matrix));
    assert.equal(cell(a1!, a3!).ok, true);
    assert.equal(cell(a2!, a1!).ok, true);
    assert.equal(v.headline, 'close call: #1 and #3 have the same evidence; #1 adds its own tests');
    // Each row leads with its evidence: the wrong attempt says which tests it fails.
    assert.match(done.attempts[1]!.score!.reasons[0]!, /^fails #1's tests \(trims names in French too\)/);
    assert.equal(done.attempts[0]!.recommended, true);

    // One read-only review per attempt; every citation is a real line of that attempt's file at its result commit.
    const reviews = v.reviews ?? [];
    assert.deepEqual(
      reviews.map((r) => [r.attemptId, r.state, r.uncited]),
      done.attempts.map((a) => [a.id, 'done', 0]),
    );
    for (const r of reviews) {
      const attempt = done.attempts.find((a) => a.id === r.attemptId)!;
      assert.equal(r.commit, attempt.resultCommit);
      for (const cite of [...r.requirements, ...r.findings].map((x) => x.cite)) {
        assert.ok(cite, `${r.attemptId}: every demo finding cites a line`);
        const fileLines = git(h.repo, 'show', `${r.commit}:${cite.file}`).split('\n');
        assert.equal(
          fileLines[cite.line - 1]?.trim(),
          cite.text,
          `${r.attemptId} cites ${cite.file}:${cite.line} as it is in the attempt's commit`,
        );
      }
    }
    const blocker = reviews[1]!.findings.find((f) => f.severity === 'blocker');
    assert.ok(
      blocker?.cite && blocker.cite.file === 'index.js' && blocker.cite.text.includes('${name}'),
      JSON.stringify(reviews[1]),
    );
    assert.ok(
      v.entries
        .find((e) => e.attemptId === a2)!
        .against.some(
          (x) => x.startsWith('review: greets with the raw name') && x.endsWith(`(index.js:${blocker!.cite!.line})`),
        ),
    );
    assert.deepEqual(reviews[0]!.findings, [], "#1's review finds nothing wrong");

    // The CLI carries the matrix, the per-attempt lines, the reviews and the confidence.
    const json = execFileSync(process.execPath, [join(DIST, 'cli.js'), 'score', t.id, '--json', '--repo', h.repo], {
      env: h.env,
      encoding: 'utf8',
    });
    const card = JSON.parse(json) as {
      recommended: string;
      verdict: {
        confidence: string;
        matrix: unknown[];
        entries: { line: string }[];
        reviews: { attemptId: string; findings: unknown[] }[];
      };
    };
    assert.deepEqual(
      card.verdict.reviews.map((r) => r.attemptId),
      [a1, a2, a3, a4],
    );
    assert.equal(card.recommended, a1);
    assert.equal(card.verdict.confidence, 'close');
    assert.equal(card.verdict.matrix.length, 6, '#1 and #2 wrote tests: each against the three others');
    assert.match(card.verdict.entries[2]!.line, /^#2: fails #1's tests/);
    // The text form lists the attempts in the verdict's order with their evidence, the ★ on the first.
    const text = execFileSync(process.execPath, [join(DIST, 'cli.js'), 'score', t.id, '--repo', h.repo], {
      env: h.env,
      encoding: 'utf8',
    }).split('\n');
    assert.match(text[0] ?? '', /^verdict: close call: #1 and #3/);
    assert.match(text[1] ?? '', new RegExp(`^★ ${a1} {2}#1: `));
    assert.match(text[3] ?? '', new RegExp(`^ {2}${a3} {2}#3: `));
    assert.match(text[5] ?? '', new RegExp(`^ {2}${a2} {2}#2: fails #1's tests`));
    assert.match(text[6] ?? '', /^ {6}.*merges cleanly into main/);
  },
);
