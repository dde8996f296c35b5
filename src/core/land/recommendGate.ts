// Holds the ★ back while a finished attempt of the task still waits for its checks: a ★ that moves misleads.

import type { CheckSummary, Phase } from '../../shared/model';

export interface GateAttempt {
  index: number;
  phase: Phase;
  archived: unknown;
  checks: Pick<CheckSummary, 'state'> | null;
}

/**
 * Attempt numbers whose checks are not in yet: finished, not archived, checks running (afterFinish marks
 * them running in the tick the attempt finishes; null = an attempt from before checks existed, not pending).
 */
export function checksPendingOn(attempts: readonly GateAttempt[]): number[] {
  return attempts
    .filter((a) => a.phase === 'finished' && !a.archived && a.checks?.state === 'running')
    .map((a) => a.index)
    .sort((x, y) => x - y);
}

/** The scorecard's pick, or null while any finished attempt's checks are still out. */
export function gatedRecommendation(recommended: string | null, attempts: readonly GateAttempt[]): string | null {
  return checksPendingOn(attempts).length > 0 ? null : recommended;
}

/** `waiting for checks on #3` / `#2, #3`; null when nothing is pending. */
export function waitingForChecksText(attempts: readonly GateAttempt[]): string | null {
  const pending = checksPendingOn(attempts);
  return pending.length ? `waiting for checks on ${pending.map((i) => `#${i}`).join(', ')}` : null;
}
