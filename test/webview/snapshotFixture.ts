// Builds Snapshot fixtures for the panel tests and benchmark: tasks, attempts in any phase, pending questions.

import {
  ATTEMPT_EXTRAS,
  type AttemptSnapshot,
  type PendingQuestion,
  type Phase,
  type Snapshot,
  type TaskSnapshot,
} from '../../src/shared/model';

export function attemptFixture(taskId: string, index: number, patch: Partial<AttemptSnapshot> = {}): AttemptSnapshot {
  return {
    id: `${taskId}-${index}`,
    taskId,
    index,
    branch: `quartet/task/${index}`,
    worktree: `/tmp/wt/task/${index}`,
    base: 'abc123',
    phase: 'working' as Phase,
    reason: null,
    tokens: { input: 12_000, cachedInput: 8_000, output: 900, reasoningOutput: 300, total: 12_900 },
    startedAt: '2026-11-21T10:00:00.000Z',
    endedAt: null,
    lastEvent: 'ran `npm test` (exit 0)',
    lastEventAt: '2026-11-21T10:01:00.000Z',
    lastError: null,
    journal: `/tmp/journals/${taskId}-${index}.jsonl`,
    threadId: 'thread-1',
    threadIds: ['thread-1'],
    model: 'gpt-5.5',
    modelProvider: 'openai',
    demoModel: false,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: null,
    filesChanged: 2,
    ...ATTEMPT_EXTRAS,
    ...patch,
  };
}

export function taskFixture(
  id: string,
  title: string,
  attempts: AttemptSnapshot[],
  patch: Partial<TaskSnapshot> = {},
): TaskSnapshot {
  return {
    id,
    key: `${id}-key`,
    title,
    prompt: `Prompt of ${title}`,
    createdAt: '2026-11-21T09:59:00.000Z',
    state: 'open',
    baseRef: 'main',
    attempts,
    recommended: null,
    landing: null,
    ...patch,
  };
}

export const APPROVAL_COMMAND = `/bin/bash -lc "rm -rf build && npm ci && ${'printf padding && '.repeat(12)}cp -r out /var/tmp/quartet-cache"`;
export const APPROVAL: PendingQuestion = {
  id: 'pend-1',
  kind: 'command',
  summary: 'run `rm -rf build && npm ci`',
  reason: 'outside the worktree',
  command: APPROVAL_COMMAND,
  cwd: '/home/dev/.quartet/worktrees/greeter-1a2b3c4d/add-a-french-greeting-aaaaaaaa/2',
  canAcceptForAttempt: true,
};
export const QUESTION: PendingQuestion = {
  id: 'pend-2',
  kind: 'userInput',
  summary: 'Which greeting should be the default?',
  reason: null,
  questions: [{ id: 'q1', question: 'Which greeting should be the default?', options: ['Hello', 'Bonjour'] }],
};

/** One task with four attempts: working, needs-you (approval), failed, finished; a second with a question. */
export function snapshotFixture(): Snapshot {
  const t1 = 't-aaaaaaaaaaaa';
  const t2 = 't-bbbbbbbbbbbb';
  return {
    repo: '/repo',
    generatedAt: '2026-11-21T10:02:00.000Z',
    tasks: [
      taskFixture(
        t1,
        'Add a French greeting',
        [
          attemptFixture(t1, 1),
          attemptFixture(t1, 2, { phase: 'needs-you', reason: 'approval', pending: APPROVAL }),
          attemptFixture(t1, 3, {
            phase: 'failed',
            reason: 'turn_failed',
            endedAt: '2026-11-21T10:05:00.000Z',
            lastError: 'turn failed: tests did not pass',
            checks: {
              state: 'failed',
              command: 'npm test',
              exitCode: 1,
              durationMs: 4200,
              summary: ['✖ greets in French', "AssertionError: expected 'Hello' to equal 'Bonjour'"],
              at: '2026-11-21T10:05:10.000Z',
            },
          }),
          attemptFixture(t1, 4, {
            phase: 'finished',
            endedAt: '2026-11-21T10:04:00.000Z',
            resultCommit: 'def456',
            checks: {
              state: 'passed',
              command: 'npm test',
              exitCode: 0,
              durationMs: 3900,
              summary: [],
              at: '2026-11-21T10:04:10.000Z',
            },
            diffStat: { files: 2, added: 14, removed: 3 },
            score: { score: 0.92, eligible: true, reasons: ['checks pass', 'smallest diff'] },
            recommended: true,
          }),
        ],
        { recommended: `${t1}-4` },
      ),
      taskFixture(t2, 'Pick a default greeting', [
        attemptFixture(t2, 1, { phase: 'needs-you', reason: 'user_input', pending: QUESTION }),
      ]),
    ],
    counts: { running: 1, needsYou: 2, queued: 0, finished: 1, failed: 1 },
    warnings: [],
  };
}
