// "Delete Task…" from a task row or the palette: after a modal confirmation, the supervisor stops, archives and removes it.

import * as vscode from 'vscode';
import { isTerminal, type TaskSnapshot } from '../../shared/model';
import { errorMessage } from '../logging';
import type { CommandServices } from './commandServices';

function taskIdOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && 'taskId' in arg && typeof arg.taskId === 'string') return arg.taskId;
  return undefined;
}

async function pickTask(s: CommandServices, arg: unknown): Promise<TaskSnapshot | undefined> {
  const tasks = s.store.current?.tasks ?? [];
  const id = taskIdOf(arg);
  if (id) return tasks.find((t) => t.id === id);
  const pick = await vscode.window.showQuickPick(
    tasks.map((t) => ({ label: t.title, description: `${t.attempts.length} attempts · ${t.state}`, task: t })),
    { placeHolder: 'Delete which task?' },
  );
  return pick?.task;
}

export async function deleteTaskCommand(s: CommandServices, arg: unknown): Promise<void> {
  const task = await pickTask(s, arg);
  if (!task) return;
  const running = task.attempts.filter((a) => !isTerminal(a.phase)).length;
  const detail = [
    running ? `${running} running attempt${running === 1 ? ' is' : 's are'} stopped first.` : '',
    'Work left in its worktrees is archived (restorable with `quartet restore`); the worktrees and quartet/ branches are removed.',
  ]
    .filter(Boolean)
    .join(' ');
  const ok = await vscode.window.showWarningMessage(
    `Delete task "${task.title}"?`,
    { modal: true, detail },
    'Delete Task',
  );
  if (ok !== 'Delete Task') return;
  try {
    const r = await s.client().deleteTask(task.id);
    void vscode.window.setStatusBarMessage(
      `Quartet: deleted "${task.title}"${r.archived.length ? `; archived ${r.archived.length} attempt${r.archived.length === 1 ? '' : 's'}` : ''}`,
      5000,
    );
  } catch (err) {
    void vscode.window.showErrorMessage(`Quartet: could not delete "${task.title}": ${errorMessage(err)}`);
  }
}
