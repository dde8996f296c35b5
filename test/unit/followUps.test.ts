// Unit: follow-up turns (queue, cancel, failed/rejected/completed settle) against a fake host; phase restore; restart normalization.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ATTEMPT_EXTRAS, ZERO_TOKENS, PHASES } from '../../src/shared/model';
import { FollowUps, followUpProblem, type FollowUpHost } from '../../src/core/orchestrator/followUp';
import {
  canTransition,
  restorePhase,
  savedPhase,
  transition,
  TransitionError,
} from '../../src/core/orchestrator/transitions';
import { normalizeTask, type AttemptRecord, type TaskRecord } from '../../src/core/orchestrator/records';
import { DEFAULT_LAUNCH_OPTIONS } from '../../src/core/contract/launch';
import { readJournal, type Journal } from '../../src/core/observability/journal';

function record(dir: string, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: 't-1-1',
    taskId: 't-1',
    index: 1,
    branch: 'quartet/k/1',
    worktree: dir,
    base: 'b'.repeat(40),
    phase: 'finished',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    tokensByThread: {},
    startedAt: 't0',
    endedAt: 't1',
    lastEvent: 'finished',
    lastEventAt: 't1',
    lastError: null,
    journal: join(dir, 'j.jsonl'),
    threadId: 'th-1',
    threadIds: ['th-1'],
    model: null,
    modelProvider: null,
    demoModel: true,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: 'c'.repeat(40),
    filesChanged: 1,
    ...ATTEMPT_EXTRAS,
    ...over,
  };
}

function taskOf(a: AttemptRecord, over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: 't-1',
    key: 'k',
    title: 'T',
    prompt: 'p',
    createdAt: 't0',
    state: 'open',
    baseRef: 'main',
    baseCommit: a.base,
    options: DEFAULT_LAUNCH_OPTIONS,
    recommended: null,
    landing: null,
    attempts: [a],
    ...over,
  };
}

/** A fake orchestrator: one attempt, records what was asked of it. */
function harness(over: Partial<AttemptRecord> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'q-fu-'));
  let a = record(dir, over);
  const calls: string[] = [];
  let score: () => void = () => undefined;
  const host: FollowUpHost = {
    attempt: () => a,
    task: () => taskOf(a),
    update: (_id, change) => {
      a = change(a);
    },
    dispatch: () => calls.push('dispatch'),
    finish: async (_id, message) => {
      calls.push(`finish:${message}`);
      a = { ...transition(a, 'finished', null, 't9'), resultCommit: 'd'.repeat(40) };
      return {
        scored: new Promise<void>(
          (r) =>
            (score = () => {
              a = {
                ...a,
                checks: { state: 'passed', command: 'npm test', exitCode: 0, durationMs: 1, summary: [], at: 't9' },
              };
              r();
            }),
        ),
      };
    },
    log: () => undefined,
  };
  const journal = { event: (e: unknown) => calls.push(`journal:${JSON.stringify(e)}`) } as unknown as Journal;
  // The orchestrator moves a dispatched attempt to working before the turn ends.
  const run = (): void => {
    a = transition(transition(transition(a, 'preparing', null, 't2'), 'starting', null, 't3'), 'working', null, 't4');
  };
  return {
    dir,
    get a() {
      return a;
    },
    calls,
    host,
    journal,
    run,
    score: () => score(),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}

