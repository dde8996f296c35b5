// What the land flows (local, PR, resolve, undo) read and ask of the one owner of run state: they never hold records.

import type { AttemptSnapshot, CheckSummary, LandProgress, TaskSnapshot } from '../../shared/model';
import type { Clock } from '../execution/clock';
import type { GithubCredentials } from '../contract/land';

/** A task as the land flows read it; the orchestrator's record is one. */
export interface LandTask extends Pick<
  TaskSnapshot,
  'id' | 'key' | 'title' | 'prompt' | 'state' | 'baseRef' | 'landing'
> {
  options: { landMode: 'squash' | 'merge'; checkTimeoutMs: number; checkCommand: string | null };
  attempts: readonly AttemptSnapshot[];
}

/** One more turn on the attempt's own thread (the orchestrator's follow-up): a resolve or a PR fix. */
export interface TurnOptions {
  reason: string;
  /** After the turn completed: a problem rejects its result (then `rollback` runs), null accepts it. */
  verify?: (attempt: AttemptSnapshot) => Promise<string | null>;
  rollback?: (attempt: AttemptSnapshot) => Promise<string | null>;
}

export interface TurnResult {
  status: string;
  message: string;
  /** Tip of the attempt's branch afterwards. */
  commit: string | null;
  checks: CheckSummary | null;
}

/** What a land put where: the commit on the base, or on `aside` when the person's checkout was dirty. */
export interface LandOutcome {
  commit: string;
  aside: string | null;
  message: string;
}

export interface LandFlowHost {
  readonly repo: string;
  readonly stateDir: string;
  worktreeRoot(): string;
  /** The task's environment (Codex binary, CODEX_HOME) the checks run with. */
  envFor(taskId: string): Record<string, string>;
  /** The person's setting `quartet.checks.allowUnsandboxed`. */
  allowUnsandboxed(): boolean;
  /** The current records (re-read after every await: another land may have started meanwhile). */
  task(attemptId: string): LandTask;
  attempt(attemptId: string): AttemptSnapshot;
  /** The land's progress, shown as `task.landing`. */
  setLanding(taskId: string, landing: LandProgress): void;
  patchAttempt(attemptId: string, change: (a: AttemptSnapshot) => Partial<AttemptSnapshot>): void;
  followUp(attemptId: string, prompt: string, options: TurnOptions): Promise<TurnResult>;
  /** A secret (a GitHub token) to scrub from the task's journals and the log. */
  addSecret(taskId: string, value: string): void;
  /** The land happened: the orchestrator records it (attempt and task landed, cleanup, other tasks flagged). */
  landed(
    taskId: string,
    attemptId: string,
    outcome: LandOutcome,
    final: LandProgress,
    github: GithubCredentials | null,
  ): Promise<void>;
  log(line: string): void;
  clock?: Clock;
}
