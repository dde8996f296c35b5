// Quartet: Clean Up…: what ended attempts and old archives hold, in a multi-select picker; removes the chosen ones.

import * as vscode from 'vscode';
import { formatBytes } from '../../core/cleanup/diskUsage';
import type { CommandServices } from './commandServices';
import { cleanupConfirmation, cleanupPickRows, cleanupPlaceholder } from './cleanupModel';

export async function cleanUp(s: CommandServices): Promise<void> {
  const client = s.client();
  const plan = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Quartet: measuring worktrees and archives…' },
    () => client.cleanupPlan(),
  );
  if (!plan.items.length) {
    void vscode.window.showInformationMessage('Quartet: nothing to clean up.');
    return;
  }
  const rows = cleanupPickRows(plan);
  const chosen = await vscode.window.showQuickPick(rows, {
    canPickMany: true,
    title: 'Quartet: Clean Up',
    placeHolder: cleanupPlaceholder(plan),
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  if (!chosen?.length) return;
  const ids = chosen.map((r) => r.id);
  const ok = await vscode.window.showWarningMessage(cleanupConfirmation(plan, ids), { modal: true }, 'Remove');
  if (ok !== 'Remove') return;
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Quartet: cleaning up…' },
    () => client.cleanup(ids),
  );
  s.log.info(
    `cleanup removed=${result.removed.length} archived=${result.archived.length} failed=${result.failed.length} freed=${result.freedBytes}`,
  );
  for (const f of result.failed) s.log.warn(`cleanup ${f.id}: ${f.error}`);
  const text = `Quartet: freed ${formatBytes(result.freedBytes)} (${result.removed.length} removed${result.archived.length ? `, ${result.archived.length} archived first` : ''}).`;
  if (result.failed.length)
    void vscode.window.showWarningMessage(
      `${text} ${result.failed.length} could not be removed: ${result.failed[0]?.error ?? ''}`,
    );
  else void vscode.window.showInformationMessage(text);
}