test('request queues the attempt on its own thread with the prompt; a stop while queued puts it back as it was', async () => {
  const h = harness();
  try {
    const f = new FollowUps(h.host);
    const result = f.request('t-1-1', 'Resolve the merge conflicts in:\n- a.txt', { reason: 'resolve-conflicts' });
    assert.equal(h.a.phase, 'queued');
    assert.equal(h.a.resumeThread, 'th-1');
    assert.equal(h.a.endedAt, null);
    assert.deepEqual(
      h.a.followUps.map((x) => [x.reason, x.outcome]),
      [['resolve-conflicts', 'running']],
    );
    assert.equal(f.promptFor('t-1-1'), 'Resolve the merge conflicts in:\n- a.txt');
    assert.deepEqual(h.calls, ['dispatch']);
    assert.match(JSON.stringify(readJournal(h.a.journal)), /follow-up \(resolve-conflicts\) queued on thread th-1/);
    // The prompt is journaled with who asked, so the trace can show what was said before the agent's reply.
    const said = readJournal(h.a.journal).flatMap((x) =>
      x.kind === 'event' && x.event.type === 'user_message' ? [x.event] : [],
    );
    assert.deepEqual(said, [
      { type: 'user_message', text: 'Resolve the merge conflicts in:\n- a.txt', reason: 'resolve-conflicts' },
    ]);
    assert.throws(() => f.request('t-1-1', 'again', { reason: 'x' }), /already has a follow-up/);

    assert.equal(f.cancel('t-1-1'), true);
    const r = await result;
    assert.equal(r.status, 'stopped');
    assert.equal(h.a.phase, 'finished', 'still finished, still landable');
    assert.equal(h.a.endedAt, 't1');
    assert.equal(h.a.resultCommit, 'c'.repeat(40));
    assert.equal(h.a.resumeThread, null);
    assert.equal(h.a.followUps[0]?.outcome, 'stopped');
    assert.equal(f.promptFor('t-1-1'), null);
    assert.equal(f.cancel('t-1-1'), false);
  } finally {
    h.done();
  }
});

test('a failed turn rolls back and leaves a finished attempt finished, with the error; a rejected result likewise', async () => {
  const h = harness();
  try {
    const f = new FollowUps(h.host);
    const rolled: string[] = [];
    const options = {
      reason: 'resolve-conflicts',
      verify: async () => 'markers left in a.txt',
      rollback: async () => (rolled.push('rb'), 'merge aborted'),
    };
    const failed = f.request('t-1-1', 'p', options);
    h.run();
    await f.settle('t-1-1', { status: 'failed', reason: 'model_error', message: 'the model broke' }, h.journal);
    const r1 = await failed;
    assert.equal(r1.status, 'failed');
    assert.equal(h.a.phase, 'finished');
    assert.equal(h.a.lastError, 'follow-up (resolve-conflicts) failed: the model broke; merge aborted');
    assert.deepEqual(rolled, ['rb']);

    const rejected = f.request('t-1-1', 'p', options);
    h.run();
    await f.settle('t-1-1', { status: 'completed', finalMessage: 'done', threadId: 'th-1' }, h.journal);
    const r2 = await rejected;
    assert.equal(r2.status, 'rejected');
    assert.match(r2.message, /markers left in a\.txt; merge aborted/);
    assert.equal(h.a.phase, 'finished');
    assert.deepEqual(rolled, ['rb', 'rb']);
    assert.ok(!h.calls.some((c) => c.startsWith('finish')), 'nothing was committed');
    assert.deepEqual(
      h.a.followUps.map((x) => x.outcome),
      ['failed', 'rejected'],
    );
  } finally {
    h.done();
  }
});

test('a completed turn is committed and the caller hears back only after the scorecard ran', async () => {
  const h = harness();
  try {
    const f = new FollowUps(h.host);
    let settled = false;
    const p = f.request('t-1-1', 'more', { reason: 'pr-fix', verify: async () => null }).then((r) => {
      settled = true;
      return r;
    });
    h.run();
    await f.settle('t-1-1', { status: 'completed', finalMessage: 'Fix review comments', threadId: 'th-1' }, h.journal);
    assert.ok(h.calls.includes('finish:Fix review comments'));
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(settled, false, 'the checks are still running');
    h.score();
    const r = await p;
    assert.equal(r.status, 'completed');
    assert.equal(r.commit, 'd'.repeat(40));
    assert.equal(r.checks?.state, 'passed');
    assert.equal(h.a.followUps[0]?.outcome, 'completed');
  } finally {
    h.done();
  }
});

