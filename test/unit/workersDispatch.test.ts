// Unit: where dispatch places a queued attempt (new, retry, follow-up; hooks), and the words its row shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { globalLimit, placementText, placeQueued } from '../../src/core/workers/placeAttempt';
import { LOCAL_HOST, type HostSlot } from '../../src/core/workers/placement';
import { remoteCodexCommand, killGroupCommand } from '../../src/core/workers/remoteSpawn';
import { phaseForOutcome, stopSummary } from '../../src/core/orchestrator/transitions';
import { attemptRowText } from '../../src/extension/viewModel/attemptRow';
import type { AttemptSnapshot } from '../../src/shared/model';
import { supervisorSettings } from '../../src/extension/settingsModel';
import { resolveProblem } from '../../src/core/land/resolve';

const slot = (host: string, capacity: number | null, running: number, healthy = true): HostSlot => ({
  host,
  capacity,
  running,
  healthy,
});

test('this machine counts as a host with capacity maxConcurrent; the global limit is the sum of capacities', () => {
  const slots = [slot(LOCAL_HOST, 2, 0), slot('a', 1, 0), slot('b', null, 0)];
  assert.equal(globalLimit(slots, 2), 5, 'a host without a capacity counts as this machine');
  const fresh = { startedAt: null };
  assert.deepEqual(placeQueued(fresh, slots, 2, []), { kind: 'place', host: LOCAL_HOST, why: 'least-loaded' });
  const busy = [slot(LOCAL_HOST, 2, 1), slot('a', 1, 0), slot('b', null, 0)];
  assert.deepEqual(placeQueued(fresh, busy, 2, []), { kind: 'place', host: 'a', why: 'least-loaded' });
  const full = [slot(LOCAL_HOST, 1, 1), slot('a', 1, 1), slot('b', 3, 0, false)];
  const waits = placeQueued(fresh, full, 1, []);
  assert.deepEqual(
    waits,
    { kind: 'wait', why: 'all-full' },
    'never a silent fallback to an unhealthy host or past a capacity',
  );
  assert.equal(placementText(waits, null, []), 'queued: all hosts are full');
});

test('a retry or follow-up goes back to its host; a gone host means a new attempt, never a silent rerun', () => {
  const slots = [slot(LOCAL_HOST, 1, 0), slot('a', 1, 0), slot('b', 1, 0, false)];
  const ran = { startedAt: '2026-01-01T00:00:00Z', host: 'a' };
  assert.deepEqual(placeQueued(ran, slots, 1, []), { kind: 'place', host: 'a', why: 'same-host' });
  const onB = { startedAt: '2026-01-01T00:00:00Z', host: 'b' };
  const gone = placeQueued(onB, slots, 1, []);
  assert.deepEqual(gone, { kind: 'new-attempt', why: 'previous-host-unavailable' });
  assert.match(placementText(gone, 'b', []), /its worktree is on b, which is unavailable/);
  const followUp = placeQueued({ ...onB, resumeThread: 'th' }, slots, 1, []);
  assert.deepEqual(followUp, { kind: 'refuse', why: 'previous-host-gone' });
  // An attempt that ran here before (no host recorded) stays here.
  const local = placeQueued({ startedAt: '2026-01-01T00:00:00Z' }, slots, 1, []);
  assert.deepEqual(local, { kind: 'place', host: LOCAL_HOST, why: 'same-host' });
});

test('WORKFLOW.md hooks keep attempts on this machine, and the wait says why', () => {
  const slots = [slot(LOCAL_HOST, 1, 1), slot('a', 1, 0)];
  const p = placeQueued({ startedAt: null }, slots, 1, ['after_create']);
  assert.deepEqual(p, { kind: 'wait', why: 'all-full' });
  assert.match(placementText(p, null, ['after_create']), /hooks run only on this machine/);
  assert.deepEqual(placeQueued({ startedAt: null }, slots, 1, []), { kind: 'place', host: 'a', why: 'least-loaded' });
});

test('the remote Codex command: cd, setsid group with a pid file, only the named env, every word quoted', () => {
  const cmd = remoteCodexCommand("/h/q/it's $x", '/h/q/.run/a.pid', ['codex', 'app-server'], {
    QUARTET_ATTEMPT_ID: 'a; touch pwned',
  });
  assert.equal(
    cmd,
    `cd -- '/h/q/it'\\''s $x' && exec setsid -w sh -c 'echo $$ > "$0" && exec env "$@"' '/h/q/.run/a.pid' '--' 'QUARTET_ATTEMPT_ID=a; touch pwned' 'codex' 'app-server'`,
  );
  assert.throws(() => remoteCodexCommand('/w', '/p', ['codex'], { 'A;B': 'x' }), /not an environment variable name/);
  assert.match(killGroupCommand('/h/.run/a.pid'), /kill -s KILL -- "-\$p"/);
});

test('worker_lost interrupts (no automatic retry path) and says so in words; rows name a worker host', () => {
  assert.equal(phaseForOutcome('stopped', 'worker_lost'), 'interrupted');
  assert.equal(stopSummary('interrupted', 'worker_lost'), 'interrupted: the connection to its worker host dropped');
  const a = { phase: 'working', lastEvent: 'ran ls', host: 'build-1' } as unknown as AttemptSnapshot;
  assert.equal(attemptRowText(a, { waitingForChecks: null }), 'ran ls · on build-1');
  assert.equal(attemptRowText({ ...a, host: null }, { waitingForChecks: null }), 'ran ls');
});

test('the quartet.workers setting goes to the supervisor checked; an invalid list sends none', () => {
  const read = (v: unknown) => (k: string) => (k === 'workers' ? v : undefined);
  assert.deepEqual(supervisorSettings(read([{ host: 'u@b1', capacity: 2 }])).workers, [
    { host: 'u@b1', capacity: 2, worktreeRoot: '~/.quartet/worktrees' },
  ]);
  assert.deepEqual(supervisorSettings(read([{ host: '-oProxyCommand=x' }])).workers, []);
  assert.deepEqual(supervisorSettings(read(undefined)).workers, []);
});

test('Resolve with agent is refused for an attempt that ran on a worker host (its merge would be here, its thread there)', () => {
  const a = {
    id: 'a1',
    phase: 'finished',
    resultCommit: 'c'.repeat(40),
    threadId: 'th',
    archived: null,
    host: 'build-1',
  } as unknown as AttemptSnapshot;
  const task = { id: 't', state: 'open', landing: null } as unknown as Parameters<typeof resolveProblem>[1];
  assert.match(resolveProblem(a, task) ?? '', /ran on build-1: Resolve with agent is not available for worker hosts/);
  assert.equal(resolveProblem({ ...a, host: null }, task), null);
});
