// Pure parts of New Task: title validation and the attempt-count choices.

import { MAX_ATTEMPTS } from '../../shared/launchLimits';
import { plural } from '../viewModel/format';

export const MAX_TITLE_LENGTH = 200;

export function validateTitle(value: string): string | undefined {
  const t = value.trim();
  if (!t) return 'Give the task a title.';
  if (t.length > MAX_TITLE_LENGTH) return `Keep the title to ${MAX_TITLE_LENGTH} characters (now ${t.length}).`;
  return undefined;
}

/** Structurally a vscode.QuickPickItem, plus the count it stands for. */
export interface AttemptCountItem {
  label: string;
  description?: string;
  count: number;
}

/** 1 to MAX_ATTEMPTS with the configured default first, so Enter accepts it. */
export function attemptCountItems(defaultCount: number): AttemptCountItem[] {
  const others = Array.from({ length: MAX_ATTEMPTS }, (_, i) => i + 1).filter((n) => n !== defaultCount);
  return [defaultCount, ...others].map((count) =>
    count === defaultCount
      ? { label: plural(count, 'attempt'), description: 'default', count }
      : { label: plural(count, 'attempt'), count },
  );
}
