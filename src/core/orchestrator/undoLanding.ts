// Undo of a local land on the orchestrator's records: checks the task, reverts on the base, records it on the attempt.

import { appendJournalEvent } from '../observability/journal';
import { undoLand } from '../land/undoLand';
import type { UndoLandResult } from '../contract/land';
import type { LandingHost } from './landing';
import { UsageError } from './validation';

/** A revert commit on the base, only while nothing else landed since (else a clear refusal); `afterwards` re-flags other tasks. */
export async function undoTaskLand(host: LandingHost, taskId: string, afterwards: () => Promise<void>): Promise<UndoLandResult> {
  const task = host.tasks().find((t) => t.id === taskId);
  if (!task) throw new UsageError(`no task ${taskId}`);
  const attempt = task.attempts.find((a) => a.landed);
  if (task.state !== 'landed' || !attempt?.landed) throw new UsageError(`task ${taskId} has not landed; there is nothing to undo`);
  if (attempt.landed.aside) throw new UsageError(`task ${taskId} landed aside on ${attempt.landed.aside}, not on ${task.baseRef}: delete that branch instead`);
  if (attempt.landed.revertedBy) throw new UsageError(`the land of task ${taskId} was already undone (${attempt.landed.revertedBy.slice(0, 8)})`);
  const r = await undoLand({
    repo: host.repo, baseBranch: task.baseRef, landedCommit: attempt.landed.commit, worktreeRoot: host.worktreeRoot(),
    message: `Revert "${task.title.slice(0, 60)}"\n\nUndo of the land of ${attempt.id} (${attempt.landed.commit}).\n\nQuartet-Task: ${task.id}\n`,
  });
  host.log(`task=${taskId} undo land: ${r.status} ${r.message}`);
  if (r.status !== 'reverted') throw new UsageError(`cannot undo the land: ${r.message}`);
  const commit = r.commit;
  host.updateAttempt(attempt.id, (a) => ({ ...a, landed: a.landed ? { ...a.landed, revertedBy: commit } : a.landed, lastEvent: `land undone: reverted on ${task.baseRef} as ${commit.slice(0, 8)}` }));
  // The journal keeps the story of the attempt: its land was taken back (a `warning` so every reader shows it).
  appendJournalEvent(attempt.journal, { type: 'warning', message: `land undone: ${r.message}` });
  await afterwards();
  return r;
}
