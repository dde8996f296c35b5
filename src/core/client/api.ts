// The typed interface of a repository's supervisor, as its clients (extension, CLI, tests) see it.

import type { Snapshot, TaskSnapshot } from '../../shared/model';
import type { JournalRecord } from '../../shared/events';

export type ApprovalPolicy = 'never' | 'on-request';
export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/** Options that shape how a task's attempts run; recorded with the task so retries reuse them. */
export interface LaunchOptions {
  /** Command line that starts the Codex app-server (default `codex app-server`). */
  codexCommand: string;
  approvalPolicy: ApprovalPolicy;
  /** `worktree`: accept approval requests whose cwd is inside the attempt's worktree; `none`: ask the user. */
  autoApprove: 'worktree' | 'none';
  sandbox: SandboxMode;
  model: string | null;
  stallTimeoutMs: number;
  turnTimeoutMs: number;
  readTimeoutMs: number;
  /** Automatic retries of a failed/stalled attempt (0 = manual only). */
  maxRetries: number;
  maxRetryBackoffMs: number;
  /** Base ref; default: HEAD of the repository's current branch. */
  base: string | null;
  /** Token budget per attempt (all its threads); at the limit the turn is interrupted. null = none. */
  tokenBudget: number | null;
  /** The same command failing the same way this many times marks the attempt "looping" (0 = off). */
  loopLimit: number;
}

export const DEFAULT_LAUNCH_OPTIONS: LaunchOptions = {
  codexCommand: 'codex app-server',
  approvalPolicy: 'on-request',
  autoApprove: 'worktree',
  sandbox: 'workspace-write',
  model: null,
  stallTimeoutMs: 300_000,
  turnTimeoutMs: 3_600_000,
  readTimeoutMs: 30_000,
  maxRetries: 0,
  maxRetryBackoffMs: 300_000,
  base: null,
  tokenBudget: null,
  loopLimit: 3,
};

export interface LaunchRequest {
  title: string;
  prompt: string;
  attempts: number;
  options?: Partial<LaunchOptions>;
  /** The client's environment minus secrets; Codex processes of this task get it. */
  env?: Record<string, string>;
}

export interface SupervisorSettings {
  /** Global limit of attempts holding a slot (default 4). */
  maxConcurrent: number;
  /** Root under which worktrees are created (default ~/.quartet/worktrees). */
  worktreeRoot: string | null;
  /** Stop running attempts when the last client (window, CLI) disconnects; default off. */
  stopWhenLastClientDisconnects: boolean;
}

export type AnswerDecision = 'accept' | 'decline';

export interface QuartetApi {
  snapshot(): Promise<Snapshot>;
  launch(request: LaunchRequest): Promise<TaskSnapshot>;
  stop(attemptId: string): Promise<void>;
  retry(attemptId: string): Promise<void>;
  /** Continue the attempt's Codex thread (thread/resume) in its worktree. */
  resume(attemptId: string): Promise<void>;
  answer(attemptId: string, decision: AnswerDecision, text?: string): Promise<void>;
  /** Journal records of one attempt from sequence number `from` (inclusive). */
  journal(attemptId: string, from?: number): Promise<JournalRecord[]>;
  configure(settings: Partial<SupervisorSettings>): Promise<void>;
}
