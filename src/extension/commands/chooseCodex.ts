// "Choose Codex Binary…": the welcome view's one-click fix when Codex is not found — pick a file, prove it runs, save it.

import * as vscode from 'vscode';
import { resolveCodexBinary } from '../../core/execution/codexBinary';
import { SETTINGS_SECTION } from '../settings';
import type { CommandServices } from './commandServices';

export async function chooseCodexBinary(s: CommandServices): Promise<void> {
  const picked = await vscode.window.showOpenDialog({
    title: 'Choose the codex binary',
    openLabel: 'Use This Codex',
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
  });
  const uri = picked?.[0];
  if (!uri) return;
  const path = uri.scheme === 'vscode-remote' ? uri.path : uri.fsPath;
  // Only a binary that answers `--version` is saved: a wrong pick must not replace a working setting.
  const checked = await resolveCodexBinary({ configured: path, env: { PATH: process.env.PATH ?? '' } });
  if (!checked.ok || checked.path !== path) {
    void vscode.window.showErrorMessage(
      `Quartet: ${path} did not run as codex (\`${path} --version\` failed). Choose the codex binary itself.`,
    );
    return;
  }
  // User (machine) settings: the binary that runs is never a workspace's choice.
  await vscode.workspace
    .getConfiguration(SETTINGS_SECTION)
    .update('codex.path', path, vscode.ConfigurationTarget.Global);
  s.log.info(`quartet.codex.path set to ${path} (${checked.version})`);
  await s.refresh();
}
