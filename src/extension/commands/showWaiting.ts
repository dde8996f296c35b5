// The status bar's click: reveal and select the attempt waiting for the person (or open the Tasks view).

import * as vscode from 'vscode';
import { TASKS_VIEW_ID } from '../tree/tasksView';
import { firstWaiting } from '../viewModel/taskView';
import type { CommandServices } from './commandServices';

export async function showWaiting(s: CommandServices): Promise<void> {
  const waiting = firstWaiting(s.store.current);
  if (waiting) await s.view.reveal(waiting.taskId, waiting.attemptId);
  else await vscode.commands.executeCommand(`${TASKS_VIEW_ID}.focus`);
}
