// Undo Land: a revert commit on the base for a land that nothing else has followed yet (the supervisor checks).

import * as vscode from 'vscode';
import type { AttemptSnapshot } from '../../shared/model';
import { oneLine } from '../viewModel/format';
import type { CommandServices } from './commandServices';
import { resolveAttempt } from './resolveAttempt';

/** Landed on the base itself (not aside) and not undone yet. */
export function isUndoable(a: Pick<AttemptSnapshot, 'landed'>): boolean {
  return !!a.landed && !a.landed.aside && !a.landed.revertedBy;
}

export async function undoLand(s: CommandServices, arg: unknown): Promise<void> {
  const target = await resolveAttempt(s.store, arg, isUndoable, 'Undo the land of which task?');
  if (!target) return;
  // Refusals (the base moved on, a dirty checkout) come back as errors with the reason; registerCommands shows them.
  const r = await s.client().undoLand(target.task.id);
  s.log.info(`task=${target.task.id} undo land: ${r.status} ${r.message}`);
  if (r.status === 'reverted') {
    void vscode.window.showInformationMessage(
      `Quartet: undid “${oneLine(target.task.title, 60)}” with revert ${r.commit.slice(0, 8)} on ${target.task.baseRef}.`,
    );
  }
}
