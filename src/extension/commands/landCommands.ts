// Land (one button: PR or local), Land Locally, Resolve with Agent and Rework from the tree; a conflict can be handed to its agent.

import * as vscode from 'vscode';
import type { LandProgress } from '../../shared/model';
import { errorMessage } from '../logging';
import { attemptLabel } from '../viewModel/attemptView';
import { oneLine } from '../viewModel/format';
import { isLandable, isResolvable, isReworkable } from '../viewModel/contextValue';
import type { CommandServices } from './commandServices';
import { chooseLand, landingTitle, localChoice, type LandChoice } from './landChoice';
import { landTargetAsPr } from './landPrCommand';
import { resolveAttempt, type AttemptTarget } from './resolveAttempt';

export const RESOLVE_WITH_AGENT = 'Resolve with Agent';
const SHOW = 'Show';
const UNDO = 'Undo';

function describe(result: LandProgress): string {
  if (result.status === 'conflict')
    return `conflicts with the base in ${result.conflictFiles.join(', ') || 'some files'}; nothing was changed.`;
  return result.message || result.status;
}

/** The outcome of a land (or of Resolve with Agent); a conflict offers to hand it to the attempt's agent. */
function report(s: CommandServices, target: AttemptTarget, result: LandProgress): void {
  s.log.info(`task=${target.task.id} attempt=${target.attempt.id} land=${result.status} ${result.message}`);
  if (result.status === 'landed') return announceLanded(s, target, result);
  if (result.status === 'landed_aside') return void vscode.window.showWarningMessage(`Quartet: ${result.message}`);
  const actions =
    result.status === 'conflict' && target.attempt.threadId ? [RESOLVE_WITH_AGENT, 'Show Logs'] : ['Show Logs'];
  void vscode.window
    .showWarningMessage(
      `Quartet: the land of ${attemptLabel(target.attempt)} did not happen: ${describe(result)}`,
      ...actions,
    )
    .then((pick) => {
      if (pick === RESOLVE_WITH_AGENT) return resolveTarget(s, target);
      if (pick) s.log.show();
      return undefined;
    });
}

/** One short sentence with Show and Undo; the notification centre keeps it (Undo is refused once the base moved on). */
function announceLanded(s: CommandServices, target: AttemptTarget, result: LandProgress): void {
  // The reply can beat the snapshot that carries the commit; the land's message names it too.
  const commit =
    s.store.findAttempt(target.attempt.id)?.attempt.landed?.commit.slice(0, 8) ??
    / as ([0-9a-f]{7,40})\b/.exec(result.message)?.[1];
  const as = commit ? ` as ${commit}` : '';
  void vscode.window
    .showInformationMessage(
      `Quartet: landed "${oneLine(target.task.title, 60)}" on ${target.task.baseRef}${as}.`,
      SHOW,
      UNDO,
    )
    .then((pick) => {
      if (pick === SHOW) return s.view.reveal(target.task.id, target.attempt.id);
      if (pick === UNDO) return vscode.commands.executeCommand('quartet.undoLand', target.attempt.id);
      return undefined;
    });
}

async function landableTarget(
  s: CommandServices,
  arg: unknown,
  placeHolder: string,
): Promise<AttemptTarget | undefined> {
  const target = await resolveAttempt(s.store, arg, (a) => isLandable(a, false), placeHolder);
  if (!target) return undefined;
  if (!isLandable(target.attempt, target.task.state === 'landed')) {
    void vscode.window.showInformationMessage(
      `Quartet: ${attemptLabel(target.attempt)} cannot land (it must be finished with a committed change, in a task that has not landed).`,
    );
    return undefined;
  }
  return target;
}

/** The one Land button (inline and first in the menu): a pull request when the repo is on GitHub and a token is at hand, else local. */
export async function landAttempt(s: CommandServices, arg: unknown): Promise<void> {
  const target = await landableTarget(s, arg, 'Land which attempt?');
  if (!target) return;
  const github = await s.github.target(s.repo());
  // Only a repo on GitHub asks for a token (a silent session lookup can take a moment).
  const token = github ? await s.github.availableToken() : undefined;
  const choice = chooseLand({ github, hasToken: !!token, baseRef: target.task.baseRef });
  s.log.info(
    `task=${target.task.id} attempt=${target.attempt.id} land ${choice.kind === 'pr' ? 'as a pull request' : 'locally'}: ${choice.reason}`,
  );
  if (choice.kind === 'pr' && token) return landTargetAsPr(s, target, token, choice);
  return landTargetLocally(s, target, choice);
}

/** The explicit "Land Locally" entry, for a repo on GitHub whose person wants no pull request this time. */
export async function landAttemptLocally(s: CommandServices, arg: unknown): Promise<void> {
  const target = await landableTarget(s, arg, 'Land which attempt locally?');
  if (target) await landTargetLocally(s, target, localChoice(target.task.baseRef));
}

async function landTargetLocally(s: CommandServices, target: AttemptTarget, choice: LandChoice): Promise<void> {
  const result = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: landingTitle(choice, `${attemptLabel(target.attempt)} of "${target.task.title}"`),
    },
    () => s.client().land(target.attempt.id),
  );
  report(s, target, result);
}

export async function resolveWithAgent(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(
    s.store,
    arg,
    (a) => isResolvable(a, false),
    "Resolve which attempt's conflicts with its agent?",
  );
  if (target) await resolveTarget(s, target);
}

/** The supervisor re-checks everything (the snapshot may lag behind a land that just conflicted). */
async function resolveTarget(s: CommandServices, target: AttemptTarget): Promise<void> {
  try {
    const result = await vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Notification,
        title: `Quartet: ${attemptLabel(target.attempt)}'s agent resolves the conflicts with ${target.task.baseRef}, then Quartet lands it…`,
      },
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
    prompt:
      'What was wrong? The next attempt gets this reason and a post-mortem of this one (its work is archived first).',
    placeHolder: 'e.g. it changed the public API instead of fixing the bug',
    ignoreFocusOut: true,
  });
  if (reason === undefined) return;
  // A PR an earlier land left open is closed too; the token (SecretStorage) goes along only then.
  const token = target.attempt.pullRequest?.state === 'open' ? await s.github.token() : undefined;
  const r = await s.client().rework(target.attempt.id, reason, token ? { github: { token } } : {});
  void vscode.window.setStatusBarMessage(
    `Quartet: archived ${attemptLabel(target.attempt)}; started ${r.newAttemptId}`,
    5000,
  );
  if (r.pullRequest?.closed) void vscode.window.showInformationMessage(`Quartet: ${r.pullRequest.message}.`);
  else if (r.pullRequest)
    void vscode.window.showWarningMessage(
      `Quartet: reworked ${attemptLabel(target.attempt)}, but ${r.pullRequest.message}.`,
    );
}
