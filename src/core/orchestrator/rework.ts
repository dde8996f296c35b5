// Rework: archive an attempt with the reason and a post-mortem, then a fresh attempt (index max+1, new branch) that carries both.

import { existsSync } from 'node:fs';
import { isTerminal } from '../../shared/model';
import type { ReworkResult } from '../contract/land';
import type { GithubCredentials } from '../contract/land';
import type { AttemptRecord, TaskRecord } from './records';
import { UsageError } from './validation';

export interface ReworkHost {
  tasks(): TaskRecord[];
  /** A secret (a GitHub token) to scrub from the task's journals and the log. */
  addSecret(taskId: string, value: string): void;
  stop(attemptId: string): Promise<void>;
  archive(attemptId: string, reason: string, github: GithubCredentials | null): Promise<AttemptRecord>;
  /** Adds a fresh queued attempt to the task and dispatches it. */
  addAttempt(task: TaskRecord, promptAddendum: string, reworkOf: string): AttemptRecord;
  rescore(taskId: string): void;
}

export async function reworkAttempt(
  host: ReworkHost,
  attemptId: string,
  reason: string,
  github: GithubCredentials | null = null,
): Promise<ReworkResult> {
  const task = host.tasks().find((t) => t.attempts.some((a) => a.id === attemptId));
  const attempt = task?.attempts.find((a) => a.id === attemptId);
  if (!task || !attempt) throw new UsageError(`no attempt ${attemptId}`);
  if (attempt.archived) throw new UsageError(`attempt ${attemptId} is already archived`);
  if (github?.token) host.addSecret(task.id, github.token);
  if (!isTerminal(attempt.phase)) await host.stop(attemptId);
  const done =
    existsSync(attempt.worktree) || attempt.resultCommit
      ? await host.archive(attemptId, `rework: ${reason || 'no reason given'}`, github)
      : attempt;
  const addendum = [
    `A previous attempt at this task (attempt ${attempt.index}) was discarded by the person reviewing it.`,
    `Their reason: ${reason || '(none given)'}`,
    'Post-mortem of that attempt:',
    done.archived?.postMortem ?? '(it never started)',
    'Do not repeat its mistakes.',
  ].join('\n');
  const fresh = host.addAttempt(task, addendum, attemptId);
  host.rescore(task.id);
  const pr = done.archived?.pullRequest;
  return { archived: done.archived?.patch ?? '', newAttemptId: fresh.id, ...(pr ? { pullRequest: pr } : {}) };
}
