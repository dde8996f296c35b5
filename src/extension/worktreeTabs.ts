// Closes editor tabs that point into a worktree Quartet removed (land cleanup, rework, delete): they show a deleted file.

import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { SnapshotStore } from './snapshotStore';
import { isUnderAny, removedWorktrees } from './viewModel/removedWorktrees';

/** Every URI a tab shows: a file, both sides of a diff, every side of a multi-file changes editor. */
function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const input = tab.input;
  if (
    input instanceof vscode.TabInputText ||
    input instanceof vscode.TabInputCustom ||
    input instanceof vscode.TabInputNotebook
  )
    return [input.uri];
  if (input instanceof vscode.TabInputTextDiff || input instanceof vscode.TabInputNotebookDiff)
    return [input.original, input.modified];
  // The changes editor (`vscode.changes`) is not in the 1.100 typings: read its sides by shape.
  const diffs = (input as { textDiffs?: { original?: vscode.Uri; modified?: vscode.Uri }[] } | undefined)?.textDiffs;
  return Array.isArray(diffs) ? diffs.flatMap((d) => [d.original, d.modified]).filter((u): u is vscode.Uri => !!u) : [];
}

/** Show Diff's sides are `file:` and `quartet-base:` URIs whose path is the worktree file: both count. */
export function tabsInto(dirs: readonly string[]): vscode.Tab[] {
  if (dirs.length === 0) return [];
  return vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((tab) => tabUris(tab).some((u) => isUnderAny(u.path, dirs)));
}

export class WorktreeTabCloser extends Disposable {
  constructor(
    store: SnapshotStore,
    private readonly log: (line: string) => void,
  ) {
    super();
    this._register(store.onDidChange(({ previous, current }) => void this.close(removedWorktrees(previous, current))));
  }

  private async close(dirs: string[]): Promise<void> {
    const tabs = tabsInto(dirs.map((d) => vscode.Uri.file(d).path));
    if (tabs.length === 0) return;
    this.log(`closing ${tabs.length} tab(s) of removed worktrees: ${dirs.join(', ')}`);
    // A tab with unsaved edits stays open: VS Code asks before discarding them, and so would we.
    await vscode.window.tabGroups
      .close(
        tabs.filter((t) => !t.isDirty),
        true,
      )
      .then(undefined, () => undefined);
  }
}
