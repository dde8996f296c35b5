// Validation of supervisor settings a client sends: refused with a clear error, or kept only where valid.

import type { RetentionSettings } from '../client/api';
import { assertUsableWorktreeRoot } from '../execution/worktrees';
import { UsageError } from './validation';

/** The smallest journal budget accepted: a run's own protocol records must fit. */
export const MIN_JOURNAL_BUDGET = 64 * 1024;

/** `quartet.journal.maxBytesPerAttempt`: null (the default) or whole bytes ≥ 64 KiB; anything else is refused. */
export function validJournalBudget(v: unknown): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_JOURNAL_BUDGET) throw new UsageError(`quartet.journal.maxBytesPerAttempt must be a whole number of bytes ≥ ${MIN_JOURNAL_BUDGET}, not ${String(v)}`);
  return v;
}

/** Launch and settings refuse a root that cannot hold worktrees before any task exists. */
export function checkWorktreeRoot(root: string, repo: string): void {
  try {
    assertUsableWorktreeRoot(root, repo);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Retention from a client: whole days ≥ 0; anything else keeps the current value. */
export function validRetention(r: Partial<RetentionSettings>, current: RetentionSettings): RetentionSettings {
  const days = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback);
  return { attemptDays: days(r.attemptDays, current.attemptDays), archiveDays: days(r.archiveDays, current.archiveDays) };
}
