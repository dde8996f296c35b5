// The status bar entry: what runs and what waits on the user, one click from the Tasks view.

import * as vscode from 'vscode';
import { Disposable } from './lifecycle';
import type { SnapshotStore } from './snapshotStore';
import { attentionCounts, statusBarText, statusBarTooltip } from './viewModel/taskView';

export class QuartetStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(private readonly store: SnapshotStore) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem('quartet.status', vscode.StatusBarAlignment.Left, 50));
    this.item.name = 'Quartet';
    // Reveals and selects the waiting attempt (or just opens the view when nothing waits).
    this.item.command = 'quartet.showWaiting';
    this._register(store.onDidChange(() => this.update()));
    this.update();
    this.item.show();
  }

  private update(): void {
    const counts = attentionCounts(this.store.current);
    this.item.text = statusBarText(counts);
    this.item.tooltip = statusBarTooltip(counts);
    this.item.backgroundColor =
      counts.needsYou > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: this.item.tooltip };
  }
}
