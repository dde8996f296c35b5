// Pure readers of what reaches the panel from outside: command arguments and the state VS Code restores.

import { DEFAULT_VIEW_STATE, type PanelView, type PanelViewState } from '../../shared/protocol';

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
  const v = (state as { view?: Partial<PanelViewState> } | null | undefined)?.view;
  if (!v || typeof v !== 'object') return DEFAULT_VIEW_STATE;
  const views: PanelView[] = ['board', 'attempt', 'compare'];
  return {
    view: views.includes(v.view as PanelView) ? (v.view as PanelView) : 'board',
    attemptId: typeof v.attemptId === 'string' ? v.attemptId : null,
    compareIds: Array.isArray(v.compareIds) ? v.compareIds.filter((x): x is string => typeof x === 'string').slice(0, 4) : [],
    filter: v.filter === 'commands' || v.filter === 'errors' ? v.filter : 'all',
    search: typeof v.search === 'string' ? v.search.slice(0, 200) : '',
  };
}
