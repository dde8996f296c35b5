// Turns task and attempt snapshots into VS Code TreeItems, using the pure view model for every text.

import * as vscode from 'vscode';
import type { AttemptSnapshot, TaskSnapshot } from '../../shared/model';
import {
  attemptAccessibilityLabel,
  attemptIcon,
  attemptTooltipMarkdown,
  type TooltipExtras,
} from '../viewModel/attemptView';
import { attemptRowText, attemptRowLabel, type RowContext } from '../viewModel/attemptRow';
import { TASK_CONTEXT_VALUE, attemptContextValue } from '../viewModel/contextValue';
import { taskDescription, taskTooltipMarkdown } from '../viewModel/taskView';

/** Untrusted text (prompts, agent output) goes into tooltips, so command links stay disabled. */
function untrustedMarkdown(text: string): vscode.MarkdownString {
  const md = new vscode.MarkdownString(text);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}

export function taskTreeItem(task: TaskSnapshot): vscode.TreeItem {
  const item = new vscode.TreeItem(task.title, vscode.TreeItemCollapsibleState.Expanded);
  item.id = task.id;
  item.description = taskDescription(task);
  item.tooltip = untrustedMarkdown(taskTooltipMarkdown(task));
  item.contextValue = TASK_CONTEXT_VALUE;
  item.iconPath = new vscode.ThemeIcon('tasklist');
  return item;
}

/** A row fits a 300 px sidebar: the number, the phase icon and the one thing that matters now; the rest is in the tooltip. */
export function attemptTreeItem(
  attempt: AttemptSnapshot,
  now: number,
  worktreeExists: boolean,
  taskLanded = false,
  ctx: RowContext & TooltipExtras = { waitingForChecks: null },
): vscode.TreeItem {
  const item = new vscode.TreeItem(attemptRowLabel(attempt), vscode.TreeItemCollapsibleState.None);
  // Stable across snapshots, so selection and focus survive every refresh.
  item.id = attempt.id;
  item.description = attemptRowText(attempt, ctx);
  item.tooltip = untrustedMarkdown(attemptTooltipMarkdown(attempt, now, ctx));
  item.contextValue = attemptContextValue(attempt, worktreeExists, taskLanded);
  const icon = attemptIcon(attempt.phase, attempt);
  item.iconPath = new vscode.ThemeIcon(icon.id, icon.color ? new vscode.ThemeColor(icon.color) : undefined);
  item.accessibilityInformation = { label: attemptAccessibilityLabel(attempt), role: 'treeitem' };
  // A click on an attempt opens its trace in the control panel (the panel issue's "click an attempt").
  item.command = { command: 'quartet.openControlPanel', title: 'Open Control Panel', arguments: [attempt.id] };
  return item;
}

/** Shown for a node whose task or attempt vanished between getChildren and getTreeItem. */
export function goneTreeItem(id: string): vscode.TreeItem {
  const item = new vscode.TreeItem('(removed)', vscode.TreeItemCollapsibleState.None);
  item.id = id;
  return item;
}

/** The line above the tasks about the supervisor itself (Quartet was updated while attempts ran). */
export function noticeTreeItem(id: string, text: string): vscode.TreeItem {
  const item = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  item.id = id;
  item.tooltip = `${text}\n\nThe repository's supervisor is an older Quartet build that still runs work; Quartet keeps using it rather than cut that work off. Once nothing runs it restarts on the new build by itself.`;
  item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
  item.accessibilityInformation = { label: `Warning: ${text}`, role: 'treeitem' };
  return item;
}
