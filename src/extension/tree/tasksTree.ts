// The Tasks tree: the Autopilot section (when a tracker is configured), then open tasks (newest first) with their attempts.

import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import type { Snapshot } from '../../shared/model';
import { changedRows } from '../viewModel/changedRows';
import { isActive } from '../../shared/model';
import { Disposable, toDisposable } from '../lifecycle';
import type { SnapshotStore } from '../snapshotStore';
import { sortedAttempts, visibleTasks } from '../viewModel/taskView';
import { attemptTreeItem, goneTreeItem, noticeTreeItem, taskTreeItem } from './treeItems';
import { rowContext } from '../viewModel/attemptRow';
import { DEFAULT_PRICE_TABLE, estimateCost, type PriceTable } from '../../shared/cost';
import { formatUsd } from '../../shared/panelFormat';
import { autopilotChildren, autopilotTreeItem, type AutopilotTreeNode } from './autopilotItems';
import { autopilotRowsKey, autopilotSectionVisible } from '../viewModel/autopilotView';

export interface TaskNode {
  readonly kind: 'task';
  readonly taskId: string;
}
export interface AttemptNode {
  readonly kind: 'attempt';
  readonly taskId: string;
  readonly attemptId: string;
}
/** The supervisor notice row (store.notice) above everything else. */
export interface NoticeNode {
  readonly kind: 'notice';
}
export type QuartetNode = TaskNode | AttemptNode | AutopilotTreeNode | NoticeNode;

const NOTICE_KEY = 'quartet.notice';

const AUTOPILOT_KEY = 'ap:section';
const autopilotKey = (n: AutopilotTreeNode): string =>
  n.kind === 'autopilot' ? AUTOPILOT_KEY : n.kind === 'autopilotStatus' ? 'ap:status' : `ap:${n.kind}:${n.issueId}`;

/** How often elapsed times tick while an attempt is active. */
const TICK_MS = 1000;

export class TasksTreeProvider extends Disposable implements vscode.TreeDataProvider<QuartetNode> {
  private readonly _onDidChangeTreeData = this._register(
    new vscode.EventEmitter<QuartetNode | QuartetNode[] | undefined>(),
  );
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  /** One object per id: VS Code matches elements by identity when a subset is refreshed or revealed. */
  private readonly nodes = new Map<string, QuartetNode>();
  private ticker: NodeJS.Timeout | undefined;
  private lastNotice: string | undefined;

  constructor(
    private readonly store: SnapshotStore,
    private readonly worktreeExists: (path: string) => boolean = existsSync,
    /** The price table the control panel uses too (built-in < WORKFLOW.md < the user's setting). */
    private readonly prices: (snapshot: Snapshot | undefined) => PriceTable = () => DEFAULT_PRICE_TABLE,
  ) {
    super();
    this._register(store.onDidChange((change) => this.onSnapshot(change.previous)));
    this._register(toDisposable(() => this.stopTicker()));
  }

  refresh(node?: QuartetNode | QuartetNode[]): void {
    this._onDidChangeTreeData.fire(node);
  }

  getChildren(element?: QuartetNode): QuartetNode[] {
    const ap = this.store.current?.autopilot;
    if (!element) {
      const tasks = visibleTasks(this.store.current).map((t) => this.taskNode(t.id));
      const notice = this.store.notice ? [this.cached<NoticeNode>(NOTICE_KEY, () => ({ kind: 'notice' }))] : [];
      return [...notice, ...(autopilotSectionVisible(ap) ? [this.autopilotNode({ kind: 'autopilot' })] : []), ...tasks];
    }
    if (element.kind === 'autopilot') return ap ? autopilotChildren(ap).map((n) => this.autopilotNode(n)) : [];
    if (element.kind !== 'task') return [];
    const task = this.store.findTask(element.taskId);
    return task ? sortedAttempts(task.attempts).map((a) => this.attemptNode(task.id, a.id)) : [];
  }

  getParent(element: QuartetNode): QuartetNode | undefined {
    if (element.kind === 'attempt') return this.taskNode(element.taskId);
    if (element.kind === 'task' || element.kind === 'autopilot' || element.kind === 'notice') return undefined;
    return this.autopilotNode({ kind: 'autopilot' });
  }

