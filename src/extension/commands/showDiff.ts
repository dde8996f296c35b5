// Show Diff: the attempt's worktree against its base commit, one diff editor or a multi-file changes editor.

import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { changedFiles } from '../../core/execution/changedFiles';
import type { ChangedFile } from '../../core/execution/changedFiles';
import { baseUri, emptyUri } from '../baseContentProvider';
import { attemptLabel } from '../viewModel/attemptView';
import { oneLine } from '../viewModel/format';
import type { CommandServices } from './commandServices';
import { resolveAttempt } from './resolveAttempt';
import type { AttemptTarget } from './resolveAttempt';

/** [label, original, modified]; undefined sides render as added / deleted in the changes editor. */
type ChangeTriple = [vscode.Uri, vscode.Uri | undefined, vscode.Uri | undefined];

function sides(
  worktree: string,
  base: string,
  f: ChangedFile,
): { original: vscode.Uri | undefined; modified: vscode.Uri | undefined } {
  const file = vscode.Uri.file(join(worktree, f.path));
  switch (f.kind) {
    case 'added':
      return { original: f.oldPath ? baseUri(worktree, base, f.oldPath) : undefined, modified: file };
    case 'deleted':
      return { original: baseUri(worktree, base, f.path), modified: undefined };
    case 'renamed':
      return { original: baseUri(worktree, base, f.oldPath ?? f.path), modified: file };
    default:
      return { original: baseUri(worktree, base, f.path), modified: file };
  }
}

export async function showDiff(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(
    s.store,
    arg,
    (a) => a.worktree !== '' && existsSync(a.worktree),
    'Show the diff of which attempt?',
  );
  if (!target) return;
  const { attempt } = target;
  if (!attempt.worktree || !existsSync(attempt.worktree)) {
    void vscode.window.showInformationMessage(`Quartet: ${attemptLabel(attempt)} has no worktree (yet).`);
    return;
  }
  const files = await changedFiles(attempt.worktree, attempt.base);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`Quartet: ${attemptLabel(attempt)} has no changes against its base.`);
    return;
  }
  if (files.length === 1) return openOne(target, files[0] as ChangedFile);
  // The changes editor appends the file count itself.
  const title = `${attemptLabel(attempt)} of “${oneLine(target.task.title, 50)}”`;
  const triples: ChangeTriple[] = files.map((f) => {
    const { original, modified } = sides(attempt.worktree, attempt.base, f);
    return [vscode.Uri.file(join(attempt.worktree, f.path)), original, modified];
  });
  try {
    // Not in the 1.100 typings (still experimental), but registered: reach it through executeCommand.
    await vscode.commands.executeCommand('vscode.changes', title, triples);
  } catch (err) {
    s.log.error('vscode.changes is unavailable; falling back to one diff per file', err);
    const picked = await vscode.window.showQuickPick(
      files.map((f) => ({ label: f.path, description: f.kind, file: f })),
      { placeHolder: `${title}: open which file?` },
    );
    if (picked) await openOne(target, picked.file);
  }
}

async function openOne({ attempt }: AttemptTarget, f: ChangedFile): Promise<void> {
  const { original, modified } = sides(attempt.worktree, attempt.base, f);
  const title = `${basename(f.path)} (${attemptLabel(attempt)} vs base)`;
  await vscode.commands.executeCommand(
    'vscode.diff',
    original ?? emptyUri(attempt.worktree, f.path),
    modified ?? emptyUri(attempt.worktree, f.path),
    title,
  );
}
