// Open Worktree, Open Terminal Here and Reveal Journal: ways into an attempt's files that work on the web too.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { AttemptSnapshot } from '../../shared/model';
import { attemptLabel } from '../viewModel/attemptView';
import type { CommandServices } from './commandServices';
import { resolveAttempt } from './resolveAttempt';

const hasWorktree = (a: AttemptSnapshot): boolean => a.worktree !== '' && existsSync(a.worktree);

async function withWorktree(
  s: CommandServices,
  arg: unknown,
  placeHolder: string,
): Promise<AttemptSnapshot | undefined> {
  const target = await resolveAttempt(s.store, arg, hasWorktree, placeHolder);
  if (!target) return undefined;
  if (!hasWorktree(target.attempt)) {
    void vscode.window.showInformationMessage(
      `Quartet: the worktree of ${attemptLabel(target.attempt)} does not exist (yet or any more).`,
    );
    return undefined;
  }
  return target.attempt;
}

export async function openWorktree(s: CommandServices, arg: unknown): Promise<void> {
  const attempt = await withWorktree(s, arg, 'Open the worktree of which attempt?');
  if (!attempt) return;
  await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(attempt.worktree), {
    forceNewWindow: true,
  });
}

export async function openTerminal(s: CommandServices, arg: unknown): Promise<void> {
  const attempt = await withWorktree(s, arg, 'Open a terminal in which attempt?');
  if (!attempt) return;
  vscode.window.createTerminal({ cwd: attempt.worktree, name: `Quartet · ${attempt.id}` }).show();
}

/** Opens the journal as a document: revealFileInOS does nothing in a web workbench. */
export async function revealJournal(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, (a) => a.journal !== '', 'Reveal the journal of which attempt?');
  if (!target) return;
  const { journal } = target.attempt;
  if (!journal || !existsSync(journal)) {
    void vscode.window.showInformationMessage(`Quartet: ${attemptLabel(target.attempt)} has no journal yet.`);
    return;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(journal));
  await vscode.window.showTextDocument(doc, { preview: true });
}
