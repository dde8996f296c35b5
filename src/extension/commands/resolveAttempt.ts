// Finds the attempt a command applies to: the tree row it was invoked on, an attempt id, or a pick.

import * as vscode from 'vscode';
import type { AttemptSnapshot, TaskSnapshot } from '../../shared/model';
import type { SnapshotStore } from '../snapshotStore';
import { attemptDescription, attemptLabel } from '../viewModel/attemptView';
import { visibleTasks } from '../viewModel/taskView';

export interface AttemptTarget {
  task: TaskSnapshot;
  attempt: AttemptSnapshot;
}

function attemptIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'attemptId' in arg && typeof arg.attemptId === 'string') return arg.attemptId;
  return undefined;
}

/**
 * A tree row or an id resolves directly; without an argument (command palette) the user picks among
 * the attempts `eligible` accepts. Undefined when cancelled or nothing fits (the user was told).
 */
export async function resolveAttempt(
  store: SnapshotStore,
  arg: unknown,
  eligible: (a: AttemptSnapshot) => boolean,
  placeHolder: string,
): Promise<AttemptTarget | undefined> {
  const id = attemptIdOf(arg);
  if (id) {
    const found = store.findAttempt(id);
    if (!found) void vscode.window.showWarningMessage(`Quartet: attempt ${id} is no longer known to the supervisor.`);
    return found;
  }
  const candidates: (vscode.QuickPickItem & AttemptTarget)[] = [];
  const now = Date.now();
  for (const task of visibleTasks(store.current)) {
    for (const attempt of task.attempts) {
      if (!eligible(attempt)) continue;
      candidates.push({
        label: `${attemptLabel(attempt)} · ${task.title}`,
        description: attemptDescription(attempt, now),
        task,
        attempt,
      });
    }
  }
  if (candidates.length === 0) {
    void vscode.window.showInformationMessage('Quartet: no attempt fits this command right now.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(candidates, { placeHolder, matchOnDescription: true });
  return picked ? { task: picked.task, attempt: picked.attempt } : undefined;
}
