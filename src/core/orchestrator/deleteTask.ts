// "Delete Task": stop every attempt of a task (no process left), archive whatever work it holds, remove its worktrees and branches, forget it.

import { existsSync } from 'node:fs';
import { isTerminal } from '../../shared/model';
import type { AttemptRecord, TaskRecord } from './records';
import { UsageError } from './validation';
import type { DeletedTask } from '../contract/replies';

export interface DeleteTaskHost {
  task(taskId: string): TaskRecord | undefined;
  stopAndWait(attemptId: string): Promise<void>;
  /** Patch + post-mortem under the archive, then the worktree and branch go (closes a PR left open when it can). */
  archive(attemptId: string, reason: string): Promise<AttemptRecord>;
  /** Drops the task from the state (its journals and archives stay on disk). */
  forget(taskId: string): void;
  log(line: string): void;
}

export async function deleteTask(host: DeleteTaskHost, taskId: string): Promise<DeletedTask> {
  const task = host.task(taskId);
  if (!task) throw new UsageError(`no task ${taskId} (see quartet status)`);
  if (task.landing?.status === 'running')
    throw new UsageError(`task ${taskId} is landing right now; wait for the land to end, then delete it`);
  // Stop first: nothing of the task may still be running (or queued to run) once it is gone.
  for (const a of task.attempts) if (!isTerminal(a.phase)) await host.stopAndWait(a.id);
  const archived: DeletedTask['archived'] = [];
  for (const a of host.task(taskId)?.attempts ?? []) {
    if (a.archived) continue;
    if (!existsSync(a.worktree) && !a.resultCommit) continue;
    // Never removed without its archive: a failed archive keeps the task (and says why) rather than losing work.
    const done = await host.archive(a.id, 'task deleted');
    if (done.archived) archived.push({ attemptId: a.id, patch: done.archived.patch });
  }
  host.forget(taskId);
  host.log(`task=${taskId} deleted (${archived.length} attempts archived)`);
  return { taskId, archived };
}
