// Unit: the Resolve-with-agent state machine — every step's outcomes, where it hands over to the land, terminal states.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isResolveTerminal,
  nextResolveState,
  resolveStepStatus,
  type ResolveState,
} from '../../src/core/land/resolveSteps';

test('the happy path: merge-base (conflict) → resolve → verify → recheck → land', () => {
  assert.equal(nextResolveState('merge-base', 'conflict'), 'resolve');
  assert.equal(nextResolveState('verify', 'clean'), 'recheck');
  assert.equal(nextResolveState('resolve', 'completed'), 'recheck');
  assert.equal(nextResolveState('recheck', 'passed'), 'land');
  assert.equal(nextResolveState('recheck', 'skipped'), 'land');
});

test('no conflict left to resolve: a branch that has the base, or a base that now merges cleanly, goes straight to the land', () => {
  assert.equal(nextResolveState('merge-base', 'contained'), 'land');
  assert.equal(nextResolveState('merge-base', 'clean'), 'land');
});

test('failures: a merge error, a failed turn, markers or a refused merge commit (rolled back), failing checks, nothing left', () => {
  assert.equal(nextResolveState('merge-base', 'error'), 'failed');
  assert.equal(nextResolveState('resolve', 'failed'), 'failed');
  assert.equal(nextResolveState('verify', 'markers'), 'abort');
  assert.equal(nextResolveState('verify', 'commit_failed'), 'abort');
  assert.equal(nextResolveState('recheck', 'failed'), 'checks_failed');
  assert.equal(nextResolveState('recheck', 'failed', false), 'checks_failed', 'failing checks are reported first');
  assert.equal(nextResolveState('recheck', 'passed', false), 'refused');
  assert.equal(nextResolveState('recheck', 'skipped', false), 'refused');
});

test('terminal states, and the states a flow runs', () => {
  for (const s of ['land', 'abort', 'failed', 'checks_failed', 'refused'] as ResolveState[])
    assert.equal(isResolveTerminal(s), true, s);
  for (const s of ['merge-base', 'resolve', 'verify', 'recheck'] as ResolveState[])
    assert.equal(isResolveTerminal(s), false, s);
});

test('step statuses: conflicts found are the merge-base step doing its job; checks that did not run are skipped', () => {
  assert.equal(resolveStepStatus('merge-base', 'conflict'), 'ok');
  assert.equal(resolveStepStatus('merge-base', 'contained'), 'ok');
  assert.equal(resolveStepStatus('merge-base', 'error'), 'failed');
  assert.equal(resolveStepStatus('resolve', 'failed'), 'failed');
  assert.equal(resolveStepStatus('verify', 'markers'), 'failed');
  assert.equal(resolveStepStatus('verify', 'clean'), 'ok');
  assert.equal(resolveStepStatus('recheck', 'passed'), 'ok');
  assert.equal(resolveStepStatus('recheck', 'skipped'), 'skipped');
  assert.equal(resolveStepStatus('recheck', 'failed'), 'failed');
});
