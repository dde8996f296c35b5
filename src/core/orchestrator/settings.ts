// Validation of supervisor settings a client sends: refused with a clear error, or kept only where valid.

import type { RetentionSettings } from '../client/api';
import { assertUsableWorktreeRoot } from '../execution/worktrees';
import { UsageError } from './validation';

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
