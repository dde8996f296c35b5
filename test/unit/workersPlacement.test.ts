// Unit: placement on worker hosts (pure) — least loaded, local counts, waits when full, never a silent local fallback, same host for retries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LOCAL_HOST, place, type HostSlot, type PlacementRequest } from '../../src/core/workers/placement';

const slot = (host: string, capacity: number | null, running: number, healthy = true): HostSlot => ({
  host,
  capacity,
  running,
  healthy,
});
const fresh: PlacementRequest = { kind: 'new', previousHost: null, sideEffects: false };

test('a fresh attempt goes to the least-loaded free host, this machine included; ties keep the listed order', () => {
  assert.deepEqual(place(fresh, [slot(LOCAL_HOST, 2, 0), slot('b1', 2, 0), slot('b2', 2, 0)], 10), {
    kind: 'place',
    host: LOCAL_HOST,
    why: 'least-loaded',
  });
  assert.deepEqual(place(fresh, [slot(LOCAL_HOST, 2, 1), slot('b1', 2, 0), slot('b2', 2, 0)], 10), {
    kind: 'place',
    host: 'b1',
    why: 'least-loaded',
  });
  assert.deepEqual(
    place(fresh, [slot(LOCAL_HOST, 2, 1), slot('b1', 4, 1), slot('b2', 2, 1)], 10),
    { kind: 'place', host: 'b1', why: 'least-loaded' },
    '1/4 beats 1/2',
  );
  assert.equal(
    (place(fresh, [slot(LOCAL_HOST, 2, 2), slot('b1', 2, 2), slot('b2', 2, 1)], 10) as { host: string }).host,
    'b2',
  );
});

test('six attempts over local + two hosts of capacity 2 fill every slot once, then the seventh waits', () => {
  const slots = [slot(LOCAL_HOST, 2, 0), slot('b1', 2, 0), slot('b2', 2, 0)];
  const placed: string[] = [];
  for (let i = 0; i < 6; i++) {
    const p = place(fresh, slots, 16);
    assert.equal(p.kind, 'place');
    const host = (p as { host: string }).host;
    placed.push(host);
    slots.find((s) => s.host === host)!.running++;
  }
  assert.deepEqual(placed.sort(), [LOCAL_HOST, LOCAL_HOST, 'b1', 'b1', 'b2', 'b2']);
  assert.deepEqual(place(fresh, slots, 16), { kind: 'wait', why: 'all-full' });
});

test('never a silent fallback to this machine: local full or switched off (capacity 0) means wait', () => {
  assert.deepEqual(place(fresh, [slot(LOCAL_HOST, 0, 0), slot('b1', 1, 1)], 10), { kind: 'wait', why: 'all-full' });
  assert.deepEqual(place(fresh, [slot(LOCAL_HOST, 0, 0), slot('b1', 2, 0, false)], 10), {
    kind: 'wait',
    why: 'no-healthy-host',
  });
  assert.deepEqual(
    place(fresh, [slot(LOCAL_HOST, 2, 1), slot('b1', 2, 1)], 2),
    { kind: 'wait', why: 'global-limit' },
    'free slots, but the global limit is reached',
  );
});

test('an unhealthy host takes nothing new; a host without its own capacity shares the global limit', () => {
  assert.equal(
    (place(fresh, [slot(LOCAL_HOST, 1, 1), slot('b1', 4, 0, false), slot('b2', null, 3)], 10) as { host: string }).host,
    'b2',
  );
  assert.deepEqual(place(fresh, [slot(LOCAL_HOST, 1, 1), slot('b2', null, 3)], 4), {
    kind: 'wait',
    why: 'global-limit',
  });
});

test('a retry or follow-up prefers the host it ran on, and waits for it rather than move its work', () => {
  const slots = [slot(LOCAL_HOST, 2, 0), slot('b1', 2, 1), slot('b2', 2, 0)];
  for (const kind of ['retry', 'follow-up'] as const) {
    assert.deepEqual(
      place({ kind, previousHost: 'b1', sideEffects: true }, slots, 10),
      { kind: 'place', host: 'b1', why: 'same-host' },
      kind,
    );
  }
  const busy = [slot(LOCAL_HOST, 2, 0), slot('b1', 2, 2), slot('b2', 2, 0)];
  assert.deepEqual(place({ kind: 'follow-up', previousHost: 'b1', sideEffects: false }, busy, 10), {
    kind: 'wait',
    why: 'same-host-busy',
  });
  assert.deepEqual(place({ kind: 'retry', previousHost: 'b1', sideEffects: true }, busy, 10), {
    kind: 'wait',
    why: 'same-host-busy',
  });
  // Nothing left behind on b1: a cold start elsewhere is allowed (SPEC A.2 "before work has meaningfully started").
  assert.deepEqual(place({ kind: 'retry', previousHost: 'b1', sideEffects: false }, busy, 10), {
    kind: 'place',
    host: LOCAL_HOST,
    why: 'least-loaded',
  });
  assert.deepEqual(place({ kind: 'retry', previousHost: LOCAL_HOST, sideEffects: true }, slots, 10), {
    kind: 'place',
    host: LOCAL_HOST,
    why: 'same-host',
  });
});

test('the previous host is gone: fail over only before side effects; after them a rerun is a new attempt; a follow-up is refused', () => {
  const down = [slot(LOCAL_HOST, 2, 1), slot('b1', 2, 0, false), slot('b2', 2, 0)];
  assert.deepEqual(place({ kind: 'retry', previousHost: 'b1', sideEffects: false }, down, 10), {
    kind: 'place',
    host: 'b2',
    why: 'failover-before-side-effects',
  });
  assert.deepEqual(place({ kind: 'retry', previousHost: 'b1', sideEffects: true }, down, 10), {
    kind: 'new-attempt',
    why: 'previous-host-unavailable',
  });
  assert.deepEqual(place({ kind: 'follow-up', previousHost: 'b1', sideEffects: true }, down, 10), {
    kind: 'refuse',
    why: 'previous-host-gone',
  });
  // No longer configured counts as gone.
  assert.deepEqual(place({ kind: 'retry', previousHost: 'b9', sideEffects: true }, down, 10), {
    kind: 'new-attempt',
    why: 'previous-host-unavailable',
  });
  const full = [slot(LOCAL_HOST, 1, 1), slot('b1', 2, 0, false), slot('b2', 1, 1)];
  assert.deepEqual(place({ kind: 'retry', previousHost: 'b1', sideEffects: false }, full, 10), {
    kind: 'wait',
    why: 'all-full',
  });
});
