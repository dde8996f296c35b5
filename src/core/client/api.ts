// The typed interface of a repository's supervisor, as its clients (extension, CLI, tests) see it.

import type { LandProgress, Snapshot, TaskSnapshot } from '../../shared/model';

/** `quartet score TASK --json`: the scorecard of a task's attempts. */
export interface TaskScore {
  taskId: string;
  recommended: string | null;
  ranked: { attemptId: string; eligible: boolean; score: number; reasons: string[] }[];
}
import type { JournalRecord } from '../../shared/events';
import type { DistillOutcome } from '../distill/distillService';
import type { AppliedProposals } from '../distill/applyProposals';
import type { Proposal } from '../distill/propose';
import type { CleanupPlan } from '../cleanup/plan';
import type { CleanupResult } from '../orchestrator/cleanup';

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
  /** This many steps in a row (completed commands / file changes) without any change to the worktree mark it "looping" (0 = off). */
  noProgressLimit: number;
  /** Estimated USD per attempt (tokens × `prices`); at the limit the turn is interrupted (reason budget). null = none. */
  costBudgetUsd: number | null;
  /** The `quartet.prices` table (USD per 1M tokens), merged over the built-in one; null = built-in. */
  prices: unknown;
  /** The repo's checks for the scorecard and lands; null = detect (`npm test` when defined), '' = none. */
  checkCommand: string | null;
  checkTimeoutMs: number;
  /** How a land puts the attempt on the base: one squashed commit (default) or a merge commit. */
  landMode: 'squash' | 'merge';
  /** After a land, archive the task's other attempts and remove their worktrees and branches. */
  cleanupAfterLand: boolean;
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
  noProgressLimit: 40,
  costBudgetUsd: null,
  prices: null,
  checkCommand: null,
  checkTimeoutMs: 600_000,
  landMode: 'squash',
  cleanupAfterLand: true,
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
  /** What the supervisor cleans up on its own (hourly and at startup); see core/cleanup. */
  retention: RetentionSettings;
}

/** `quartet.retention`: how long ended attempts keep their worktrees, and when archives count as old. */
export interface RetentionSettings {
  /** Days after which a landed, archived, failed, stalled, stopped or interrupted attempt loses its worktree (archived first). 0 = never automatically. */
  attemptDays: number;
  /** Days after which an archive (patch + manifest) is offered for deletion by Clean Up; never deleted automatically. */
  archiveDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { attemptDays: 14, archiveDays: 90 };

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
  /** Land the attempt on its task's base branch (local; see LandProgress for the outcome). */
  land(attemptId: string): Promise<LandProgress>;
  /** Archive the attempt (patch + post-mortem), remove it, and start a fresh attempt that carries the reason. */
  rework(attemptId: string, reason: string): Promise<{ archived: string; newAttemptId: string }>;
  score(taskId: string): Promise<TaskScore>;
  /** "Distill Skills": evidence from the journals and rework notes, proposals from one Codex session. */
  distill(options?: { codexCommand?: string; env?: Record<string, string> }): Promise<DistillOutcome>;
  /** Writes accepted (possibly edited) proposals onto a new branch `quartet/skills/<date>`. */
  applyProposals(proposals: Proposal[]): Promise<AppliedProposals>;
  configure(settings: Partial<SupervisorSettings>): Promise<void>;
  /** What Clean Up would free: ended attempts' worktrees and branches, old archives, with sizes and what is due. */
  cleanupPlan(): Promise<CleanupPlan>;
  /** Removes the chosen plan items (ids); unsaved work is archived first. */
  cleanup(ids: string[]): Promise<CleanupResult>;
}
