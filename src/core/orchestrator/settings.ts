// Validation of supervisor settings a client sends: refused with a clear error, or kept only where valid.

import { MAX_WORKTREE_POOL, type RetentionSettings } from '../contract/settings';
import { plainArgv } from '../execution/commandArgv';
import {
  dependencyCopyMode,
  dependencyDirRules,
  DependencyConfigError,
  type DependencyCopyMode,
} from '../execution/dependencyRules';
import { assertUsableWorktreeRoot } from '../git/worktrees';
import { UsageError } from './validation';
import { parseWorkersSetting, WorkerConfigError, type WorkerHost } from '../workers/workerConfig';

/** The smallest journal budget accepted: a run's own protocol records must fit. */
export const MIN_JOURNAL_BUDGET = 64 * 1024;

/** `quartet.journal.maxBytesPerAttempt`: null (the default) or whole bytes ≥ 64 KiB; anything else is refused. */
export function validJournalBudget(v: unknown): number | null {
  if (v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_JOURNAL_BUDGET)
    throw new UsageError(
      `quartet.journal.maxBytesPerAttempt must be a whole number of bytes ≥ ${MIN_JOURNAL_BUDGET}, not ${String(v)}`,
    );
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

/**
 * The allow-list of command prefixes: each entry must be plain words (no shell operators, quotes or
 * expansions) or it could never match what it seems to say; refused as a whole so nothing half-applies.
 */
export function validCommandPrefixes(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new UsageError('allowedCommandPrefixes must be an array of strings, e.g. ["npm ci"]');
  const bad = (value as string[]).filter((v) => !plainArgv(v.trim()));
  if (bad.length)
    throw new UsageError(
      `allowedCommandPrefixes: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not a plain command prefix (words only: no ; & | > $ \` quotes-with-expansions or globs), e.g. "npm ci"`,
    );
  return (value as string[]).map((v) => v.trim());
}

/** `quartet.dependencyDirs` from a client: null (detect) or entries refused as a whole with the bad one named. */
export function validDependencyDirs(value: unknown): string[] | null {
  if (value === null) return null;
  try {
    dependencyDirRules(value);
  } catch (err) {
    if (err instanceof DependencyConfigError) throw new UsageError(err.message);
    throw err;
  }
  return (value as string[]).map((v) => v.trim());
}

/** `quartet.dependencyCopy` from a client: one of the three modes, else refused. */
export function validDependencyCopy(value: unknown): DependencyCopyMode {
  try {
    return dependencyCopyMode(value);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Retention from a client: whole days ≥ 0; anything else keeps the current value. */
export function validRetention(r: Partial<RetentionSettings>, current: RetentionSettings): RetentionSettings {
  const days = (v: unknown, fallback: number): number =>
    typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback;
  return {
    attemptDays: days(r.attemptDays, current.attemptDays),
    archiveDays: days(r.archiveDays, current.archiveDays),
  };
}

/** `quartet.workers` from a client: every entry checked (host, capacity, root), refused as a whole naming the bad one. */
export function validWorkers(value: unknown): WorkerHost[] {
  try {
    return parseWorkersSetting(value, 'workers');
  } catch (err) {
    if (err instanceof WorkerConfigError) throw new UsageError(err.message);
    throw err;
  }
}

/** `quartet.worktreePool` from a client: a whole number of warm worktrees, 0 (off) to MAX_WORKTREE_POOL. */
export function validWorktreePool(value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_WORKTREE_POOL)
    throw new UsageError(
      `worktreePool must be a whole number from 0 (off) to ${MAX_WORKTREE_POOL}, not ${String(value)}`,
    );
  return value;
}
