// Read-only `quartet-base:` documents: a file as it was at an attempt's base commit (git show), or empty.

import * as vscode from 'vscode';
import { readFileAtRef } from '../core/execution/changedFiles';

export const BASE_SCHEME = 'quartet-base';

/** `quartet-base:/src/a.ts?worktree=…&ref=…`: the path stays readable in the diff editor's title. */
export function baseUri(worktree: string, ref: string, path: string): vscode.Uri {
  const query = new URLSearchParams({ worktree, ref }).toString();
  return vscode.Uri.from({ scheme: BASE_SCHEME, path: `/${path}`, query });
}

/** An empty side, for files the attempt added (base) or deleted (attempt). */
export function emptyUri(path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: BASE_SCHEME, path: `/${path}`, query: 'empty=1' });
}

export class BaseContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const params = new URLSearchParams(uri.query);
    const worktree = params.get('worktree');
    const ref = params.get('ref');
    if (params.get('empty') === '1' || !worktree || !ref) return '';
    return readFileAtRef(worktree, ref, uri.path.replace(/^\//, ''));
  }

  static register(): vscode.Disposable {
    return vscode.workspace.registerTextDocumentContentProvider(BASE_SCHEME, new BaseContentProvider());
  }
}
