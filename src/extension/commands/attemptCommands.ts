// Stop, Retry, Accept, Decline and Answer: each resolves its attempt, then asks the supervisor to act.

import * as vscode from 'vscode';
import type { AnswerDecision } from '../../core/contract/replies';
import type { AttemptSnapshot } from '../../shared/model';
import { attemptLabel, phaseLabel } from '../viewModel/attemptView';
import { isResumable, isRetryable, isStoppable } from '../viewModel/contextValue';
import { oneLine } from '../viewModel/format';
import { answerPlaceholder, answerPrompt, canAcceptForAttempt } from './answerModel';
import type { CommandServices } from './commandServices';
import { resolveAttempt } from './resolveAttempt';

const STATUS_MESSAGE_MS = 4000;
const needsYou = (a: AttemptSnapshot): boolean => a.phase === 'needs-you';

function refuse(attempt: AttemptSnapshot, what: string): void {
  void vscode.window.showInformationMessage(
    `Quartet: ${attemptLabel(attempt)} is ${phaseLabel(attempt.phase)}; ${what}`,
  );
}

export async function stopAttempt(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => isStoppable(a.phase), 'Stop which attempt?');
  if (!target) return;
  if (!isStoppable(target.attempt.phase)) return refuse(target.attempt, 'there is nothing to stop.');
  vscode.window.setStatusBarMessage(`Quartet: stopping ${attemptLabel(target.attempt)}…`, STATUS_MESSAGE_MS);
  await s.client().stop(target.attempt.id);
}

export async function retryAttempt(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => isRetryable(a.phase), 'Retry which attempt?');
  if (!target) return;
  if (!isRetryable(target.attempt.phase))
    return refuse(target.attempt, 'only failed, stalled, stopped or interrupted attempts can be retried.');
  vscode.window.setStatusBarMessage(`Quartet: retrying ${attemptLabel(target.attempt)}…`, STATUS_MESSAGE_MS);
  await s.client().retry(target.attempt.id);
}

export async function resumeAttempt(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => isResumable(a), 'Resume which attempt?');
  if (!target) return;
  if (!isResumable(target.attempt))
    return refuse(
      target.attempt,
      'only interrupted, stopped, stalled or failed attempts that started a Codex thread can be resumed.',
    );
  vscode.window.setStatusBarMessage(`Quartet: resuming ${attemptLabel(target.attempt)}…`, STATUS_MESSAGE_MS);
  await s.client().resume(target.attempt.id);
}

const VERB: Record<AnswerDecision, string> = {
  accept: 'Accept once',
  acceptForSession: 'Accept for this attempt',
  decline: 'Decline',
};

async function decide(s: CommandServices, arg: unknown, decision: AnswerDecision): Promise<void> {
  const target = await resolveAttempt(s.store, arg, needsYou, `${VERB[decision]}: the request of which attempt?`);
  if (!target) return;
  if (!needsYou(target.attempt)) return refuse(target.attempt, 'it is not waiting for you.');
  if (decision === 'acceptForSession' && !canAcceptForAttempt(target.attempt.pending))
    return refuse(target.attempt, 'this request can only be accepted once or declined.');
  await s.client().answer(target.attempt.id, decision);
}

export const acceptRequest = (s: CommandServices, arg: unknown): Promise<void> => decide(s, arg, 'accept');
export const acceptRequestForAttempt = (s: CommandServices, arg: unknown): Promise<void> =>
  decide(s, arg, 'acceptForSession');
export const declineRequest = (s: CommandServices, arg: unknown): Promise<void> => decide(s, arg, 'decline');

export async function answerQuestion(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, needsYou, 'Answer which attempt?');
  if (!target) return;
  const { attempt } = target;
  if (!needsYou(attempt)) return refuse(attempt, 'it is not waiting for you.');
  const text = await vscode.window.showInputBox({
    title: `Quartet: answer ${attemptLabel(attempt)} of “${oneLine(target.task.title, 60)}”`,
    prompt: oneLine(answerPrompt(attempt.pending), 500),
    placeHolder: answerPlaceholder(attempt.pending),
    ignoreFocusOut: true,
  });
  if (text === undefined) return;
  let decision: AnswerDecision = 'accept';
  // An approval still needs a yes or no; the text travels with it as the reason.
  if (attempt.pending && attempt.pending.kind !== 'userInput') {
    const picked = await vscode.window.showQuickPick(
      [
        { label: 'Accept once', decision: 'accept' as const },
        ...(canAcceptForAttempt(attempt.pending)
          ? [{ label: 'Accept for this attempt', decision: 'acceptForSession' as const }]
          : []),
        { label: 'Decline', decision: 'decline' as const },
      ],
      { placeHolder: `Send the answer with which decision? (${oneLine(attempt.pending.summary, 80)})` },
    );
    if (!picked) return;
    decision = picked.decision;
  }
  await s.client().answer(attempt.id, decision, text);
}
