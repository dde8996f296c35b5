// Pure diff of consecutive snapshots: phase transitions to log, and questions that newly wait on the user.

import type { AttemptSnapshot, Phase, Reason, Snapshot, TaskSnapshot } from '../../shared/model';

export interface PhaseTransition {
  taskId: string;
  attemptId: string;
  threadId: string | null;
  /** Null when the attempt was not in the previous snapshot (or there was none). */
  from: Phase | null;
  phase: Phase;
  reason: Reason | null;
}

function attemptsById(snapshot: Snapshot | undefined): Map<string, AttemptSnapshot> {
  const map = new Map<string, AttemptSnapshot>();
  for (const task of snapshot?.tasks ?? []) for (const a of task.attempts) map.set(a.id, a);
  return map;
}

/** Every attempt whose phase or reason differs from `prev` (all of them when `prev` is undefined). */
export function phaseTransitions(prev: Snapshot | undefined, next: Snapshot): PhaseTransition[] {
  const before = attemptsById(prev);
  const out: PhaseTransition[] = [];
  for (const task of next.tasks) {
    for (const a of task.attempts) {
      const old = before.get(a.id);
      if (old && old.phase === a.phase && old.reason === a.reason) continue;
      out.push({
        taskId: task.id,
        attemptId: a.id,
        threadId: a.threadId,
        from: old?.phase ?? null,
        phase: a.phase,
        reason: a.reason,
      });
    }
  }
  return out;
}

/** The log line format the rest of Quartet uses, so one grep follows an attempt across processes. */
export function formatTransition(t: PhaseTransition): string {
  return `task=${t.taskId} attempt=${t.attemptId} session=${t.threadId ?? '-'} phase=${t.phase} reason=${t.reason ?? '-'}`;
}

export interface WaitingAttempt {
  task: TaskSnapshot;
  attempt: AttemptSnapshot;
  /** Stable per question, so one question is announced once even across reconnects. */
  key: string;
}

/** Attempts in needs-you whose pending question is not in `announced` yet. */
export function newlyWaiting(next: Snapshot, announced: ReadonlySet<string>): WaitingAttempt[] {
  const out: WaitingAttempt[] = [];
  for (const task of next.tasks) {
    if (task.state !== 'open') continue;
    for (const attempt of task.attempts) {
      if (attempt.phase !== 'needs-you') continue;
      const key = `${attempt.id}/${attempt.pending?.id ?? 'pending'}`;
      if (!announced.has(key)) out.push({ task, attempt, key });
    }
  }
  return out;
}

export interface NewFailure {
  task: TaskSnapshot;
  attempt: AttemptSnapshot;
  /** Identical failures (same phase, reason and error) share a key, so they are shown once. */
  key: string;
}

/** Attempts that moved into failed or stalled between `prev` and `next` (none on the first snapshot). */
export function newFailures(prev: Snapshot | undefined, next: Snapshot): NewFailure[] {
  if (!prev) return [];
  const before = attemptsById(prev);
  const out: NewFailure[] = [];
  for (const task of next.tasks) {
    for (const attempt of task.attempts) {
      if (attempt.phase !== 'failed' && attempt.phase !== 'stalled') continue;
      if (before.get(attempt.id)?.phase === attempt.phase) continue;
      out.push({ task, attempt, key: `${attempt.phase}/${attempt.reason ?? '-'}/${attempt.lastError ?? ''}` });
    }
  }
  return out;
}
