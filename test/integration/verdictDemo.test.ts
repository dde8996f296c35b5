// The demo's French-greeting task, end to end with real Codex: four attempts that differ like real ones, judged by evidence.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runChecks } from '../../src/core/land/checks';
import { crossTest } from '../../src/core/verdict/crossTest';
import { changedTestFiles } from '../../src/core/verdict/testFiles';
import { minimalEnv } from '../../src/core/execution/sandbox';
import { sandboxTestEnv, testSandbox } from '../support/sandboxEnv';
import { decideVerdict, type VerdictInput } from '../../src/core/verdict/verdict';
import { startHarness, waitForSnapshot, waitForTask, type Harness } from '../support/repoHarness';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

test('greet in French: #2 (smallest diff, green on its own test) fails #1\'s tests; the verdict picks #1 where the old scorecard picked #2', { timeout: 300_000 }, async () => {
  const t = await h.client.launch({ title: 'French greetings', prompt: "Let greet() take a language: greet('Ada', 'fr') says Bonjour.", attempts: 4 });
  await waitForTask(h.client, t.id, 240_000);
  // Finished is not judged yet: wait until every attempt's checks have reported.
  const done = await waitForSnapshot(h.client, 120_000, (s) => {
    const task = s.tasks.find((x) => x.id === t.id);
    return task && task.attempts.every((a) => a.checks && a.checks.state !== 'running') ? task : null;
  });
  const [a1, a2, a3, a4] = done.attempts;
  assert.deepEqual(done.attempts.map((a) => a.phase), ['finished', 'finished', 'finished', 'finished'], done.attempts.map((a) => a.lastError).join('; '));
  assert.deepEqual(done.attempts.map((a) => a.checks?.state), ['passed', 'passed', 'passed', 'failed']);
  // What the old scorecard does with this: every passing attempt is "right", the smallest diff wins.
  assert.equal(done.attempts.find((a) => a.recommended)?.id, a2!.id, 'the size-based ★ lands on the wrong attempt');

  const attempts = await Promise.all(
    done.attempts.map(async (a) => ({ id: a.id, commit: a.resultCommit!, testFiles: await changedTestFiles(h.repo, a.base, a.resultCommit!) })),
  );
  assert.deepEqual(attempts.map((a) => a.testFiles), [['test/french.test.js'], ['test/fr.test.js'], [], []]);
  const env = sandboxTestEnv(h.dir);
  const sandbox = await testSandbox(env, h.repo);
  const cells = await crossTest({
    repo: h.repo,
    worktreeRoot: h.worktreeRoot,
    attempts,
    run: (cwd) => runChecks({ cwd, command: 'npm test', timeoutMs: 60_000, env: minimalEnv(env), sandbox }),
  });
  const cell = (tests: string, code: string) => cells.find((c) => c.tests === tests && c.code === code)!;
  assert.equal(cell(a1!.id, a2!.id).ok, false);
  assert.deepEqual(cell(a1!.id, a2!.id).failedTests, ['trims names in French too']);
  assert.equal(cell(a1!.id, a3!.id).ok, true);
  assert.equal(cell(a2!.id, a1!.id).ok, true);

  const inputs: VerdictInput[] = done.attempts.map((a, k) => ({
    attemptId: a.id, index: a.index, phase: a.phase, pending: false,
    checks: a.checks ? { ok: a.checks.state === 'passed' } : null,
    conflictsWithBase: a.conflicts?.withBase ?? false,
    filesChanged: a.diffStat?.files ?? 0, linesAdded: a.diffStat?.added ?? 0, linesRemoved: a.diffStat?.removed ?? 0,
    tokensTotal: a.tokens.total, durationMs: null, testFiles: attempts[k]!.testFiles.length,
  }));
  const v = decideVerdict(inputs, cells);
  assert.equal(v.recommended, a1!.id);
  assert.equal(v.confidence, 'clear');
  assert.deepEqual(v.ranked.map((r) => r.attemptId), [a1!.id, a3!.id, a2!.id, a4!.id]);
});
