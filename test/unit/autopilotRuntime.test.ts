// Unit: the Autopilot runtime on a fake clock, a memory tracker and a fake orchestrator (SPEC §16 ticks, §17.4 behaviours).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Autopilot } from '../../src/core/autopilot/autopilot';
import { DEFAULT_AUTOPILOT_CONFIG, type AutopilotConfig } from '../../src/core/autopilot/config';
import { MemorySource, issue } from '../support/memorySource';
import { FakeClock, flush } from '../support/fakeClock';
import { FakeAutopilotHost } from '../support/fakeAutopilotHost';
import { AutopilotRetries } from '../../src/core/supervisor/autopilotRetries';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function setup(over: Partial<AutopilotConfig> = {}, attemptsPerIssue = 1) {
  const clock = new FakeClock();
  const source = new MemorySource();
  const host = new FakeAutopilotHost(attemptsPerIssue);
  const config = { ...DEFAULT_AUTOPILOT_CONFIG, pollIntervalMs: 30_000, maxTurns: 1, ...over };
  const ap = new Autopilot({ source, host, config, clock });
  return { clock, source, host, ap, config };
}

const attemptOf = (host: FakeAutopilotHost, issueId: string): string => host.taskOf(issueId)!.attempts[0]!.id;

test('a tick dispatches eligible issues in priority order up to the global limit and schedules the next poll', async () => {
  const { ap, source, host, clock } = setup({ maxConcurrentAgents: 2 });
  source.put(issue({ id: 'a', identifier: '#1', priority: 3 }));
  source.put(issue({ id: 'b', identifier: '#2', priority: 1 }));
  source.put(issue({ id: 'c', identifier: '#3', priority: 2 }));
  source.put(issue({ id: 'd', identifier: '#4', state: 'Backlog' }));
  await ap.start();
  await flush();
  assert.deepEqual(
    host.launches.map((l) => l.issueId),
    ['b', 'c'],
  );
  assert.equal(host.launches[0]?.attemptNumber, null, 'a first run has no attempt number');
  assert.match(host.launches[0]?.prompt ?? '', /Work on tracker issue #2/);
  const s = ap.snapshot();
  assert.deepEqual(s.running.map((r) => r.identifier).sort(), ['#2', '#3']);
  assert.deepEqual(clock.pending(), [30_000], 'next poll after poll interval');
  assert.equal(s.nextPollAt, new Date(clock.now() + 30_000).toISOString());
  assert.deepEqual(Object.fromEntries(s.issues.map((i) => [i.identifier, i.status])), {
    '#2': 'running',
    '#3': 'running',
    '#1': 'eligible',
  });
  ap.stop();
});

test('continuation turns run on the same attempt up to maxTurns, then a normal exit re-checks after 1 s and a result awaiting review is not redispatched', async () => {
  const { ap, source, host, clock } = setup({ maxTurns: 3 });
  source.put(issue({ id: 'a', identifier: '#1', state: 'In Progress' }));
  await ap.start();
  await flush();
  const id = attemptOf(host, 'a');
  for (const turn of [2, 3]) {
    host.finishTurn(id);
    await flush();
    assert.equal(host.continues.length, turn - 1);
    assert.equal(host.continues.at(-1)?.attemptId, id);
    assert.match(host.continues.at(-1)?.prompt ?? '', new RegExp(`Continuation \\(turn ${turn} of at most 3\\)`));
    assert.doesNotMatch(
      host.continues.at(-1)?.prompt ?? '',
      /Work on tracker issue/,
      'continuations do not resend the task',
    );
    host.set(id, 'working');
  }
  assert.equal(ap.snapshot().running[0]?.turn, 3);
  host.finishTurn(id);
  await flush();
  assert.equal(host.continues.length, 2, 'no fourth turn: max_turns reached');
  const s = ap.snapshot();
  assert.equal(s.running.length, 0);
  assert.deepEqual(
    s.retrying.map((r) => [r.identifier, r.attempt, r.kind, Date.parse(r.dueAt) - clock.now()]),
    [['#1', 1, 'continuation', 1000]],
  );
  await clock.advance(1000);
  assert.equal(host.launches.length, 1, 'held: its result awaits review');
  assert.deepEqual(ap.snapshot().claimed, []);
  await clock.advance(30_000);
  assert.equal(host.launches.length, 1, 'the next poll does not pick it up either');
  assert.equal(ap.snapshot().issues[0]?.status, 'held');
  ap.stop();
});

test('the turn loop ends when the issue leaves the active states between turns', async () => {
  const { ap, source, host } = setup({ maxTurns: 5 });
  source.put(issue({ id: 'a' }));
  await ap.start();
  await flush();
  source.update('a', { state: 'Human Review' });
  host.finishTurn(attemptOf(host, 'a'));
  await flush();
  assert.equal(host.continues.length, 0);
  assert.equal(ap.snapshot().retrying[0]?.kind, 'continuation');
  ap.stop();
});

test('abnormal exits retry with 10 s exponential backoff and the attempt number reaches the prompt; the cap applies', async () => {
  const { ap, source, host, clock } = setup({ maxRetryBackoffMs: 15_000 });
  source.put(issue({ id: 'a', identifier: '#1' }));
  await ap.start();
  await flush();
  host.fail(attemptOf(host, 'a'));
  await flush();
  let r = ap.snapshot().retrying[0]!;
  assert.deepEqual([r.attempt, r.kind, Date.parse(r.dueAt) - clock.now(), r.identifier], [1, 'failure', 10_000, '#1']);
  assert.match(r.error ?? '', /worker exited: .*failed \(model_error\): scripted failure/);
  await clock.advance(9_999);
  assert.equal(host.launches.length, 1);
  await clock.advance(1);
  assert.equal(host.launches.length, 2);
  assert.equal(host.launches[1]?.attemptNumber, 1);
  assert.match(host.launches[1]?.prompt ?? '', /This is run 2/);
  host.fail(attemptOf(host, 'a'));
  await flush();
  r = ap.snapshot().retrying[0]!;
  assert.equal(r.attempt, 2);
  assert.equal(Date.parse(r.dueAt) - clock.now(), 15_000, 'min(20 s, cap 15 s)');
  ap.stop();
});

test('a stalled attempt (orchestrator stall detection) ends the worker as a failure and schedules a retry', async () => {
  const { ap, source, host } = setup();
  source.put(issue({ id: 'a' }));
  await ap.start();
  await flush();
  host.stall(attemptOf(host, 'a'));
  await flush();
  const r = ap.snapshot().retrying[0];
  assert.equal(r?.kind, 'failure');
  assert.match(r?.error ?? '', /stalled \(stall_timeout\)/);
  assert.equal(ap.snapshot().totals.failed, 1);
  ap.stop();
});

test('slot exhaustion requeues a due retry with an explicit error', async () => {
  const { ap, source, host, clock } = setup({ maxConcurrentAgents: 1, pollIntervalMs: 5_000 });
  source.put(issue({ id: 'a', identifier: '#1', priority: 1 }));
  await ap.start();
  await flush();
  host.fail(attemptOf(host, 'a'));
  await flush();
  source.put(issue({ id: 'b', identifier: '#2', priority: 2 }));
  await clock.advance(5_000);
  assert.deepEqual(
    host.launches.map((l) => l.issueId),
    ['a', 'b'],
    'the free slot went to #2',
  );
  await clock.advance(5_000);
  const r = ap.snapshot().retrying.find((x) => x.issueId === 'a');
  assert.equal(r?.attempt, 2);
  assert.equal(r?.error, 'no available orchestrator slots');
  ap.stop();
});

test('reconciliation: terminal stops and cleans, non-active stops and keeps, invisible stops; claims are released', async () => {
  const { ap, source, host, clock } = setup({ pollIntervalMs: 1_000 });
  for (const id of ['t', 'n', 'v', 'k']) source.put(issue({ id, identifier: `#${id}` }));
  await ap.start();
  await flush();
  assert.equal(host.launches.length, 4);
  source.update('t', { state: 'Done' });
  source.update('n', { state: 'Backlog' });
  source.remove('v');
  source.update('k', { state: 'In Progress', title: 'renamed' });
  await clock.advance(1_000);
  assert.deepEqual(host.stops.sort(), [attemptOf(host, 'n'), attemptOf(host, 't'), attemptOf(host, 'v')].sort());
  assert.deepEqual(host.cleans, ['t'], 'only the terminal issue is cleaned');
  const s = ap.snapshot();
  assert.deepEqual(
    s.running.map((r) => [r.issueId, r.state, r.title]),
    [['k', 'In Progress', 'renamed']],
    'active refresh updates the running entry',
  );
  assert.deepEqual(s.claimed, ['k']);
  assert.equal(host.taskOf('t')?.attempts[0]?.phase, 'stopped');
  assert.equal(host.taskOf('t')?.attempts[0]?.reason, 'canceled_by_reconciliation');
  assert.equal(s.retrying.length, 0, 'a reconciliation stop is not retried');
  ap.stop();
});

test('a failed tracker refresh keeps workers running; the next tick reconciles', async () => {
  const { ap, source, host, clock } = setup({ pollIntervalMs: 1_000 });
  source.put(issue({ id: 'a' }));
  await ap.start();
  await flush();
  source.update('a', { state: 'Done' });
  source.failNext('ids');
  await clock.advance(1_000);
  assert.deepEqual(host.stops, []);
  assert.equal(ap.snapshot().running.length, 1);
  assert.match(
    ap
      .snapshot()
      .events.map((e) => e.message)
      .join('\n'),
    /tracker refresh failed, 1 issue\(s\) keep running/,
  );
  await clock.advance(1_000);
  assert.deepEqual(host.stops, [attemptOf(host, 'a')]);
  ap.stop();
});

test('reconciliation with no running issues is a no-op (no tracker refresh by id)', async () => {
  const { ap, source, clock } = setup({ pollIntervalMs: 1_000 });
  await ap.start();
  await clock.advance(3_000);
  assert.deepEqual(
    source.calls.filter((c) => c.startsWith('ids:')),
    [],
  );
  assert.equal(source.calls.filter((c) => c.startsWith('states:')).length, 4);
  ap.stop();
});

test('a failed candidate fetch skips the tick, is reported, and the next tick recovers', async () => {
  const { ap, source, host, clock } = setup({ pollIntervalMs: 1_000 });
  source.put(issue({ id: 'a' }));
  source.failNext('states');
  await ap.start();
  assert.equal(host.launches.length, 0);
  assert.match(ap.snapshot().lastPollError ?? '', /tracker: connection reset/);
  await clock.advance(1_000);
  assert.equal(host.launches.length, 1);
  assert.equal(ap.snapshot().lastPollError, null);
  ap.stop();
});

test('a failing preflight skips dispatch but still reconciles', async () => {
  const clock = new FakeClock();
  const source = new MemorySource([issue({ id: 'a' })]);
  const host = new FakeAutopilotHost();
  let problem: string | null = null;
  const ap = new Autopilot({
    source,
    host,
    clock,
    config: { ...DEFAULT_AUTOPILOT_CONFIG, pollIntervalMs: 1_000 },
    preflight: () => problem,
  });
  await ap.start();
  await flush();
  problem = 'WORKFLOW.md: tracker.kind missing';
  source.put(issue({ id: 'b' }));
  source.update('a', { state: 'Done' });
  await clock.advance(1_000);
  assert.equal(host.launches.length, 1, 'no new dispatch');
  assert.deepEqual(host.cleans, ['a'], 'reconciliation still ran');
  assert.equal(ap.snapshot().lastPollError, problem);
  ap.stop();
});

test('a person stopping every attempt releases the issue without a retry, and it stays held', async () => {
  const { ap, source, host, clock } = setup({ pollIntervalMs: 1_000 });
  source.put(issue({ id: 'a' }));
  await ap.start();
  await flush();
  host.set(attemptOf(host, 'a'), 'stopped', 'stopped_by_user');
  await flush();
  assert.deepEqual(ap.snapshot().retrying, []);
  await clock.advance(5_000);
  assert.equal(host.launches.length, 1);
  assert.equal(ap.snapshot().issues[0]?.note, 'stopped by you');
  ap.stop();
});

test('a launch that throws is retried with backoff ("failed to spawn agent")', async () => {
  const { ap, source, host, clock } = setup();
  source.put(issue({ id: 'a' }));
  host.launchError = new Error('Codex CLI not found');
  await ap.start();
  await flush();
  const r = ap.snapshot().retrying[0];
  assert.equal(r?.attempt, 1);
  assert.match(r?.error ?? '', /failed to spawn agent: Codex CLI not found/);
  await clock.advance(10_000);
  assert.equal(host.launches.length, 1);
  ap.stop();
});

test('a retry whose issue went terminal cleans its worktrees; one that vanished is released', async () => {
  const { ap, source, host, clock } = setup({ pollIntervalMs: 600_000 });
  source.put(issue({ id: 'a' }));
  source.put(issue({ id: 'b' }));
  await ap.start();
  await flush();
  host.fail(attemptOf(host, 'a'));
  host.fail(attemptOf(host, 'b'));
  await flush();
  source.update('a', { state: 'Done' });
  source.remove('b');
  await clock.advance(10_000);
  assert.deepEqual(host.cleans, ['a']);
  assert.equal(host.launches.length, 2);
  assert.deepEqual(ap.snapshot().claimed, []);
  ap.stop();
});

test('a refresh error after a turn fails the worker (SPEC §16.5) and it is retried', async () => {
  const { ap, source, host } = setup({ maxTurns: 5 });
  source.put(issue({ id: 'a' }));
  await ap.start();
  await flush();
  source.failNext('ids');
  host.finishTurn(attemptOf(host, 'a'));
  await flush();
  const r = ap.snapshot().retrying[0];
  assert.equal(r?.kind, 'failure');
  assert.match(r?.error ?? '', /issue state refresh error/);
  ap.stop();
});

test('several attempts per issue: the worker exits when all ended; one clean end makes it a normal exit', async () => {
  const { ap, source, host } = setup({ maxTurns: 1 }, 2);
  source.put(issue({ id: 'a' }));
  await ap.start();
  await flush();
  const [one, two] = host.taskOf('a')!.attempts.map((a) => a.id);
  host.fail(one!);
  await flush();
  assert.equal(ap.snapshot().running.length, 1, 'still running while attempt 2 works');
  host.finishTurn(two!);
  await flush();
  assert.equal(ap.snapshot().retrying[0]?.kind, 'continuation');
  ap.stop();
});

test('refresh queues an immediate tick and coalesces with one under way; stopped autopilots queue nothing', async () => {
  const { ap, source, host } = setup();
  assert.deepEqual(ap.refresh(), { queued: false, coalesced: false });
  await ap.start();
  source.put(issue({ id: 'a' }));
  const first = ap.refresh();
  const second = ap.refresh();
  assert.deepEqual(
    [first, second],
    [
      { queued: true, coalesced: false },
      { queued: true, coalesced: true },
    ],
  );
  await flush();
  assert.equal(host.launches.length, 1);
  ap.stop();
});

test('stop cancels polls and retries but leaves running attempts alone; start --once ticks once', async () => {
  const { ap, source, host, clock } = setup();
  source.put(issue({ id: 'a' }));
  source.put(issue({ id: 'b' }));
  await ap.start();
  await flush();
  host.fail(attemptOf(host, 'a'));
  await flush();
  ap.stop();
  assert.deepEqual(clock.pending(), []);
  assert.deepEqual(host.stops, []);
  const s = ap.snapshot();
  assert.deepEqual([s.status, s.running.length, s.retrying.length, s.claimed.length], ['stopped', 0, 0, 0]);
  source.put(issue({ id: 'c' }));
  await ap.start({ once: true });
  assert.equal(ap.snapshot().status, 'stopped');
  assert.equal(ap.snapshot().running.length, 0);
  assert.deepEqual(
    host.launches.map((l) => l.issueId),
    ['a', 'b', 'a', 'c'],
    'once: a (failed, not held) and c, launched before start returns; b is still running',
  );
  assert.deepEqual(clock.pending(), []);
});

test('startup cleanup archives worktrees of issues that are terminal now; a failing fetch does not stop startup', async () => {
  const { ap, source, host } = setup();
  source.put(issue({ id: 'a' }));
  source.put(issue({ id: 'b' }));
  await ap.start();
  await flush();
  host.fail(attemptOf(host, 'a'));
  host.set(attemptOf(host, 'b'), 'stopped', 'stopped_by_user');
  await flush();
  ap.stop();
  source.update('a', { state: 'Done' });
  await ap.start();
  await flush();
  assert.deepEqual(host.cleans, ['a']);
  ap.stop();
  source.failNext('ids');
  await ap.start();
  assert.equal(ap.snapshot().status, 'running');
  assert.match(
    ap
      .snapshot()
      .events.map((e) => e.message)
      .join('\n'),
    /startup cleanup skipped/,
  );
  ap.stop();
});

test('the snapshot carries running rows, retry rows with due times, totals and a sequenced event log', async () => {
  const { ap, source, host, clock } = setup();
  source.put(issue({ id: 'a', identifier: '#1', url: 'https://tracker.test/1' }));
  await ap.start();
  await flush();
  await clock.advance(2_000);
  const s1 = ap.snapshot();
  assert.equal(s1.running[0]?.url, 'https://tracker.test/1');
  assert.equal(s1.running[0]?.taskId, 't-1');
  assert.deepEqual(s1.running[0]?.attemptIds, ['t-1-1']);
  assert.equal(s1.totals.secondsRunning, 2);
  assert.equal(s1.totals.dispatched, 1);
  host.fail('t-1-1');
  await flush();
  const s2 = ap.snapshot();
  assert.ok(s2.events.length > 3);
  assert.ok(s2.events.every((e, i) => i === 0 || e.seq === (s2.events[i - 1]?.seq ?? 0) + 1));
  assert.ok(s2.events.some((e) => e.issue === '#1' && /dispatching #1/.test(e.message)));
  assert.equal(s2.retrying[0]?.dueAt, new Date(clock.now() + 10_000).toISOString());
  ap.stop();
});

test('a continuation turn that fails ends the worker as a failure; the attempt keeps its result and the retry holds it for review', async () => {
  const { ap, source, host, clock } = setup({ maxTurns: 3 });
  source.put(issue({ id: 'a', identifier: '#1' }));
  await ap.start();
  await flush();
  const id = attemptOf(host, 'a');
  host.finishTurn(id);
  await flush();
  assert.equal(host.continues.length, 1);
  host.stall(id);
  await flush();
  const r = ap.snapshot().retrying[0];
  assert.equal(r?.kind, 'failure');
  assert.match(r?.error ?? '', /continuation turn 2 failed/);
  assert.equal(host.taskOf('a')?.attempts[0]?.phase, 'finished', 'the earlier result stays');
  await clock.advance(10_000);
  assert.equal(host.launches.length, 1, 'not relaunched: its result awaits review');
  assert.deepEqual(ap.snapshot().claimed, []);
  ap.stop();
});

test('land.policy auto: a clean worker exit asks the host to land the task; manual (the default) never does', async () => {
  for (const landPolicy of ['auto', 'manual'] as const) {
    const { ap, source, host } = setup({ landPolicy });
    source.put(issue({ id: 'a', identifier: '#1' }));
    await ap.start();
    await flush();
    host.finishTurn(attemptOf(host, 'a'));
    await flush();
    assert.deepEqual(host.lands, landPolicy === 'auto' ? [host.taskOf('a')!.id] : [], landPolicy);
    const said = ap.snapshot().events.map((e) => e.message);
    assert.equal(
      said.includes('#1: auto land of the recommended attempt: landed'),
      landPolicy === 'auto',
      said.join('\n'),
    );
    ap.stop();
  }
});

test('land.policy auto: a failed worker is retried, not landed', async () => {
  const { ap, source, host } = setup({ landPolicy: 'auto' });
  source.put(issue({ id: 'a', identifier: '#1' }));
  await ap.start();
  await flush();
  host.fail(attemptOf(host, 'a'));
  await flush();
  assert.deepEqual(host.lands, []);
  assert.equal(ap.snapshot().retrying[0]?.kind, 'failure');
  ap.stop();
});

test('reconfigure: a reloaded config applies from the next tick (poll interval, limits) and is announced', async () => {
  const { ap, source, host, clock } = setup({ maxConcurrentAgents: 1 });
  source.put(issue({ id: 'a', identifier: '#1', priority: 1 }));
  source.put(issue({ id: 'b', identifier: '#2', priority: 2 }));
  await ap.start();
  await flush();
  assert.deepEqual(
    host.launches.map((l) => l.issueId),
    ['a'],
  );
  ap.reconfigure(
    { ...DEFAULT_AUTOPILOT_CONFIG, pollIntervalMs: 5000, maxTurns: 1, maxConcurrentAgents: 2 },
    'configuration reloaded (test)',
  );
  assert.equal(ap.snapshot().events.at(-1)?.message, 'configuration reloaded (test)');
  await clock.advance(30_000);
  assert.deepEqual(
    host.launches.map((l) => l.issueId),
    ['a', 'b'],
    'the new limit applies at the next tick',
  );
  assert.equal(ap.snapshot().pollIntervalMs, 5000);
  ap.stop();
});

test('an async preflight that fails skips dispatch for the tick and shows as the poll error', async () => {
  const clock = new FakeClock();
  const source = new MemorySource();
  const host = new FakeAutopilotHost();
  let problem: string | null = 'missing_tracker_secret: No GitHub token';
  const ap = new Autopilot({
    source,
    host,
    clock,
    config: { ...DEFAULT_AUTOPILOT_CONFIG, pollIntervalMs: 30_000, maxTurns: 1 },
    preflight: async () => problem,
  });
  source.put(issue({ id: 'a', identifier: '#1' }));
  await ap.start();
  await flush();
  assert.equal(host.launches.length, 0);
  assert.equal(ap.snapshot().lastPollError, 'missing_tracker_secret: No GitHub token');
  problem = null;
  await clock.advance(30_000);
  assert.equal(host.launches.length, 1);
  assert.equal(ap.snapshot().lastPollError, null);
  ap.stop();
});

test('the retry queue survives a supervisor restart: saved on disk, resumed when due, dropped when a person stops the Autopilot', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-retries-'));
  try {
    const first = setup({ maxRetryBackoffMs: 60_000 });
    const store = new AutopilotRetries(dir);
    const ap1 = new Autopilot({
      source: first.source,
      host: first.host,
      config: first.config,
      clock: first.clock,
      queue: store,
    });
    first.source.put(issue({ id: 'a', identifier: '#1' }));
    await ap1.start();
    await flush();
    first.host.fail(first.host.taskOf('a')!.attempts[0]!.id);
    await flush();
    assert.deepEqual(
      store.saved().map((r) => [r.identifier, r.attempt, r.kind, r.dueAtMs - first.clock.now()]),
      [['#1', 1, 'failure', 10_000]],
    );
    // The supervisor shuts down 4 s later: the queue stays on disk.
    await first.clock.advance(4_000);
    ap1.stop('the supervisor is shutting down', { keepQueue: true });
    assert.equal(new AutopilotRetries(dir).saved().length, 1);

    // A new supervisor (a new process: a fresh store, host and timers) on the same clock resumes it: due 6 s later, as before.
    const host2 = new FakeAutopilotHost(1);
    const ap2 = new Autopilot({
      source: first.source,
      host: host2,
      config: first.config,
      clock: first.clock,
      queue: new AutopilotRetries(dir),
    });
    await ap2.start();
    await flush();
    const r = ap2.snapshot().retrying[0]!;
    assert.deepEqual([r.identifier, r.attempt, Date.parse(r.dueAt) - first.clock.now()], ['#1', 1, 6_000]);
    assert.ok(
      ap2.snapshot().events.some((e) => /resumed 1 retry from before the restart: #1/.test(e.message)),
      'the tree says so',
    );
    assert.equal(host2.launches.length, 0, 'a claimed issue waiting to retry is not dispatched by the first poll');
    await first.clock.advance(6_000);
    assert.equal(host2.launches.length, 1);
    assert.equal(host2.launches[0]?.attemptNumber, 1, 'the retry keeps its attempt number');
    assert.equal(new AutopilotRetries(dir).saved().length, 0, 'a due retry leaves the saved queue');

    host2.fail(host2.taskOf('a')!.attempts[0]!.id);
    await flush();
    assert.equal(new AutopilotRetries(dir).saved().length, 1);
    ap2.stop('stopped by a client');
    assert.deepEqual(new AutopilotRetries(dir).saved(), [], "a person's stop drops the retries for good");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
