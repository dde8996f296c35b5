// Reads the `quartet.*` settings through the pure settings model; machine-scoped ones never from the workspace.

import * as vscode from 'vscode';
import type { SettingIsSet, SettingReader } from './settingsModel';
import {
  ignoredMessage,
  isMachineScoped as isListed,
  trustedRead,
  userOnlyKeysOf,
  type TrustedRead,
} from './trustedSettings';

export const SETTINGS_SECTION = 'quartet';

/** Where "ignored workspace value" lines go (set once the log channel exists); each key is logged once. */
let logIgnored: ((message: string) => void) | undefined;
const loggedKeys = new Set<string>();
/** Keys package.json declares machine/application-scoped (set at activation). */
let manifestKeys: string[] = [];

/** Called once at activation: the manifest's user-only keys and where to log an ignored workspace value. */
export function initSettings(packageJSON: unknown, log: (message: string) => void): void {
  manifestKeys = userOnlyKeysOf(packageJSON);
  logIgnored = log;
}

const isMachineScoped = (key: string): boolean => isListed(key, manifestKeys);

function machineValue(key: string): TrustedRead {
  const read = trustedRead(vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key));
  if (read.ignoredWorkspaceValue && logIgnored && !loggedKeys.has(key)) {
    loggedKeys.add(key);
    logIgnored(ignoredMessage(key));
  }
  return read;
}

/** Read fresh each time: settings change while the window lives. */
export const readSetting: SettingReader = (key) =>
  isMachineScoped(key)
    ? machineValue(key).value
    : vscode.workspace.getConfiguration(SETTINGS_SECTION).get<unknown>(key);

/** True when a scope the key may come from sets it: only those override the repo's WORKFLOW.md. */
export const isSettingSet: SettingIsSet = (key) => {
  if (isMachineScoped(key)) return machineValue(key).isSetByUser;
  const i = vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key);
  return i !== undefined && [i.globalValue, i.workspaceValue, i.workspaceFolderValue].some((v) => v !== undefined);
};

/** A setting's value in the user's own settings only: workspace and folder values (repository content) never count. */
export const readUserSetting: SettingReader = (key) =>
  vscode.workspace.getConfiguration(SETTINGS_SECTION).inspect(key)?.globalValue;

/** Settings the supervisor holds (it cannot read VS Code settings itself). */
export const SUPERVISOR_SETTING_KEYS = [
  'quartet.maxConcurrent',
  'quartet.worktreeRoot',
  'quartet.stopAttemptsWhenLastClientDisconnects',
  'quartet.workflowPath',
  'quartet.retention',
  'quartet.approvals.allowedCommandPrefixes',
  'quartet.journal.maxBytesPerAttempt',
  'quartet.checks.allowUnsandboxed',
  'quartet.dependencyDirs',
  'quartet.dependencyCopy',
  'quartet.worktreePool',
  'quartet.workers',
];
/** Settings that change which Codex binary (and so which state) the window has. */
export const PREFLIGHT_SETTING_KEYS = ['quartet.codex.path'];
