// Turns the Autopilot section's pure row views into VS Code TreeItems (section, status, tracker issues, retries).

import * as vscode from 'vscode';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import {
  autopilotSectionRow,
  autopilotStatusRow,
  issueRowView,
  retryRowView,
  type RowView,
} from '../viewModel/autopilotView';

export type AutopilotTreeNode =
  | { readonly kind: 'autopilot' }
  | { readonly kind: 'autopilotStatus' }
  | { readonly kind: 'autopilotIssue'; readonly issueId: string }
  | { readonly kind: 'autopilotRetry'; readonly issueId: string };

function item(id: string, view: RowView, state = vscode.TreeItemCollapsibleState.None): vscode.TreeItem {
  const it = new vscode.TreeItem(view.label, state);
  it.id = id;
  it.description = view.description;
  // Titles and errors come from the tracker: untrusted, so no command links in tooltips.
  const md = new vscode.MarkdownString(view.tooltip);
  md.isTrusted = false;
  md.supportHtml = false;
  it.tooltip = md;
  it.contextValue = view.contextValue;
  it.iconPath = new vscode.ThemeIcon(
    view.icon.id,
    view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined,
  );
  it.accessibilityInformation = { label: `${view.label}, ${view.description}`, role: 'treeitem' };
  return it;
}

/** The section's children: status row, tracker issues (dispatch order), then the retry queue. */
export function autopilotChildren(ap: AutopilotSnapshot): AutopilotTreeNode[] {
  return [
    { kind: 'autopilotStatus' },
    ...ap.issues.map((i) => ({ kind: 'autopilotIssue' as const, issueId: i.id })),
    ...ap.retrying.map((r) => ({ kind: 'autopilotRetry' as const, issueId: r.issueId })),
  ];
}

export function autopilotTreeItem(node: AutopilotTreeNode, ap: AutopilotSnapshot, now: number): vscode.TreeItem {
  switch (node.kind) {
    case 'autopilot':
      return item('quartet.autopilot', autopilotSectionRow(ap), vscode.TreeItemCollapsibleState.Expanded);
    case 'autopilotStatus':
      return item('quartet.autopilot.status', autopilotStatusRow(ap, now));
    case 'autopilotIssue': {
      const row = ap.issues.find((i) => i.id === node.issueId);
      return row ? item(`quartet.autopilot.issue.${row.id}`, issueRowView(row)) : new vscode.TreeItem('(gone)');
    }
    case 'autopilotRetry': {
      const row = ap.retrying.find((r) => r.issueId === node.issueId);
      return row
        ? item(`quartet.autopilot.retry.${row.issueId}`, retryRowView(row, now))
        : new vscode.TreeItem('(gone)');
    }
  }
}
