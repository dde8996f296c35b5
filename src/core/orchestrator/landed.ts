// What a land changes in the records: the attempt and task say landed, the task is cleaned up, other tasks are re-flagged.

import type { LandProgress } from '../../shared/model';
import type { GithubCredentials } from '../contract/land';
import { conflictsWithBase } from '../land/conflicts';
import { LandError } from '../land/errors';
import type { LandOutcome } from '../land/landFlow';
import { appendJournalEvent } from '../observability/journal';
import type { AttemptRecord, TaskRecord } from './records';
import { UsageError } from './validation';

export interface LandedHost {
  readonly repo: string;
  tasks(): TaskRecord[];
  updateAttempt(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  updateTask(id: string, change: (t: TaskRecord) => TaskRecord): void;
  /** Archive and remove every attempt of the task (see archiving.ts). */
  cleanupAfterLand(taskId: string, landedId: string, github: GithubCredentials | null): Promise<void>;
  rescore(taskId: string): void;
}

const now = (): string => new Date().toISOString();

/** A land happened (locally or through a PR): the attempt and task say so, then cleanup and conflict flags. */
export async function recordLanded(
  host: LandedHost,
  taskId: string,
  attemptId: string,
  outcome: LandOutcome,
  final: LandProgress,
  github: GithubCredentials | null,
): Promise<void> {
  const task = host.tasks().find((t) => t.id === taskId);
  const attempt = task?.attempts.find((a) => a.id === attemptId);
  if (!task || !attempt) throw new UsageError(`no attempt ${attemptId}`);
  const { commit, aside, message } = outcome;
  host.updateAttempt(attemptId, (a) => ({
    ...a,
    landed: { at: now(), commit, aside, message },
    lastEvent: aside ? `landed on ${aside}` : `landed on ${task.baseRef}`,
  }));
  appendJournalEvent(attempt.journal, { type: 'landed', commit, aside, message });
  // The outcome shows once the cleanup is done too: a client that sees "landed" sees the siblings archived.
  if (task.options.cleanupAfterLand) await host.cleanupAfterLand(taskId, attemptId, github);
  host.updateTask(taskId, (t) => ({ ...t, state: 'landed', landing: final }));
  await flagOtherTasks(host, taskId);
}

/** Live attempts of other open tasks that now conflict with the new base are flagged. */
export async function flagOtherTasks(host: LandedHost, landedTaskId: string): Promise<void> {
  for (const t of host.tasks().filter((x) => x.id !== landedTaskId && x.state === 'open')) {
    for (const a of t.attempts.filter((x) => x.phase === 'finished' && !x.archived)) {
      const c = await conflictsWithBase(host.repo, t.baseRef, a.branch).catch(() => null);
      if (!c) continue;
      const newly = c.conflicts && !a.conflicts?.withBase;
      const flag = `now conflicts with ${t.baseRef} in ${c.files.join(', ')} (another task landed); Resolve with agent or rework`;
      if (newly) appendJournalEvent(a.journal, { type: 'warning', message: flag });
      host.updateAttempt(a.id, (x) => ({
        ...x,
        conflicts: { withBase: c.conflicts, files: c.files, withAttempts: x.conflicts?.withAttempts ?? [] },
        ...(newly ? { lastEvent: flag } : {}),
      }));
    }
    host.rescore(t.id);
  }
}

/** A land flow's refusal is the caller's mistake: the API answers it as a usage error (400; CLI exit 2). */
export function asUsage<T>(flow: Promise<T>): Promise<T> {
  return flow.catch((err: unknown) => {
    throw err instanceof LandError && err.reason === 'refused' ? new UsageError(err.message) : err;
  });
}
