// A writable in-memory `quartet-proposal:` file system: the modified side of the distill review diff, editable before Accept.

import * as vscode from 'vscode';

export const PROPOSAL_SCHEME = 'quartet-proposal';

/** `quartet-proposal:/<review id>/<repo-relative path>` */
export function proposalUri(reviewId: string, path: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PROPOSAL_SCHEME, path: `/${reviewId}/${path}` });
}

export class ProposalFileSystem implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  static register(): { fs: ProposalFileSystem; disposable: vscode.Disposable } {
    const fs = new ProposalFileSystem();
    return {
      fs,
      disposable: vscode.workspace.registerFileSystemProvider(PROPOSAL_SCHEME, fs, { isCaseSensitive: true }),
    };
  }

  set(uri: vscode.Uri, text: string): void {
    this.files.set(uri.path, { data: new TextEncoder().encode(text), mtime: Date.now() });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  text(uri: vscode.Uri): string | undefined {
    const f = this.files.get(uri.path);
    return f ? new TextDecoder().decode(f.data) : undefined;
  }

  /** Forget a finished review's files. */
  clear(reviewId: string): void {
    for (const key of [...this.files.keys()]) if (key.startsWith(`/${reviewId}/`)) this.files.delete(key);
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const f = this.files.get(uri.path);
    if (f) return { type: vscode.FileType.File, ctime: f.mtime, mtime: f.mtime, size: f.data.length };
    if ([...this.files.keys()].some((k) => k.startsWith(`${uri.path}/`)))
      return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
    throw vscode.FileSystemError.FileNotFound(uri);
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const f = this.files.get(uri.path);
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return f.data;
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    // Only files of an open review exist; Edit changes them, nothing new can be created here.
    if (!this.files.has(uri.path)) throw vscode.FileSystemError.NoPermissions(uri);
    this.files.set(uri.path, { data: content, mtime: Date.now() });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}
