// Opens two attempts of a task side by side in the native changes editor: attempt A's files against attempt B's.

import * as vscode from 'vscode';
import { join } from 'node:path';
import { git } from '../../core/land/git';
import { baseUri } from '../baseContentProvider';
import type { SnapshotStore } from '../snapshotStore';

export async function openAttemptsDiff(store: SnapshotStore, ids: readonly string[]): Promise<void> {
  if (ids.length === 1) {
    await vscode.commands.executeCommand('quartet.showDiff', ids[0]);
    return;
  }
  const [a, b] = ids.map((id) => store.findAttempt(id)?.attempt);
  const repo = store.current?.repo;
  if (!a || !b || !repo) throw new Error('those attempts are no longer known');
  // Branch tips (or the base when an attempt committed nothing): the result each attempt would land.
  const refA = a.resultCommit ?? a.base;
  const refB = b.resultCommit ?? b.base;
  const files = (await git(repo, ['diff', '--name-only', '-z', refA, refB])).split('\0').filter(Boolean);
  if (files.length === 0) {
    void vscode.window.showInformationMessage(`Quartet: attempts ${a.index} and ${b.index} made the same changes.`);
    return;
  }
  const triples = files.map((f) => [vscode.Uri.file(join(repo, f)), baseUri(repo, refA, f), baseUri(repo, refB, f)]);
  await vscode.commands.executeCommand('vscode.changes', `Attempt ${a.index} ↔ Attempt ${b.index}`, triples);
}
