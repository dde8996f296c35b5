// Unit: attempt phase transitions, outcome mapping and retry backoff — pure, no I/O.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canTransition,
  phaseForOutcome,
  retryDelayMs,
  transition,
  TransitionError,
} from '../../src/core/orchestrator/transitions';
import { PHASES, isTerminal, type Phase } from '../../src/shared/model';

const base = { phase: 'queued' as Phase, reason: null, startedAt: null, endedAt: null };

test('the happy path: queued → preparing → starting → working → finished', () => {
  let a = { ...base };
  a = transition(a, 'preparing', null, 't1');
  assert.equal(a.startedAt, 't1');
  a = transition(a, 'starting', null, 't2');
  a = transition(a, 'working', null, 't3');
  a = transition(a, 'needs-you', null, 't4');
  a = transition(a, 'working', null, 't5');
  a = transition(a, 'finished', null, 't6');
  assert.equal(a.endedAt, 't6');
  assert.equal(a.startedAt, 't1');
});

test('terminal phases only go back to the queue (retry, resume; from finished only a follow-up turn)', () => {
  for (const to of PHASES)
    assert.equal(canTransition('finished', to), to === 'finished' || to === 'queued', `finished → ${to}`);
  for (const from of ['failed', 'stalled', 'stopped', 'interrupted'] as Phase[]) {
    for (const to of PHASES) assert.equal(canTransition(from, to), to === from || to === 'queued', `${from} → ${to}`);
  }
});

test('illegal moves throw a typed error', () => {
  assert.throws(() => transition({ ...base }, 'finished', null, 't'), TransitionError);
  assert.throws(() => transition({ ...base, phase: 'working' }, 'preparing', null, 't'), TransitionError);
});

test('retry clears the end time and keeps the first start', () => {
  const failed = { phase: 'failed' as Phase, reason: 'model_error' as const, startedAt: 't1', endedAt: 't2' };
  const q = transition(failed, 'queued', null, 't3');
  assert.equal(q.endedAt, null);
  assert.equal(q.startedAt, 't1');
  assert.equal(q.reason, null);
});

test('every terminal phase is reachable from working', () => {
  for (const p of PHASES.filter(isTerminal)) if (p !== 'interrupted') assert.ok(canTransition('working', p), p);
});

test('outcomes map to phases by reason', () => {
  assert.equal(phaseForOutcome('completed', null), 'finished');
  assert.equal(phaseForOutcome('failed', 'model_error'), 'failed');
  assert.equal(phaseForOutcome('failed', 'turn_timeout'), 'failed');
  assert.equal(phaseForOutcome('stopped', 'stall_timeout'), 'stalled');
  assert.equal(phaseForOutcome('stopped', 'stopped_by_user'), 'stopped');
  assert.equal(phaseForOutcome('stopped', 'supervisor_restart'), 'interrupted');
});

test('retry backoff is min(10 s · 2^(n-1), max)', () => {
  assert.equal(retryDelayMs(1, 300_000), 10_000);
  assert.equal(retryDelayMs(2, 300_000), 20_000);
  assert.equal(retryDelayMs(4, 300_000), 80_000);
  assert.equal(retryDelayMs(10, 300_000), 300_000);
});