test('a follow-up of a failed attempt that fails again fails with the new reason', async () => {
  const h = harness({ phase: 'failed', reason: 'turn_timeout', resultCommit: null });
  try {
    const f = new FollowUps(h.host);
    const p = f.request('t-1-1', 'try', { reason: 'autopilot-continue' });
    h.run();
    await f.settle('t-1-1', { status: 'failed', reason: 'codex_exit', message: 'Codex exited' }, h.journal);
    assert.equal((await p).status, 'failed');
    assert.equal(h.a.phase, 'failed');
    assert.equal(h.a.reason, 'codex_exit');
  } finally {
    h.done();
  }
});

test('followUpProblem: clear reasons for every attempt that cannot take a follow-up', () => {
  const a = record('/nowhere');
  const t = taskOf(a);
  assert.equal(followUpProblem(a, t, 'p', 'r', false, true), null);
  assert.match(
    followUpProblem({ ...a, threadId: null }, t, 'p', 'r', false, true) ?? '',
    /never started a Codex thread.*use retry/,
  );
  assert.match(
    followUpProblem({ ...a, phase: 'working' }, t, 'p', 'r', false, true) ?? '',
    /is working; a follow-up needs an attempt that has ended/,
  );
  assert.match(followUpProblem(a, t, '  ', 'r', false, true) ?? '', /needs a prompt/);
  assert.match(followUpProblem(a, t, 'p', '', false, true) ?? '', /needs a reason/);
  assert.match(followUpProblem(a, t, 'p', 'r', true, true) ?? '', /already has a follow-up/);
  assert.match(
    followUpProblem(
      { ...a, archived: { at: 'x', reason: 'rework: meh', patch: 'p', postMortem: '' } },
      t,
      'p',
      'r',
      false,
      true,
    ) ?? '',
    /archived \(rework: meh\)/,
  );
  assert.match(followUpProblem(a, { ...t, state: 'landed' }, 'p', 'r', false, true) ?? '', /already landed/);
  assert.match(followUpProblem(a, t, 'p', 'r', false, false) ?? '', /no longer exists/);
});

test('finished leaves only through the queue (a follow-up); restorePhase undoes to a saved terminal phase', () => {
  for (const to of PHASES)
    assert.equal(canTransition('finished', to), to === 'finished' || to === 'queued', `finished → ${to}`);
  const fin = { phase: 'finished' as const, reason: null, startedAt: 't0', endedAt: 't1' };
  const working = transition(
    transition(transition(transition(fin, 'queued', null, 't2'), 'preparing', null, 't3'), 'starting', null, 't4'),
    'working',
    null,
    't5',
  );
  assert.deepEqual(restorePhase(working, savedPhase(fin)), fin);
  assert.throws(() => restorePhase(fin, savedPhase(working)), TransitionError);
});

test('after a restart: a follow-up that was running is interrupted, a land that was running failed', () => {
  const a = record('/w', {
    followUps: [
      { reason: 'resolve-conflicts', at: 't1', outcome: 'running', message: null, endedAt: null },
      { reason: 'x', at: 't0', outcome: 'completed', message: 'ok', endedAt: 't0' },
    ],
  });
  const t = normalizeTask(
    taskOf(a, {
      landing: { attemptId: a.id, step: 'resolve', status: 'running', message: '', steps: [], conflictFiles: ['a'] },
    }),
  );
  assert.equal(t.attempts[0]?.followUps[0]?.outcome, 'interrupted');
  assert.equal(t.attempts[0]?.followUps[1]?.outcome, 'completed');
  assert.equal(t.landing?.status, 'failed');
  assert.match(t.landing?.message ?? '', /restarted during this land \(at resolve\)/);
  const { followUps: _drop, ...written } = a; // state written before follow-ups existed has no such key
  const old = normalizeTask({ ...taskOf(a), attempts: [written as AttemptRecord] });
  assert.deepEqual(old.attempts[0]?.followUps, [], 'state from an older Quartet gets an empty list');
});
