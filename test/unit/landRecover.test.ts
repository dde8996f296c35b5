// Unit: a land still "running" when the supervisor restarts is marked failed, naming the open PR to pick up again.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Landing, type LandingHost } from '../../src/core/orchestrator/landing';
import type { TaskRecord } from '../../src/core/orchestrator/records';
import type { LandProgress } from '../../src/shared/model';

function hostWith(tasks: TaskRecord[]): LandingHost {
  const never = (): never => {
    throw new Error('not used');
  };
  return {
    repo: '/nowhere', stateDir: '/nowhere', worktreeRoot: () => '/nowhere', tasks: () => tasks,
    updateAttempt: never, updateTask: (id, change) => {
      const i = tasks.findIndex((t) => t.id === id);
      tasks[i] = change(tasks[i] as TaskRecord);
    },
    envFor: () => ({}), stop: never, addAttempt: never, followUp: never, addSecret: never, log: () => undefined,
  };
}

const task = (id: string, landing: LandProgress | null): TaskRecord => ({ id, landing } as unknown as TaskRecord);
const progress = (o: Partial<LandProgress>): LandProgress => ({ attemptId: 'a', step: 'wait', status: 'running', message: '', steps: [], conflictFiles: [], ...o });

test('recover: running lands fail with a message; a PR land names its open PR; finished lands are untouched', () => {
  const pr = { number: 9, url: 'https://github.com/o/r/pull/9', state: 'open' as const, checks: { state: 'pending' as const, failing: [], pending: [] }, reviews: { approved: [], changesRequested: [] }, fixes: 1 };
  const tasks = [task('t-1', progress({ pr })), task('t-2', progress({ step: 'merge' })), task('t-3', progress({ status: 'needs_you', pr })), task('t-4', null)];
  new Landing(hostWith(tasks)).recover();
  assert.equal(tasks[0]?.landing?.status, 'failed');
  assert.equal(tasks[0]?.landing?.message, 'interrupted: Quartet restarted during the land. PR #9 stays open (https://github.com/o/r/pull/9); land again to pick it up.');
  assert.equal(tasks[0]?.landing?.pr?.number, 9);
  assert.equal(tasks[1]?.landing?.status, 'failed');
  assert.equal(tasks[1]?.landing?.message, 'interrupted: Quartet restarted during the land.');
  assert.equal(tasks[2]?.landing?.status, 'needs_you');
  assert.equal(tasks[3]?.landing, null);
});
