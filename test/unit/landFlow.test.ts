// Unit: who can land (pure), and a land flow's refusal reaching the API as a usage error while other failures stay what they are.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { landProblem } from '../../src/core/land/landAttempt';
import { LandError } from '../../src/core/land/errors';
import type { LandTask } from '../../src/core/land/landFlow';
import { asUsage } from '../../src/core/orchestrator/landed';
import { UsageError } from '../../src/core/orchestrator/validation';
import { ATTEMPT_EXTRAS, ZERO_TOKENS, type AttemptSnapshot } from '../../src/shared/model';

const attempt = (over: Partial<AttemptSnapshot> = {}): AttemptSnapshot => ({
  id: 't-1-1',
  taskId: 't-1',
  index: 1,
  branch: 'quartet/k/1',
  worktree: '/w/1',
  base: 'b',
  phase: 'finished',
  reason: null,
  tokens: { ...ZERO_TOKENS },
  startedAt: null,
  endedAt: null,
  lastEvent: null,
  lastEventAt: null,
  lastError: null,
  journal: '/j',
  threadId: 'th',
  threadIds: ['th'],
  model: null,
  modelProvider: null,
  demoModel: false,
  pending: null,
  retries: 0,
  nextRetryAt: null,
  resultCommit: 'c',
  filesChanged: 1,
  ...ATTEMPT_EXTRAS,
  ...over,
});
const task = (over: Partial<LandTask> = {}): LandTask => ({
  id: 't-1',
  key: 'k',
  title: 'T',
  prompt: 'p',
  state: 'open',
  baseRef: 'main',
  landing: null,
  options: { landMode: 'squash', checkTimeoutMs: 1000, checkCommand: null },
  attempts: [],
  ...over,
});
const running = {
  attemptId: 't-1-2',
  step: 'merge',
  status: 'running' as const,
  message: '',
  steps: [],
  conflictFiles: [],
};

test('a finished attempt with a result lands; anything else is refused with the reason', () => {
  assert.equal(landProblem(task(), attempt()), null);
  assert.match(
    landProblem(task(), attempt({ phase: 'working', resultCommit: null })) ?? '',
    /is working with no committed result/,
  );
  assert.match(
    landProblem(task(), attempt({ resultCommit: null })) ?? '',
    /only finished attempts with changes can land/,
  );
  assert.match(
    landProblem(task({ state: 'landed', landing: { ...running, status: 'landed' } }), attempt()) ?? '',
    /already landed \(t-1-2\)/,
  );
  assert.match(landProblem(task({ landing: running }), attempt()) ?? '', /already running/);
  // Resolve with agent carries on its own land: the running land is that one.
  assert.equal(landProblem(task({ landing: running }), attempt(), true), null);
});

test("a refusal becomes a UsageError (400, exit 2); a git failure is not the caller's mistake", async () => {
  await assert.rejects(
    asUsage(Promise.reject(new LandError('task t-1 has not landed', 'refused'))),
    (e: unknown) => e instanceof UsageError && e.message === 'task t-1 has not landed',
  );
  await assert.rejects(
    asUsage(Promise.reject(new LandError('git failed', 'git_failed'))),
    (e: unknown) => e instanceof LandError && !(e instanceof UsageError),
  );
  assert.equal(await asUsage(Promise.resolve(7)), 7);
});
