// The Tasks TreeView: its provider, the needs-you badge and context key, and revealing a row.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { readPrices } from '../panel/controlPanel';
import { Disposable } from '../lifecycle';
import type { SnapshotStore } from '../snapshotStore';
import { plural } from '../viewModel/format';
import { attentionCounts, launchReveal } from '../viewModel/taskView';
import { TasksTreeProvider } from './tasksTree';
import type { QuartetNode } from './tasksTree';
import { autopilotContext } from '../viewModel/autopilotView';

export const TASKS_VIEW_ID = 'quartet.tasks';

export class TasksView extends Disposable {
  readonly provider: TasksTreeProvider;
  readonly view: vscode.TreeView<QuartetNode>;
  private lastNeedsYou = -1;
  private lastAutopilot = '';

  constructor(private readonly store: SnapshotStore) {
    super();
    this.provider = this._register(
      new TasksTreeProvider(store, existsSync, (snapshot) => readPrices(snapshot ?? null)),
    );
    this.view = this._register(
      vscode.window.createTreeView(TASKS_VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true }),
    );
    this._register(store.onDidChange(() => this.updateBadge()));
    this._register(store.onDidChange(() => this.updateAutopilotContext()));
    this.updateBadge();
    this.updateAutopilotContext();
  }

  /** Selects and focuses a task's row, or an attempt's when given; quietly does nothing if it is gone. */
  async reveal(taskId: string, attemptId?: string): Promise<void> {
    if (!this.store.findTask(taskId)) return;
    const found = attemptId ? this.store.findAttempt(attemptId) : undefined;
    const node = found ? this.provider.attemptNode(found.task.id, found.attempt.id) : this.provider.taskNode(taskId);
    await vscode.commands.executeCommand(`${TASKS_VIEW_ID}.focus`);
    await this.view.reveal(node, { select: true, focus: true, expand: true });
  }

  /**
   * After a launch: shows the new task without taking the person's view away. The view was hidden when the
   * launch began (the palette) → open it on the task; it still shows → select the row, keep focus where it is;
   * the person went elsewhere meanwhile (e.g. clicked Explorer) → leave them there.
   */
  async revealLaunched(taskId: string, hiddenAtStart: boolean): Promise<void> {
    const how = launchReveal(hiddenAtStart, this.view.visible);
    if (how === 'focus') return this.reveal(taskId);
    if (how === 'select' && this.store.findTask(taskId))
      await this.view.reveal(this.provider.taskNode(taskId), { select: true, focus: false, expand: true });
  }

  /** `quartet.autopilot` = running | stopped | unconfigured: which Autopilot commands the palette and menus offer. */
  private updateAutopilotContext(): void {
    const value = autopilotContext(this.store.current?.autopilot);
    if (value === this.lastAutopilot) return;
    this.lastAutopilot = value;
    void vscode.commands.executeCommand('setContext', 'quartet.autopilot', value);
  }

  private updateBadge(): void {
    const { needsYou } = attentionCounts(this.store.current);
    if (needsYou === this.lastNeedsYou) return;
    this.lastNeedsYou = needsYou;
    this.view.badge =
      needsYou > 0 ? { value: needsYou, tooltip: `${plural(needsYou, 'attempt')} waiting for you` } : undefined;
    // Drives the palette entries of Accept / Decline / Answer.
    void vscode.commands.executeCommand('setContext', 'quartet.needsYou', needsYou > 0);
  }
}
