// Read-only `quartet-base:` documents: a file as it was at an attempt's base commit (git show), or empty.

import { join } from 'node:path';
import * as vscode from 'vscode';
import { readFileAtRef } from '../core/execution/changedFiles';

export const BASE_SCHEME = 'quartet-base';

/**
 * `quartet-base:<worktree>/<path>?ref=…&worktree=…&path=…`. The URI path is the file's own absolute path,
 * so diff editors show the same name on both sides (a different path reads as a rename).
 */
export function baseUri(worktree: string, ref: string, path: string): vscode.Uri {
  const query = new URLSearchParams({ worktree, ref, path }).toString();
  return vscode.Uri.from({ scheme: BASE_SCHEME, path: vscode.Uri.file(join(worktree, path)).path, query });
}

/** An empty side, for files the attempt added (base) or deleted (attempt). */
export function emptyUri(worktree: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BASE_SCHEME, path: vscode.Uri.file(join(worktree, path)).path, query: 'empty=1' });
}

export class BaseContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const worktree = params.get('worktree');
    const ref = params.get('ref');
    const path = params.get('path');
    if (params.get('empty') === '1' || !worktree || !ref || !path) return '';
    return readFileAtRef(worktree, ref, path);
  }

  static register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(BASE_SCHEME, new BaseContentProvider());
  }
}
