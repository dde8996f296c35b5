// Pure phase transitions of an attempt: which moves are legal, and what a move does to the record.

import { isTerminal, REASON_TEXT, type Phase, type Reason } from '../../shared/model';

const ALLOWED: Record<Phase, readonly Phase[]> = {
  queued: ['preparing', 'stopped', 'interrupted'],
  preparing: ['starting', 'failed', 'stopped', 'interrupted'],
  starting: ['working', 'needs-you', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'],
  working: ['needs-you', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'],
  'needs-you': ['working', 'finished', 'failed', 'stalled', 'stopped', 'interrupted'],
  // Terminal phases leave only through the queue: Retry/Resume (same worktree and branch), or a follow-up
  // turn on the attempt's own thread — the only way out of `finished`.
  finished: ['queued'],
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

/** The phase fields of an attempt, saved before a follow-up so a follow-up that produced nothing can put them back. */
export function savedPhase(a: PhaseFields): PhaseFields {
  return { phase: a.phase, reason: a.reason, startedAt: a.startedAt, endedAt: a.endedAt };
}

/**
 * Puts back the phase an attempt had before a follow-up turn that did not produce a new result (failed,
 * stopped, rejected): not a move of the state machine but an undo — the attempt is as it was, so a
 * finished attempt stays landable. Only terminal phases can be restored.
 */
export function restorePhase<T extends PhaseFields>(attempt: T, saved: PhaseFields): T {
  if (!isTerminal(saved.phase)) throw new TransitionError(attempt.phase, saved.phase);
  return { ...attempt, phase: saved.phase, reason: saved.reason, startedAt: saved.startedAt, endedAt: saved.endedAt };
}

/** Outcome of a run → the terminal phase it lands in. */
export function phaseForOutcome(status: 'completed' | 'failed' | 'stopped', reason: Reason | null): Phase {
  if (status === 'completed') return 'finished';
  if (status === 'failed' || reason === 'journal_failed') return 'failed';
  if (reason === 'stall_timeout' || reason === 'looping') return 'stalled';
  if (reason === 'supervisor_restart' || reason === 'worker_lost') return 'interrupted';
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
  if (reason === 'outraced') return 'stopped: another attempt won the race';
  if (reason === 'journal_failed') return 'failed: its journal could not be written';
  if (reason === 'journal_budget') return 'stopped: journal budget reached (output summarized)';
  if (reason === 'supervisor_restart' || reason === 'worker_lost') return `interrupted: ${REASON_TEXT[reason]}`;
  return phase;
}
