// Pure readers of what reaches the panel from outside: command arguments and the state VS Code restores.

import type { PanelViewState } from '../../shared/protocol';
import { sanitizeViewState } from '../../shared/protocolGuards';

/** A tree row, an attempt id, or `{ attemptId }` / `{ attempt: { id } }` from another command. */
export function attemptIdFromArg(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return arg;
  if (!arg || typeof arg !== 'object') return undefined;
  const a = arg as { attemptId?: unknown; attempt?: { id?: unknown } };
  if (typeof a.attemptId === 'string') return a.attemptId;
  if (typeof a.attempt?.id === 'string') return a.attempt.id;
  return undefined;
}

/** The view state VS Code saved for a panel (whatever the webview passed to setState), checked. */
export function viewFromSavedState(state: unknown): PanelViewState {
  return sanitizeViewState((state as { view?: unknown } | null | undefined)?.view);
}
