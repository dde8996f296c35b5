// What the Autopilot needs from the rest of Quartet (the orchestrator, in production).

import type { Phase, Reason } from '../../shared/model';
import type { NormalizedIssue } from '../tracker/types';
import type { TaskView } from './decisions';

export interface HostAttempt {
  id: string;
  phase: Phase;
  reason: Reason | null;
  lastError: string | null;
}

/** How a continuation turn ended (a failed or stopped one leaves a finished attempt finished, with its earlier result). */
export type ContinuationStatus = 'completed' | 'failed' | 'stopped' | 'rejected';

export interface AutopilotHost {
  /**
   * Starts work on an issue: a new Quartet task (one per issue) with `attemptsPerIssue` attempts, or, when
   * the issue already has a task, its failed/stopped attempts again in their worktrees (a new thread each).
   */
  launchForIssue(
    issue: NormalizedIssue,
    prompt: string,
    attemptNumber: number | null,
  ): Promise<{ taskId: string; attemptIds: string[] }>;
  /**
   * Another turn on the attempt's own Codex thread (a follow-up: thread/resume + turn/start with `prompt`);
   * settles once that turn ended and, when it completed, its result was committed and scored.
   */
  continueAttempt(attemptId: string, prompt: string): Promise<ContinuationStatus>;
  /** Stops an attempt for reconciliation (reason `canceled_by_reconciliation`) and waits until it has ended. */
  stopAttempt(attemptId: string): Promise<void>;
  /** Archives (patch) and removes the worktrees of the issue's ended attempts (terminal issue, SPEC §8.5/§8.6). */
  cleanIssue(issueId: string, why: string): Promise<void>;
  /**
   * `land.policy: auto` (Quartet extension): after a clean worker exit, land the task's recommended attempt once
   * its checks passed (unless `stillWanted` turned false meanwhile); resolves with what happened.
   */
  landIssueTask?(taskId: string, stillWanted: () => boolean): Promise<string>;
  attempt(attemptId: string): HostAttempt | null;
  /** The issue's latest task, or null when it has none. */
  issueTask(issueId: string): TaskView | null;
  /** Issues whose tasks still have worktrees (startup cleanup asks the tracker about these only). */
  issuesWithWorktrees(): string[];
  /** Called after run state changed (attempt phases). Returns an unsubscribe function. */
  onChange(listener: () => void): () => void;
  log(line: string): void;
}
