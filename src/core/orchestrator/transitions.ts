// Pure phase transitions of an attempt: which moves are legal, and what a move does to the record.

import { isTerminal, type Phase, type Reason } from '../../shared/model';

const ALLOWED: Record<Phase, readonly Phase[]> = {
  queued: ['preparing', 'stopped', 'interrupted'],
  preparing: ['starting', 'failed', 'stopped', 'interrupted'],
  starting: ['working', 'needs-you', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'],
  working: ['needs-you', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'],
  'needs-you': ['working', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'],
  // Terminal phases leave only through Retry (back to the queue, same worktree and branch).
  finished: [],
  failed: ['queued'],
  stalled: ['queued'],
  stopped: ['queued'],
  interrupted: ['queued'],
};

export function canTransition(from: Phase, to: Phase): boolean {
  return from === to || ALLOWED[from].includes(to);
}

export class TransitionError extends Error {
  constructor(from: Phase, to: Phase) {
    super(`an attempt cannot go from ${from} to ${to}`);
    this.name = 'TransitionError';
  }
}

export interface PhaseFields {
  phase: Phase;
  reason: Reason | null;
  startedAt: string | null;
  endedAt: string | null;
}

/** Applies a legal move; timestamps follow the phase (started on first preparation, ended on terminal). */
export function transition<T extends PhaseFields>(attempt: T, to: Phase, reason: Reason | null, now: string): T {
  if (!canTransition(attempt.phase, to)) throw new TransitionError(attempt.phase, to);
  const next = { ...attempt, phase: to, reason };
  if (to === 'preparing' && !attempt.startedAt) next.startedAt = now;
  if (to === 'queued') next.endedAt = null;
  if (isTerminal(to)) next.endedAt = now;
  return next;
}

/** Outcome of a run → the terminal phase it lands in. */
export function phaseForOutcome(status: 'completed' | 'failed' | 'stopped', reason: Reason | null): Phase {
  if (status === 'completed') return 'finished';
  if (status === 'failed' || reason === 'journal_failed') return 'failed';
  if (reason === 'stall_timeout' || reason === 'looping') return 'stalled';
  if (reason === 'supervisor_restart') return 'interrupted';
  return 'stopped';
}

/** Automatic retry delay (Symphony SPEC §8.4): min(10 s · 2^(n-1), max). */
export function retryDelayMs(retryNumber: number, maxMs: number): number {
  const n = Math.max(1, retryNumber);
  return Math.min(10_000 * 2 ** (n - 1), maxMs);
}

/** The row text of an attempt that ended without finishing, by why it ended. */
export function stopSummary(phase: Phase, reason: Reason): string {
  if (reason === 'looping') return 'stalled: the same command keeps failing';
  if (reason === 'stall_timeout') return 'stalled: no Codex events';
  if (reason === 'budget') return 'stopped: budget reached';
  if (reason === 'journal_failed') return 'failed: its journal could not be written';
  if (reason === 'supervisor_restart') return 'interrupted: Quartet restarted while it ran';
  return phase;
}
