// Follow-up turns: one more Codex turn on an ended attempt's own thread, with a given prompt, through the normal dispatch.

import { existsSync } from 'node:fs';
import { isTerminal, type FollowUpOutcome, type FollowUpRecord, type Reason } from '../../shared/model';
import type { RunOutcome } from '../execution/attemptRunner';
import { appendJournalEvent, type Journal } from '../observability/journal';
import type { AttemptRecord, TaskRecord } from './records';
import { phaseForOutcome, restorePhase, savedPhase, stopSummary, transition, type PhaseFields } from './transitions';
import { UsageError } from './validation';
import type { FollowUpResult, Ended } from '../contract/replies';

export interface FollowUpOptions {
  /** Why (recorded on the attempt and shown): `resolve-conflicts`, `pr-fix`, `autopilot-continue`, … */
  reason: string;
  /**
   * After the turn completed, before Quartet commits what the agent left: return a problem to reject the
   * result (then `rollback` runs and the attempt is put back as it was), or null to accept it. May commit itself.
   */
  verify?: (attempt: AttemptRecord) => Promise<string | null>;
  /** After a turn that did not complete or was rejected: put the worktree back; returns a note for the error text. */
  rollback?: (attempt: AttemptRecord) => Promise<string | null>;
}

/** What the follow-ups need from the orchestrator (the only owner of run state). */
export interface FollowUpHost {
  attempt(id: string): AttemptRecord;
  task(attemptId: string): TaskRecord;
  update(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  dispatch(): void;
  /** Commits what the agent left and marks the attempt finished (throws when the commit fails); `scored` settles after the scorecard. */
  finish(id: string, finalMessage: string | null, journal: Journal): Promise<{ scored: Promise<void> }>;
  log(line: string): void;
}

interface Pending {
  prompt: string;
  options: FollowUpOptions;
  before: PhaseFields;
  at: string;
  /** Position of its entry in `attempt.followUps` (append-only): two follow-ups in one millisecond share `at`. */
  index: number;
  done(result: FollowUpResult): void;
}

const now = (): string => new Date().toISOString();

export class FollowUps {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly host: FollowUpHost) {}

  /** Queues one more turn on the attempt's thread; the promise settles when it ended, was committed and scored. */
  request(attemptId: string, prompt: string, options: FollowUpOptions): Promise<FollowUpResult> {
    const a = this.host.attempt(attemptId);
    const task = this.host.task(attemptId);
    const problem = followUpProblem(
      a,
      task,
      prompt,
      options.reason,
      this.pending.has(attemptId),
      existsSync(a.worktree),
    );
    if (problem) throw new UsageError(problem);
    const at = now();
    const before = savedPhase(a);
    appendJournalEvent(a.journal, {
      type: 'phase',
      phase: 'queued',
      reason: null,
      message: `follow-up (${options.reason}) queued on thread ${a.threadId ?? ''}`,
    });
    // The turn's input, so the trace shows what was said to the agent before its reply.
    appendJournalEvent(a.journal, { type: 'user_message', text: prompt, reason: options.reason });
    const result = new Promise<FollowUpResult>((resolve) =>
      this.pending.set(attemptId, { prompt, options, before, at, index: a.followUps.length, done: resolve }),
    );
    const entry: FollowUpRecord = { reason: options.reason, at, outcome: 'running', message: null, endedAt: null };
    this.host.update(attemptId, (x) => ({
      ...transition(x, 'queued', null, at),
      resumeThread: x.threadId,
      nextRetryAt: null,
      lastError: null,
      lastEvent: `queued for a follow-up (${options.reason})`,
      lastEventAt: at,
      followUps: [...x.followUps, entry],
    }));
    this.host.log(`attempt=${attemptId} follow-up=${options.reason} queued`);
    this.host.dispatch();
    return result;
  }

  has(attemptId: string): boolean {
    return this.pending.has(attemptId);
  }

  /** The prompt of the turn to run instead of the resume prompt, when a follow-up is queued. */
  promptFor(attemptId: string): string | null {
    return this.pending.get(attemptId)?.prompt ?? null;
  }

  /** Stopped while still queued: nothing ran, so the attempt is put back as it was. */
  cancel(attemptId: string): boolean {
    const p = this.pending.get(attemptId);
    if (!p) return false;
    this.pending.delete(attemptId);
    this.end(attemptId, p, 'stopped', 'stopped before it started', 'stopped_by_user');
    return true;
  }

