// Snapshot fixtures of lands for the panel tests: a PR land under way, a local land that conflicted, a landed task.

import type { LandProgress, LandPullRequest, Snapshot } from '../../src/shared/model';
import { attemptFixture, taskFixture } from './snapshotFixture';

export const PR_TASK = 't-dddddddddddd';
export const CONFLICT_TASK = 't-eeeeeeeeeeee';
export const PR_URL = 'https://github.example/octo/sample/pull/12';

export function prFixture(patch: Partial<LandPullRequest> = {}): LandPullRequest {
  return {
    number: 12,
    url: PR_URL,
    state: 'open',
    checks: { state: 'failure', failing: ['ci'], pending: [] },
    reviews: { approved: ['alice'], changesRequested: ['bob'] },
    fixes: 1,
    ...patch,
  };
}

export function prLanding(patch: Partial<LandProgress> = {}): LandProgress {
  return {
    attemptId: `${PR_TASK}-2`,
    step: 'wait',
    status: 'running',
    message: 'landing as a pull request on octo/sample',
    steps: [
      { step: 'push', status: 'ok', detail: 'pushed quartet/fix-it/2' },
      { step: 'pr', status: 'ok', detail: 'opened #12' },
      { step: 'fix', status: 'ok', detail: 'pushed 1a2b3c4d' },
      { step: 'wait', status: 'running', detail: 'checks running: ci' },
    ],
    conflictFiles: [],
    pr: prFixture(),
    prRepo: 'octo/sample',
    ...patch,
  };
}

const finished = { phase: 'finished' as const, endedAt: '2026-11-21T10:04:00.000Z', resultCommit: 'def456' };

/** Task 1: a PR land of attempt #2 waiting on checks (one fix turn done). Task 2: a local land of #1 that conflicted; #2 conflicts too (flagged). */
export function landingSnapshot(landing: LandProgress = prLanding()): Snapshot {
  return {
    repo: '/repo',
    generatedAt: '2026-11-21T10:06:00.000Z',
    tasks: [
      taskFixture(
        PR_TASK,
        'Fix the greeting',
        [
          attemptFixture(PR_TASK, 1, { ...finished }),
          attemptFixture(PR_TASK, 2, {
            ...finished,
            recommended: true,
            followUps: [
              {
                reason: 'pr-fix',
                at: '2026-11-21T10:05:00.000Z',
                outcome: 'completed',
                message: 'Fixed the failing check ci',
                endedAt: '2026-11-21T10:05:30.000Z',
              },
            ],
          }),
        ],
        { landing },
      ),
      taskFixture(
        CONFLICT_TASK,
        'Write the shared note',
        [
          attemptFixture(CONFLICT_TASK, 1, {
            ...finished,
            conflicts: { withBase: true, files: ['notes/shared.md'], withAttempts: [] },
          }),
          attemptFixture(CONFLICT_TASK, 2, {
            ...finished,
            conflicts: { withBase: true, files: ['notes/shared.md'], withAttempts: [] },
          }),
          attemptFixture(CONFLICT_TASK, 3, {
            ...finished,
            threadId: null,
            conflicts: { withBase: true, files: ['notes/shared.md'], withAttempts: [] },
          }),
        ],
        {
          landing: {
            attemptId: `${CONFLICT_TASK}-1`,
            step: 'conflict',
            status: 'conflict',
            message: 'conflicts with main in notes/shared.md',
            steps: [
              { step: 'prepare', status: 'ok', detail: 'temporary worktree at 0a1b2c3d' },
              { step: 'merge', status: 'failed', detail: 'conflicts in notes/shared.md' },
            ],
            conflictFiles: ['notes/shared.md'],
          },
        },
      ),
    ],
    counts: { running: 0, needsYou: 0, queued: 0, finished: 5, failed: 0 },
    warnings: [],
  };
}
