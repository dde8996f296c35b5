// Undo of a task's local land: checks the task, reverts on the base (undoLand.ts), records it on the attempt and its journal.

import type { AttemptSnapshot } from '../../shared/model';
import { appendJournalEvent } from '../observability/journal';
import { LandError } from './errors';
import type { LandFlowHost, LandTask } from './landFlow';
import { undoLand } from './undoLand';
import type { UndoLandResult } from '../contract/land';

/** A revert commit on the base, only while nothing else landed since (else a clear refusal); `afterwards` re-flags other tasks. */
export async function undoTaskLand(
  host: LandFlowHost,
  task: LandTask,
  afterwards: () => Promise<void>,
): Promise<UndoLandResult> {
  const taskId = task.id;
  const attempt: AttemptSnapshot | undefined = task.attempts.find((a) => a.landed);
  if (task.state !== 'landed' || !attempt?.landed)
    throw new LandError(`task ${taskId} has not landed; there is nothing to undo`, 'refused');
  if (attempt.landed.aside)
    throw new LandError(
      `task ${taskId} landed aside on ${attempt.landed.aside}, not on ${task.baseRef}: delete that branch instead`,
      'refused',
    );
  if (attempt.landed.revertedBy)
    throw new LandError(
      `the land of task ${taskId} was already undone (${attempt.landed.revertedBy.slice(0, 8)})`,
      'refused',
    );
  const r = await undoLand({
    repo: host.repo,
    baseBranch: task.baseRef,
    landedCommit: attempt.landed.commit,
    worktreeRoot: host.worktreeRoot(),
    message: `Revert "${task.title.slice(0, 60)}"\n\nUndo of the land of ${attempt.id} (${attempt.landed.commit}).\n\nQuartet-Task: ${task.id}\n`,
  });
  host.log(`task=${taskId} undo land: ${r.status} ${r.message}`);
  if (r.status !== 'reverted') throw new LandError(`cannot undo the land: ${r.message}`, 'refused');
  const commit = r.commit;
  host.patchAttempt(attempt.id, (a) => ({
    landed: a.landed ? { ...a.landed, revertedBy: commit } : a.landed,
    lastEvent: `land undone: reverted on ${task.baseRef} as ${commit.slice(0, 8)}`,
  }));
  // The journal keeps the story of the attempt: its land was taken back (a `warning` so every reader shows it).
  appendJournalEvent(attempt.journal, { type: 'warning', message: `land undone: ${r.message}` });
  await afterwards();
  return r;
}
