// Land, Resolve with Agent and Rework from the tree: one click lands an attempt; a conflict can be handed to its agent.

import * as vscode from 'vscode';
import type { LandProgress } from '../../shared/model';
import { errorMessage } from '../logging';
import { attemptLabel } from '../viewModel/attemptView';
import { isLandable, isResolvable, isReworkable } from '../viewModel/contextValue';
import type { CommandServices } from './commandServices';
import { resolveAttempt, type AttemptTarget } from './resolveAttempt';

export const RESOLVE_WITH_AGENT = 'Resolve with Agent';

function describe(result: LandProgress): string {
  if (result.status === 'conflict') return `conflicts with the base in ${result.conflictFiles.join(', ') || 'some files'}; nothing was changed.`;
  return result.message || result.status;
}

/** The outcome of a land (or of Resolve with Agent); a conflict offers to hand it to the attempt's agent. */
function report(s: CommandServices, target: AttemptTarget, result: LandProgress): void {
  s.log.info(`task=${target.task.id} attempt=${target.attempt.id} land=${result.status} ${result.message}`);
  if (result.status === 'landed') return void vscode.window.showInformationMessage(`Quartet: landed "${target.task.title}" on ${target.task.baseRef}. ${result.message}`);
  if (result.status === 'landed_aside') return void vscode.window.showWarningMessage(`Quartet: ${result.message}`);
  const actions = result.status === 'conflict' && target.attempt.threadId ? [RESOLVE_WITH_AGENT, 'Show Logs'] : ['Show Logs'];
  void vscode.window.showWarningMessage(`Quartet: the land of ${attemptLabel(target.attempt)} did not happen: ${describe(result)}`, ...actions).then((pick) => {
    if (pick === RESOLVE_WITH_AGENT) return resolveTarget(s, target);
    if (pick) s.log.show();
    return undefined;
  });
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
  report(s, target, result);
}

export async function resolveWithAgent(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => isResolvable(a, false), 'Resolve which attempt\'s conflicts with its agent?');
  if (target) await resolveTarget(s, target);
}

/** The supervisor re-checks everything (the snapshot may lag behind a land that just conflicted). */
async function resolveTarget(s: CommandServices, target: AttemptTarget): Promise<void> {
  try {
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Quartet: ${attemptLabel(target.attempt)}'s agent resolves the conflicts with ${target.task.baseRef}, then Quartet lands it…` },
      () => s.client().resolve(target.attempt.id),
    );
    report(s, target, result);
  } catch (err) {
    s.log.error(`resolve ${target.attempt.id} failed`, err);
    void vscode.window.showErrorMessage(`Quartet: Resolve with Agent failed: ${errorMessage(err)}`);
  }
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
