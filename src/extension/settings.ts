// Reads the `quartet.*` settings through the pure settings model.

import * as vscode from 'vscode';
import type { SettingReader } from './settingsModel';

export const SETTINGS_SECTION = 'quartet';

/** Read fresh each time: settings change while the window lives. */
export const readSetting: SettingReader = (key) => vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(key);

/** Settings the supervisor holds (it cannot read VS Code settings itself). */
export const SUPERVISOR_SETTING_KEYS = ['quartet.maxConcurrent', 'quartet.worktreeRoot', 'quartet.stopAttemptsWhenLastClientDisconnects', 'quartet.retention'];
/** Settings that change which Codex binary (and so which state) the window has. */
export const PREFLIGHT_SETTING_KEYS = ['quartet.codex.path'];
