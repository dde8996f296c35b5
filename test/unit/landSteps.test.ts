// Unit: the land state machine — every step's outcomes, the one retry when the base moves, terminal states.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isTerminal, MAX_ROUNDS, nextLandState, stepStatus } from '../../src/core/land/landSteps';

test('the happy path: prepare → merge → checks → advance → done', () => {
  assert.equal(nextLandState('prepare', 'ok', 1), 'merge');
  assert.equal(nextLandState('merge', 'ok', 1), 'checks');
  assert.equal(nextLandState('checks', 'passed', 1), 'advance');
  assert.equal(nextLandState('checks', 'skipped', 1), 'advance');
  assert.equal(nextLandState('advance', 'advanced', 1), 'done');
  assert.equal(nextLandState('advance', 'aside', 1), 'done');
});

test('failures end in conflict / checks_failed / refused', () => {
  assert.equal(nextLandState('prepare', 'refused', 1), 'refused');
  assert.equal(nextLandState('merge', 'conflict', 1), 'conflict');
  assert.equal(nextLandState('merge', 'empty', 1), 'refused');
  assert.equal(nextLandState('checks', 'failed', 1), 'checks_failed');
  assert.equal(nextLandState('advance', 'refused', 1), 'refused');
  for (const s of ['done', 'conflict', 'checks_failed', 'refused'] as const) assert.equal(isTerminal(s), true);
  for (const s of ['prepare', 'merge', 'checks', 'advance'] as const) assert.equal(isTerminal(s), false);
});

test('a moved base starts over once, then refuses', () => {
  assert.equal(MAX_ROUNDS, 2);
  assert.equal(nextLandState('advance', 'moved', 1), 'prepare');
  assert.equal(nextLandState('advance', 'moved', 2), 'refused');
});

test('step statuses', () => {
  assert.equal(stepStatus('checks', 'skipped'), 'skipped');
  assert.equal(stepStatus('advance', 'aside'), 'ok');
  assert.equal(stepStatus('advance', 'moved'), 'failed');
  assert.equal(stepStatus('merge', 'conflict'), 'failed');
});
