// Turns task and attempt snapshots into VS Code TreeItems, using the pure view model for every text.

import * as vscode from 'vscode';
import type { AttemptSnapshot, TaskSnapshot } from '../../shared/model';
import {
  attemptAccessibilityLabel,
  attemptDescription,
  attemptIcon,
  attemptLabel,
  attemptTooltipMarkdown,
} from '../viewModel/attemptView';
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

export function attemptTreeItem(attempt: AttemptSnapshot, now: number, worktreeExists: boolean, taskLanded = false): vscode.TreeItem {
  const item = new vscode.TreeItem(attemptLabel(attempt), vscode.TreeItemCollapsibleState.None);
  // Stable across snapshots, so selection and focus survive every refresh.
  item.id = attempt.id;
  item.description = attemptDescription(attempt, now);
  item.tooltip = untrustedMarkdown(attemptTooltipMarkdown(attempt, now));
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
