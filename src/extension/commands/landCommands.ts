// Land and Rework from the tree: one click lands an attempt on its base branch; Rework archives it and starts afresh.

import * as vscode from 'vscode';
import type { LandProgress } from '../../shared/model';
import { attemptLabel } from '../viewModel/attemptView';
import { isLandable, isReworkable } from '../viewModel/contextValue';
import type { CommandServices } from './commandServices';
import { resolveAttempt } from './resolveAttempt';

function describe(result: LandProgress): string {
  if (result.status === 'conflict') return `conflicts with the base in ${result.conflictFiles.join(', ') || 'some files'}; nothing was changed.`;
  return result.message || result.status;
}

export async function landAttempt(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => isLandable(a, false), 'Land which attempt?');
  if (!target) return;
  if (!isLandable(target.attempt, target.task.state === 'landed')) {
    void vscode.window.showInformationMessage(`Quartet: ${attemptLabel(target.attempt)} cannot land (it must be finished with a committed change, in a task that has not landed).`);
    return;
  }
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Quartet: landing ${attemptLabel(target.attempt)} of "${target.task.title}" on ${target.task.baseRef}…` },
    () => s.client().land(target.attempt.id),
  );
  s.log.info(`task=${target.task.id} attempt=${target.attempt.id} land=${result.status} ${result.message}`);
  if (result.status === 'landed') void vscode.window.showInformationMessage(`Quartet: landed "${target.task.title}" on ${target.task.baseRef}. ${result.message}`);
  else if (result.status === 'landed_aside') void vscode.window.showWarningMessage(`Quartet: ${result.message}`);
  else void vscode.window.showWarningMessage(`Quartet: the land of ${attemptLabel(target.attempt)} did not happen: ${describe(result)}`, 'Show Logs').then((pick) => {
    if (pick) s.log.show();
  });
}

export async function reworkAttempt(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => isReworkable(a, false), 'Rework which attempt?');
  if (!target) return;
  if (!isReworkable(target.attempt, target.task.state === 'landed')) return;
  const reason = await vscode.window.showInputBox({
    title: `Rework ${attemptLabel(target.attempt)} of "${target.task.title}"`,
    prompt: 'What was wrong? The next attempt gets this reason and a post-mortem of this one (its work is archived first).',
    placeHolder: 'e.g. it changed the public API instead of fixing the bug',
    ignoreFocusOut: true,
  });
  if (reason === undefined) return;
  const r = await s.client().rework(target.attempt.id, reason);
  void vscode.window.setStatusBarMessage(`Quartet: archived ${attemptLabel(target.attempt)}; started ${r.newAttemptId}`, 5000);
}
