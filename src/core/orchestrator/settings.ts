// Validation of supervisor settings a client sends (the orchestrator keeps whatever is valid).

import type { RetentionSettings } from '../client/api';

/** Retention from a client: whole days ≥ 0; anything else keeps the current value. */
export function validRetention(r: Partial<RetentionSettings>, current: RetentionSettings): RetentionSettings {
  const days = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.floor(v) : fallback);
  return { attemptDays: days(r.attemptDays, current.attemptDays), archiveDays: days(r.archiveDays, current.archiveDays) };
}
