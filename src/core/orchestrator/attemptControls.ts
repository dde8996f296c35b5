// A person's (or the Autopilot's) controls on attempts: stop, retry, resume, stop all; state only via the host.

import { isTerminal, type Reason } from '../../shared/model';
import type { AttemptRecord, TaskRecord } from './records';
import type { AttemptRunner } from '../execution/attemptRunner';
import type { FollowUps } from './followUp';
import type { NormalizedIssue } from '../tracker/types';
import { transition } from './transitions';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { killTree } from '../execution/processTree';
import { UsageError } from './validation';

/** What a fresh-thread run of a task made from an issue starts from (an Autopilot re-dispatch). */
export interface RetryInput {
  /** Task text for this run when the workflow has no template. */
  prompt?: string;
  /** The issue as refreshed now: the template renders it. */
  issue?: NormalizedIssue;
  /** The template's `attempt` (SPEC §12.3). */
  attempt?: number | null;
}

/** What the controls need from the orchestrator (the only owner of run state). */
export interface ControlHost {
  tasks(): readonly TaskRecord[];
  attempt(id: string): AttemptRecord;
  update(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  updateTask(id: string, change: (t: TaskRecord) => TaskRecord): void;
  /** Cancels a pending automatic retry. */
  clearRetry(id: string): void;
  dispatch(): void;
  readonly followUps: FollowUps;
  readonly runners: Map<string, AttemptRunner>;
  readonly retryTimers: Map<string, NodeJS.Timeout>;
}

export async function stopAttempt(h: ControlHost, id: string, reason: Reason): Promise<void> {
  const a = h.attempt(id);
  h.clearRetry(id);
  if (a.phase === 'queued') {
    if (h.followUps.cancel(id)) return;
    return h.update(id, (x) => transition(x, 'stopped', reason, new Date().toISOString()));
  }
  if (isTerminal(a.phase)) {
    if (a.nextRetryAt) h.update(id, (x) => ({ ...x, nextRetryAt: null }));
    return;
  }
  const runner = h.runners.get(id);
  if (runner) return runner.stop(reason);
  h.update(id, (x) => transition(x, 'stopped', reason, new Date().toISOString()));
  // Before Codex starts, what runs is a WORKFLOW.md hook: its processes carry the attempt's tag.
  await killTree(null, { name: ATTEMPT_TAG, value: id });
}

/** Retry: same worktree and branch, a new thread; `next` (an Autopilot re-dispatch) sets this run's prompt input. */
export function retryAttempt(h: ControlHost, id: string, next: RetryInput): void {
  const a = h.attempt(id);
  if (!isTerminal(a.phase) || a.phase === 'finished')
    throw new UsageError(
      `attempt ${id} is ${a.phase}; only failed, stalled, stopped or interrupted attempts can be retried`,
    );
  h.clearRetry(id);
  h.update(id, (x) => ({
    ...transition(x, 'queued', null, new Date().toISOString()),
    retries: x.retries + 1,
    nextRetryAt: null,
    lastEvent: 'queued for retry',
    lastError: null,
    resumeThread: null,
    nextPrompt: next.prompt ?? null,
    nextAttempt: next.attempt,
  }));
  if (next.issue) h.updateTask(a.taskId, (t) => ({ ...t, issue: next.issue }));
  h.dispatch();
}

/** Resume: same attempt, worktree, branch and Codex thread (`thread/resume`); for interrupted or stopped work. */
export function resumeAttempt(h: ControlHost, id: string): void {
  const a = h.attempt(id);
  if (!isTerminal(a.phase) || a.phase === 'finished' || !a.threadId) {
    throw new UsageError(
      `attempt ${id} is ${a.phase}${a.threadId ? '' : ' and never started a Codex thread'}; only interrupted, stopped, stalled or failed attempts with a thread can be resumed (use retry for a new thread)`,
    );
  }
  h.clearRetry(id);
  h.update(id, (x) => ({
    ...transition(x, 'queued', null, new Date().toISOString()),
    resumeThread: x.threadId,
    nextPrompt: null,
    nextRetryAt: null,
    lastEvent: 'queued to resume',
    lastError: null,
  }));
  h.dispatch();
}

/** Stops every running attempt (used on shutdown when configured, and by tests). */
export async function stopAllAttempts(h: ControlHost, reason: Reason): Promise<void> {
  for (const t of h.retryTimers.keys()) h.clearRetry(t);
  await Promise.all([...h.runners.values()].map((r) => r.stop(reason)));
  for (const a of h.tasks().flatMap((t) => t.attempts)) {
    if (a.phase === 'queued' && !h.followUps.cancel(a.id))
      h.update(a.id, (x) => transition(x, 'stopped', reason, new Date().toISOString()));
  }
}
