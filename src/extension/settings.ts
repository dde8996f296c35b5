// Reads the `quartet.*` settings through the pure settings model.

import * as vscode from 'vscode';
import type { SettingIsSet, SettingReader } from './settingsModel';

export const SETTINGS_SECTION = 'quartet';

/** Read fresh each time: settings change while the window lives. */
export const readSetting: SettingReader = (key) => vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(key);

/** True when some scope (user, workspace, folder) sets the key: only those override the repo's WORKFLOW.md. */
export const isSettingSet: SettingIsSet = (key) => {
  const i = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
  return i !== undefined && [i.globalValue, i.workspaceValue, i.workspaceFolderValue].some((v) => v !== undefined);
};

/** Settings the supervisor holds (it cannot read VS Code settings itself). */
export const SUPERVISOR_SETTING_KEYS = ['quartet.maxConcurrent', 'quartet.worktreeRoot', 'quartet.stopAttemptsWhenLastClientDisconnects', 'quartet.workflowPath', 'quartet.retention', 'quartet.checks.allowUnsandboxed'];
/** Settings that change which Codex binary (and so which state) the window has. */
export const PREFLIGHT_SETTING_KEYS = ['quartet.codex.path'];