  /** Called by the orchestrator instead of its own settle when the run was a follow-up. */
  async settle(attemptId: string, outcome: RunOutcome, journal: Journal): Promise<void> {
    const p = this.pending.get(attemptId);
    if (!p) return;
    this.pending.delete(attemptId);
    const a = this.host.attempt(attemptId);
    // Stopped while its worktree was being prepared: the orchestrator already moved it to `stopped`.
    if (isTerminal(a.phase) || outcome.status === 'stopped') {
      const reason = outcome.status === 'stopped' ? outcome.reason : 'stopped_by_user';
      return this.reject(
        attemptId,
        p,
        'stopped',
        `${stopSummary(phaseForOutcome('stopped', reason), reason)} during the follow-up`,
        reason,
        journal,
      );
    }
    if (outcome.status === 'failed')
      return this.reject(attemptId, p, 'failed', outcome.message, outcome.reason, journal);
    const problem = p.options.verify
      ? await p.options.verify(a).catch((err: unknown) => `verification failed: ${(err as Error).message}`)
      : null;
    if (problem) return this.reject(attemptId, p, 'rejected', problem, 'turn_failed', journal);
    let scored: Promise<void>;
    try {
      scored = (await this.host.finish(attemptId, outcome.finalMessage, journal)).scored;
    } catch (err) {
      return this.reject(
        attemptId,
        p,
        'failed',
        `could not commit the follow-up's result: ${(err as Error).message}`,
        'commit_failed',
        journal,
      );
    }
    // The caller hears back once the scorecard (checks) ran on the new result; the slot is free meanwhile.
    void scored.then(() => {
      const done = this.host.attempt(attemptId);
      const checks =
        done.checks?.state === 'passed' || done.checks?.state === 'failed' ? `; checks ${done.checks.state}` : '';
      this.record(attemptId, p, 'completed', `completed on ${done.resultCommit?.slice(0, 8) ?? 'no commit'}${checks}`);
      this.host.log(`attempt=${attemptId} follow-up=${p.options.reason} completed${checks}`);
      p.done({
        attemptId,
        reason: p.options.reason,
        status: 'completed',
        message: `follow-up (${p.options.reason}) completed${checks}`,
        commit: done.resultCommit,
        checks: done.checks,
      });
    });
  }

  /** The turn produced nothing to keep: roll the worktree back if asked, then settle the attempt (see `end`). */
  private async reject(
    attemptId: string,
    p: Pending,
    status: Ended,
    why: string,
    reason: Reason,
    journal: Journal,
  ): Promise<void> {
    let note: string | null = null;
    if (p.options.rollback)
      note = await p.options
        .rollback(this.host.attempt(attemptId))
        .catch((err: unknown) => `rolling back failed: ${(err as Error).message}`);
    const message = note ? `${why}; ${note}` : why;
    journal.event({
      type: 'phase',
      phase: p.before.phase,
      reason: p.before.reason,
      message: `follow-up (${p.options.reason}) ${status}: ${message}`,
    });
    this.end(attemptId, p, status, message, reason);
  }

  /**
   * A finished attempt keeps its result and stays finished (so it can still land), and a stopped follow-up
   * is an undo; an attempt that had not finished fails (again) with the follow-up's reason.
   */
  private end(attemptId: string, p: Pending, status: Ended, message: string, reason: Reason): void {
    const text = `follow-up (${p.options.reason}) ${status}: ${message}`;
    this.host.update(attemptId, (x) => {
      const back =
        p.before.phase === 'finished' || status === 'stopped' || isTerminal(x.phase)
          ? restorePhase(x, p.before)
          : transition(x, 'failed', reason, now());
      return {
        ...back,
        pending: null,
        resumeThread: null,
        lastError: reason === 'stopped_by_user' ? x.lastError : text,
        lastEvent: text.slice(0, 160),
        lastEventAt: now(),
      };
    });
    this.record(attemptId, p, status, message);
    this.host.log(`attempt=${attemptId} follow-up=${p.options.reason} ${status}: ${message}`);
    const a = this.host.attempt(attemptId);
    p.done({ attemptId, reason: p.options.reason, status, message: text, commit: a.resultCommit, checks: a.checks });
  }

  private record(attemptId: string, p: Pending, outcome: FollowUpOutcome, message: string): void {
    this.host.update(attemptId, (x) => ({
      ...x,
      followUps: x.followUps.map((f, i) => (i === p.index ? { ...f, outcome, message, endedAt: now() } : f)),
    }));
  }
}

/** Why this attempt cannot take a follow-up now, or null (pure, so the rules are unit-tested). */
export function followUpProblem(
  a: AttemptRecord,
  task: TaskRecord,
  prompt: string,
  reason: string,
  queued: boolean,
  worktreeExists: boolean,
): string | null {
  if (!prompt.trim()) return 'a follow-up needs a prompt';
  if (!reason.trim()) return 'a follow-up needs a reason (e.g. resolve-conflicts)';
  if (queued) return `attempt ${a.id} already has a follow-up queued or running`;
  if (!isTerminal(a.phase))
    return `attempt ${a.id} is ${a.phase}; a follow-up needs an attempt that has ended (finished, failed, stopped, stalled or interrupted)`;
  if (!a.threadId)
    return `attempt ${a.id} never started a Codex thread, so there is no conversation to follow up on; use retry to start one`;
  if (a.archived) return `attempt ${a.id} is archived (${a.archived.reason}); its worktree is gone`;
  if (a.landed || task.state === 'landed')
    return `task ${task.id} already landed; a follow-up would change nothing that lands`;
  if (!worktreeExists) return `the worktree of attempt ${a.id} (${a.worktree}) no longer exists`;
  return null;
}
