// Persisted task/attempt records (what state.json holds) and the snapshot built from them.

import {
  ATTEMPT_EXTRAS,
  isActive,
  type AttemptSnapshot,
  type Snapshot,
  type TaskSnapshot,
  type TokenTotals,
} from '../../shared/model';
import type { LaunchOptions } from '../contract/launch';
import type { SupervisorSettings } from '../contract/settings';
import type { NormalizedIssue } from '../tracker/types';

export interface AttemptRecord extends AttemptSnapshot {
  /** Latest absolute total per Codex thread; the attempt total is their sum. */
  tokensByThread: Record<string, TokenTotals>;
  /** Set while queued for Resume: the thread to continue. */
  resumeThread?: string | null;
  /** Extra prompt text (a rework's reason and post-mortem). */
  promptAddendum?: string | null;
  /** The task text of the next fresh-thread run instead of the task's prompt (an Autopilot retry's rendered prompt); cleared once a session starts. */
  nextPrompt?: string | null;
  /** The template's `attempt` for the next fresh-thread run (an Autopilot retry number, SPEC §12.3); cleared once a session starts. */
  nextAttempt?: number | null;
}

export interface TaskRecord extends Omit<TaskSnapshot, 'attempts'> {
  baseCommit: string;
  /** A task made from a tracker issue: the issue as last dispatched, what the WORKFLOW.md template renders (SPEC §12). */
  issue?: NormalizedIssue | null;
  options: LaunchOptions;
  attempts: AttemptRecord[];
}

export interface PersistedState {
  version: 1;
  tasks: TaskRecord[];
  /** The supervisor settings last configured by a client (restored after a restart). */
  settings?: SupervisorSettings;
}

export function isPersistedState(v: unknown): v is PersistedState {
  const s = v as PersistedState;
  return (
    !!s &&
    s.version === 1 &&
    Array.isArray(s.tasks) &&
    s.tasks.every((t) => typeof t.id === 'string' && Array.isArray(t.attempts))
  );
}

export function attemptSnapshot(a: AttemptRecord): AttemptSnapshot {
  // Leave out the per-thread breakdown: the snapshot carries the attempt's total.
  const {
    tokensByThread: _omit,
    resumeThread: _resume,
    promptAddendum: _addendum,
    nextPrompt: _next,
    nextAttempt: _attempt,
    ...rest
  } = a;
  return {
    ...rest,
    pending: a.pending ? { ...a.pending } : null,
    threadIds: [...a.threadIds],
    tokens: { ...a.tokens },
    followUps: a.followUps.map((f) => ({ ...f })),
  };
}

export function taskSnapshot(t: TaskRecord): TaskSnapshot {
  return {
    id: t.id,
    key: t.key,
    title: t.title,
    prompt: t.prompt,
    createdAt: t.createdAt,
    state: t.state,
    baseRef: t.baseRef,
    attempts: t.attempts.map(attemptSnapshot),
    recommended: t.recommended,
    landing: t.landing,
    source: t.source ? { ...t.source } : null,
    verdict: t.verdict ?? null,
    earlyStop: t.earlyStop ?? null,
  };
}

/**
 * Fills in fields that state written by an older Quartet lacks, and ends what a previous supervisor left
 * running: a land (no process finishes it now) and follow-up turns (their attempts become interrupted).
 */
export function normalizeTask(t: TaskRecord): TaskRecord {
  const now = new Date().toISOString();
  const landing =
    t.landing?.status === 'running'
      ? {
          ...t.landing,
          status: 'failed' as const,
          // A land as a PR cannot go on (its token was in memory only); its PR stays open and a new land picks it up.
          message: t.landing.pr
            ? `Quartet restarted during this land (at ${t.landing.step}); PR #${t.landing.pr.number} stays open (${t.landing.pr.url}): land as a PR again to pick it up`
            : `Quartet restarted during this land (at ${t.landing.step}); check ${t.baseRef} and land again`,
        }
      : (t.landing ?? null);
  return {
    ...t,
    recommended: t.recommended ?? null,
    landing,
    source: t.source ?? null,
    // A verdict cut off by a restart is judged again at the next rescore; a finished one stays.
    verdict: t.verdict?.state === 'done' ? t.verdict : null,
    attempts: t.attempts.map((a) => {
      const full = { ...ATTEMPT_EXTRAS, ...a };
      const followUps = (full.followUps ?? []).map((f) =>
        f.outcome === 'running'
          ? { ...f, outcome: 'interrupted' as const, message: 'Quartet restarted during the follow-up', endedAt: now }
          : f,
      );
      return { ...full, followUps };
    }),
  };
}

export function buildSnapshot(repo: string, tasks: TaskRecord[], warnings: string[], now: Date): Snapshot {
  return {
    repo,
    generatedAt: now.toISOString(),
    tasks: sortedTasks(tasks).map(taskSnapshot),
    counts: snapshotCounts(tasks),
    warnings: [...warnings],
  };
}

/** Newest task first: the order of every snapshot. */
export function sortedTasks(tasks: readonly TaskRecord[]): TaskRecord[] {
  return [...tasks].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

export function snapshotCounts(tasks: readonly TaskRecord[]): Snapshot['counts'] {
  const all = tasks.flatMap((t) => t.attempts);
  return {
    running: all.filter((a) => isActive(a.phase) && a.phase !== 'needs-you').length,
    needsYou: all.filter((a) => a.phase === 'needs-you').length,
    queued: all.filter((a) => a.phase === 'queued').length,
    finished: all.filter((a) => a.phase === 'finished').length,
    failed: all.filter((a) => a.phase === 'failed' || a.phase === 'stalled').length,
  };
}
