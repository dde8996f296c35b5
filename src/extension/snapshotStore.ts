// The latest supervisor snapshot this window has seen; the tree, badge, status bar and notifier read it.

import * as vscode from 'vscode';
import type { AttemptSnapshot, Snapshot, TaskSnapshot } from '../shared/model';
import { Disposable } from './lifecycle';

export interface SnapshotChange {
  previous: Snapshot | undefined;
  current: Snapshot | undefined;
}

export class SnapshotStore extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<SnapshotChange>());
  readonly onDidChange = this._onDidChange.event;
  private _current: Snapshot | undefined;
  private _notice: string | undefined;

  get current(): Snapshot | undefined {
    return this._current;
  }

  /** A line about the supervisor itself that the tree shows above the tasks (an older build kept while its attempts run). */
  get notice(): string | undefined {
    return this._notice;
  }

  setNotice(text: string | undefined): void {
    if (text === this._notice) return;
    this._notice = text;
    this._onDidChange.fire({ previous: this._current, current: this._current });
  }

  /** `undefined` clears the view (no repository, no Codex, or a different repository). */
  set(snapshot: Snapshot | undefined): void {
    const previous = this._current;
    if (previous === snapshot) return;
    this._current = snapshot;
    this._onDidChange.fire({ previous, current: snapshot });
  }

  findTask(taskId: string): TaskSnapshot | undefined {
    return this._current?.tasks.find((t) => t.id === taskId);
  }

  findAttempt(attemptId: string): { task: TaskSnapshot; attempt: AttemptSnapshot } | undefined {
    for (const task of this._current?.tasks ?? []) {
      const attempt = task.attempts.find((a) => a.id === attemptId);
      if (attempt) return { task, attempt };
    }
    return undefined;
  }
}
