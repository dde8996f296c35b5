// Which tree rows two snapshots differ in; null when tasks or attempts came or went (the tree must rebuild).

import type { Snapshot } from '../../shared/model';
import { visibleTasks } from './taskView';
import { waitingForChecksText } from '../../core/land/recommendGate';

export interface RowRef {
  taskId: string;
  attemptId?: string;
}

function shape(s: Snapshot | undefined): string {
  return visibleTasks(s)
    .map((t) => `${t.id}:${t.attempts.map((a) => a.id).join(',')}`)
    .join('|');
}

export function changedRows(previous: Snapshot | undefined, current: Snapshot | undefined): RowRef[] | null {
  if (!previous || !current || shape(previous) !== shape(current)) return null;
  const before = new Map(visibleTasks(previous).map((t) => [t.id, t]));
  const rows: RowRef[] = [];
  for (const task of visibleTasks(current)) {
    const old = before.get(task.id);
    let taskChanged = JSON.stringify({ ...old, attempts: [] }) !== JSON.stringify({ ...task, attempts: [] });
    // Every row says "waiting for checks on #3" while a sibling's checks run: a change there repaints them all.
    const gateChanged = waitingForChecksText(old?.attempts ?? []) !== waitingForChecksText(task.attempts);
    for (const a of task.attempts) {
      if (!gateChanged && JSON.stringify(old?.attempts.find((x) => x.id === a.id)) === JSON.stringify(a)) continue;
      rows.push({ taskId: task.id, attemptId: a.id });
      // The task row counts its attempts' phases.
      taskChanged = true;
    }
    if (taskChanged) rows.push({ taskId: task.id });
  }
  return rows;
}