  getTreeItem(element: QuartetNode): vscode.TreeItem {
    if (element.kind === 'notice')
      return this.store.notice ? noticeTreeItem(NOTICE_KEY, this.store.notice) : goneTreeItem(NOTICE_KEY);
    if (element.kind !== 'task' && element.kind !== 'attempt') {
      const ap = this.store.current?.autopilot;
      return ap ? autopilotTreeItem(element, ap, Date.now()) : goneTreeItem(autopilotKey(element));
    }
    if (element.kind === 'task') {
      const task = this.store.findTask(element.taskId);
      return task ? taskTreeItem(task) : goneTreeItem(element.taskId);
    }
    const found = this.store.findAttempt(element.attemptId);
    if (!found) return goneTreeItem(element.attemptId);
    const wt = found.attempt.worktree;
    const a = found.attempt;
    const est = estimateCost(a.tokens, a.model, this.prices(this.store.current), a.demoModel);
    const cost = est.free ? 'free (demo model)' : `${formatUsd(est.usd)} est. (priced as ${est.pricedAs})`;
    return attemptTreeItem(a, Date.now(), wt !== '' && this.worktreeExists(wt), found.task.state === 'landed', {
      ...rowContext(found.task),
      cost,
    });
  }

  taskNode(taskId: string): TaskNode {
    return this.cached(taskId, () => ({ kind: 'task', taskId }));
  }

  attemptNode(taskId: string, attemptId: string): AttemptNode {
    return this.cached(attemptId, () => ({ kind: 'attempt', taskId, attemptId }));
  }

  autopilotNode(node: AutopilotTreeNode): AutopilotTreeNode {
    return this.cached(autopilotKey(node), () => node);
  }

  private cached<T extends QuartetNode>(id: string, make: () => T): T {
    const existing = this.nodes.get(id) as T | undefined;
    if (existing) return existing;
    const node = make();
    this.nodes.set(id, node);
    return node;
  }

  private onSnapshot(previous: Snapshot | undefined): void {
    this.pruneNodes();
    // Same tasks and attempts as before: re-render only the rows that changed. A whole-tree refresh
    // ten times a second while attempts run rebuilds every row and can swallow a click.
    const changed = changedRows(previous, this.store.current);
    const apBefore = previous?.autopilot;
    const apNow = this.store.current?.autopilot;
    const noticeChanged = this.store.notice !== this.lastNotice;
    this.lastNotice = this.store.notice;
    if (changed === null || noticeChanged || autopilotSectionVisible(apBefore) !== autopilotSectionVisible(apNow))
      this.refresh();
    else {
      const rows: QuartetNode[] = changed.map((c) =>
        c.attemptId ? this.attemptNode(c.taskId, c.attemptId) : this.taskNode(c.taskId),
      );
      if (autopilotRowsKey(apBefore) !== autopilotRowsKey(apNow)) rows.push(this.autopilotNode({ kind: 'autopilot' }));
      if (rows.length) this.refresh(rows);
    }
    if (this.activeAttemptNodes().length > 0) this.startTicker();
    else this.stopTicker();
  }

  /** Forgets nodes of tasks and attempts that left the snapshot, so the cache does not grow forever. */
  private pruneNodes(): void {
    const live = new Set<string>();
    for (const task of this.store.current?.tasks ?? []) {
      live.add(task.id);
      for (const a of task.attempts) live.add(a.id);
    }
    const ap = this.store.current?.autopilot;
    if (ap) for (const n of [{ kind: 'autopilot' as const }, ...autopilotChildren(ap)]) live.add(autopilotKey(n));
    if (this.store.notice) live.add(NOTICE_KEY);
    for (const id of [...this.nodes.keys()]) if (!live.has(id)) this.nodes.delete(id);
  }

  private activeAttemptNodes(): QuartetNode[] {
    const out: QuartetNode[] = [];
    // "next poll in 12s" ticks too while the Autopilot runs.
    if (this.store.current?.autopilot?.status === 'running') out.push(this.autopilotNode({ kind: 'autopilotStatus' }));
    for (const task of visibleTasks(this.store.current)) {
      for (const a of task.attempts) if (isActive(a.phase)) out.push(this.attemptNode(task.id, a.id));
    }
    return out;
  }

  /** Elapsed times tick only while something runs: an idle tree costs nothing. */
  private startTicker(): void {
    if (this.ticker) return;
    this.ticker = setInterval(() => {
      const active = this.activeAttemptNodes();
      if (active.length === 0) this.stopTicker();
      else this.refresh(active);
    }, TICK_MS);
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }
}
