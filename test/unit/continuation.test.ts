// Unit: follow-up turns on an attempt's own thread (who may take one, what it resets) and tasks made from issues (source, key).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ATTEMPT_EXTRAS, ZERO_TOKENS } from '../../src/shared/model';
import type { AttemptRecord, TaskRecord } from '../../src/core/orchestrator/records';
import { checkContinuable, queueContinuation } from '../../src/core/orchestrator/continuation';
import { issueTaskKey, validateIssueSource } from '../../src/core/orchestrator/issueTasks';
import { DEFAULT_LAUNCH_OPTIONS } from '../../src/core/client/api';
import { UsageError } from '../../src/core/orchestrator/validation';
import { branchName } from '../../src/core/orchestrator/ids';

function attempt(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: 't-1-1', taskId: 't-1', index: 1, branch: 'quartet/k/1', worktree: '/w/1', base: 'b', phase: 'finished', reason: null, tokens: { ...ZERO_TOKENS },
    tokensByThread: {}, startedAt: 't0', endedAt: 't1', lastEvent: 'finished', lastEventAt: 't1', lastError: null, journal: '/j', threadId: 'th-1', threadIds: ['th-1'],
    model: null, modelProvider: null, demoModel: true, pending: null, retries: 0, nextRetryAt: null, resultCommit: 'c1', filesChanged: 1, ...ATTEMPT_EXTRAS,
    checks: { state: 'passed', command: 'npm test', exitCode: 0, durationMs: 5, summary: [], at: 't1' }, score: { score: 90, eligible: true, reasons: [] }, recommended: true,
    ...over,
  };
}

function task(a: AttemptRecord, over: Partial<TaskRecord> = {}): TaskRecord {
  return { id: 't-1', key: 'k', title: 'T', prompt: 'P', createdAt: 't0', state: 'open', baseRef: 'main', baseCommit: 'b', options: DEFAULT_LAUNCH_OPTIONS, recommended: a.id, landing: null, attempts: [a], ...over };
}

test('a finished attempt with a thread may take a follow-up turn; running, archived, landed or threadless ones may not', () => {
  const ok = attempt();
  assert.doesNotThrow(() => checkContinuable(task(ok), ok, 'go on'));
  for (const phase of ['failed', 'stalled', 'stopped', 'interrupted'] as const) assert.doesNotThrow(() => checkContinuable(task(ok), { ...ok, phase }, 'go on'));
  const refuse = (a: AttemptRecord, t: TaskRecord, prompt: string, why: RegExp): void => assert.throws(() => checkContinuable(t, a, prompt), (e: unknown) => e instanceof UsageError && why.test(e.message));
  refuse({ ...ok, phase: 'working' }, task(ok), 'x', /is working; wait for its turn to end/);
  refuse({ ...ok, phase: 'queued' }, task(ok), 'x', /is queued/);
  refuse({ ...ok, threadId: null }, task(ok), 'x', /never started a Codex thread/);
  refuse({ ...ok, archived: { at: 't', reason: 'rework', patch: '/p', postMortem: '' } }, task(ok), 'x', /archived/);
  refuse(ok, task(ok, { state: 'landed' }), 'x', /already landed/);
  refuse(ok, task(ok), '   ', /needs a prompt/);
  refuse(ok, task(ok), 'x'.repeat(100_001), /limit/);
});

test('queueing a follow-up turn: back to the queue on the same thread with the prompt; stale checks and score are cleared', () => {
  const q = queueContinuation(attempt(), '  Continue please  ', 't2');
  assert.equal(q.phase, 'queued');
  assert.equal(q.endedAt, null);
  assert.equal(q.startedAt, 't0', 'the first start is kept');
  assert.equal(q.resumeThread, 'th-1');
  assert.equal(q.nextPrompt, 'Continue please');
  assert.deepEqual([q.checks, q.score, q.recommended], [null, null, false]);
  assert.equal(q.resultCommit, 'c1', 'the last committed result stays until the next turn commits');
  assert.deepEqual(q.threadIds, ['th-1']);
});

test('issue sources are validated; links other than http(s) are dropped', () => {
  const s = validateIssueSource({ kind: 'github', issueId: 'I_1', identifier: '#1', url: 'https://github.com/o/r/issues/1', state: 'open' });
  assert.equal(s.url, 'https://github.com/o/r/issues/1');
  assert.equal(validateIssueSource({ kind: 'github', issueId: 'I_1', identifier: '#1', url: 'javascript:alert(1)', state: 'open' }).url, null);
  assert.throws(() => validateIssueSource({ kind: 'github', identifier: '#1', state: 'open' }), /source.issueId is required/);
  assert.throws(() => validateIssueSource('I_1'), /must be an object/);
  assert.throws(() => validateIssueSource({ kind: 'x', issueId: 'i', identifier: '', state: 'open' }), /identifier/);
});

test('task keys from identifiers: led by the identifier, path- and ref-safe whatever it contains, unique by task id', () => {
  assert.equal(issueTaskKey('#42', 'Fix the greeter', 't-1a2b3c4d5e6f'), '42-fix-the-greeter-1a2b3c4d');
  assert.equal(issueTaskKey('ABC-123', 'Login', 't-000000000001'), 'abc-123-login-00000000');
  const evil = issueTaskKey('../../etc/passwd', '`rm -rf /` ~HEAD^:', 't-ffffffffffff');
  assert.match(evil, /^[a-z0-9-]+$/);
  assert.equal(evil.startsWith('-'), false);
  assert.notEqual(issueTaskKey('#1', 'Same', 't-aaaaaaaa0000'), issueTaskKey('#1', 'Same', 't-bbbbbbbb0000'));
  assert.match(branchName(evil, 1), /^quartet\/[a-z0-9-]+\/1$/);
});
