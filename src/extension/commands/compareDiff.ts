// Opens two attempts of a task side by side in the native changes editor: attempt A's files against attempt B's.

import * as vscode from 'vscode';
import { basename, join } from 'node:path';
import type { DiffLineRef } from '../../shared/protocol';
import { git } from '../../core/git/git';
import { baseUri } from '../baseContentProvider';
import type { SnapshotStore } from '../snapshotStore';

export async function openAttemptsDiff(store: SnapshotStore, ids: readonly string[], at?: DiffLineRef): Promise<void> {
  if (ids.length === 1 && at) return openAttemptLine(store, ids[0] as string, at);
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

/** One file of one attempt, its base against its result, the cursor on the cited line: where a review's finding points. */
async function openAttemptLine(store: SnapshotStore, id: string, at: DiffLineRef): Promise<void> {
  const a = store.findAttempt(id)?.attempt;
  const repo = store.current?.repo;
  if (!a || !repo) throw new Error('that attempt is no longer known');
  const line = Math.max(0, at.line - 1);
  const selection = new vscode.Range(line, 0, line, 0);
  await vscode.commands.executeCommand(
    'vscode.diff',
    baseUri(repo, a.base, at.file),
    baseUri(repo, a.resultCommit ?? a.base, at.file),
    `${basename(at.file)}:${at.line} (attempt ${a.index} vs base)`,
    { selection },
  );
}
