// Registers the control panel: its command, one reused editor-tab panel, and the serializer that restores it.

import * as vscode from 'vscode';
import type { QuartetApi } from '../../core/contract/quartetApi';
import type { Snapshot } from '../../shared/model';
import { mergePriceTable, type PriceTable } from '../../shared/cost';
import { CONTROL_PANEL_VIEW_TYPE, type DiffLineRef, type PanelViewState } from '../../shared/protocol';
import { sanitizeViewState } from '../../shared/protocolGuards';
import { attemptIdFromArg, viewFromSavedState } from './panelArgs';
import { PanelSession, panelResourceRoots } from './panelSession';
import type { SkillsHost } from '../skillsReview';
import type { TaskHost } from './taskRequests';

export const OPEN_CONTROL_PANEL_COMMAND = 'quartet.openControlPanel';
/** Internal (not in the palette): "Quartet: New Task" and the Tasks view's "+" run it. */
export const OPEN_NEW_TASK_FORM_COMMAND = 'quartet.openNewTaskForm';
export const PRICES_SETTING = 'quartet.prices';
/** workspaceState key of the last view, so closing and reopening the panel lands where it was. */
const LAST_VIEW_KEY = 'quartet.controlPanel.view';

export interface ControlPanelDeps {
  getSnapshot(): Snapshot | null;
  onSnapshot(listener: (s: Snapshot) => void): vscode.Disposable;
  api: Pick<QuartetApi, 'journal' | 'stop' | 'retry' | 'answer'> & Partial<Pick<QuartetApi, 'journalPage'>>;
  /** One attempt: its changes against its base; two: one against the other. */
  openDiff(attemptIds: string[], at?: DiffLineRef): Promise<void>;
  /** The tree's Resolve with Agent command on this attempt (not awaited: it reports through its own notifications). */
  resolveWithAgent(attemptId: string): void;
  /** The Skills view's host side; absent in tests of other views. */
  skills?: SkillsHost;
  /** The New Task form and the follow-up message boxes. */
  tasks?: TaskHost;
  log(msg: string): void;
}

export interface ControlPanel extends vscode.Disposable {
  /** Opens (or reveals) the panel; with an attempt id, on that attempt's trace. */
  open(attemptId?: string): void;
  showAttempt(attemptId: string): void;
  /** Opens (or reveals) the panel on the New Task form. */
  openNewTask(): void;
}

/** Built-in table, then the repository's WORKFLOW.md `quartet.prices`, then the user's setting on top. */
export function readPrices(snapshot: Snapshot | null): PriceTable {
  return mergePriceTable(
    vscode.workspace.getConfiguration().get<unknown>(PRICES_SETTING),
    mergePriceTable(snapshot?.workflow?.prices ?? null),
  );
}

export function registerControlPanel(context: vscode.ExtensionContext, deps: ControlPanelDeps): ControlPanel {
  let session: PanelSession | undefined;
  const lastView = (): PanelViewState => sanitizeViewState(context.workspaceState.get<unknown>(LAST_VIEW_KEY));
  const sessionDeps = {
    ...deps,
    prices: () => readPrices(deps.getSnapshot()),
    saveView: (view: PanelViewState): void => void context.workspaceState.update(LAST_VIEW_KEY, view),
    openExternal: async (url: string): Promise<void> => {
      // Checked once by the request handler; checked again on the Uri VS Code will actually open.
      const uri = vscode.Uri.parse(url, true);
      if (uri.scheme !== 'http' && uri.scheme !== 'https') throw new Error('Only http and https links can be opened.');
      await vscode.env.openExternal(uri);
    },
  };

  const adopt = (panel: vscode.WebviewPanel, view: PanelViewState): void => {
    session?.dispose();
    const s = new PanelSession(panel, context.extensionUri, sessionDeps, view);
    session = s;
    // Closing the panel only ends the view: pumps stop, attempts keep running in the supervisor.
    panel.onDidDispose(() => {
      s.dispose();
      if (session === s) session = undefined;
    });
  };

  const open = (attemptId?: string, view?: 'new-task'): void => {
    if (session) {
      session.panel.reveal();
      if (attemptId) session.showAttempt(attemptId);
      return;
    }
    const panel = vscode.window.createWebviewPanel(CONTROL_PANEL_VIEW_TYPE, 'Quartet', vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: false,
      localResourceRoots: panelResourceRoots(context.extensionUri),
    });
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'quartet.svg');
    adopt(
      panel,
      attemptId ? { ...lastView(), view: 'attempt', attemptId } : view ? { ...lastView(), view } : lastView(),
    );
  };

  const openNewTask = (): void => {
    if (session) {
      session.panel.reveal();
      session.showNewTask();
      return;
    }
    open(undefined, 'new-task');
  };

  let workflowPrices = JSON.stringify(deps.getSnapshot()?.workflow?.prices ?? null);
  const disposables: vscode.Disposable[] = [
    vscode.commands.registerCommand(OPEN_CONTROL_PANEL_COMMAND, (arg?: unknown) => open(attemptIdFromArg(arg))),
    vscode.commands.registerCommand(OPEN_NEW_TASK_FORM_COMMAND, () => openNewTask()),
    vscode.window.registerWebviewPanelSerializer(CONTROL_PANEL_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        // A second restored panel (two windows' state, an old layout) is closed: one panel per window.
        if (session) return panel.dispose();
        adopt(panel, viewFromSavedState(state));
      },
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(PRICES_SETTING)) session?.pricesChanged();
    }),
    deps.onSnapshot((s) => {
      const prices = JSON.stringify(s.workflow?.prices ?? null);
      if (prices === workflowPrices) return;
      workflowPrices = prices;
      session?.pricesChanged();
    }),
  ];

  return {
    open,
    showAttempt: (attemptId) => open(attemptId),
    openNewTask,
    dispose: () => {
      session?.panel.dispose();
      session = undefined;
      for (const d of disposables) d.dispose();
    },
  };
}
