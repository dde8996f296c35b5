// The options a task runs with and the launch request: shared by the client, the orchestrator, workflow defaults and the runner.

import type { TaskIssueSource } from '../../shared/autopilot';

/** `autoApprove` values: the current one, and `worktree`, its old name (kept so older settings and tasks still work). */
export type AutoApprove = 'patches-in-worktree' | 'none';

export type AutoApproveInput = AutoApprove | 'worktree';

export type ApprovalPolicy = 'never' | 'on-request';

export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/** Options that shape how a task's attempts run; recorded with the task so retries reuse them. */
export interface LaunchOptions {
  /** Command line that starts the Codex app-server (default `codex app-server`). */
  codexCommand: string;
  approvalPolicy: ApprovalPolicy;
  /**
   * `patches-in-worktree` (old name `worktree`, still accepted): accept a patch approval when every path it changes is
   * inside the attempt's worktree; `none`: ask for those too. Commands and permission requests always ask (or match the allow-list).
   */
  autoApprove: AutoApproveInput;
  sandbox: SandboxMode;
  /** A Codex `SandboxPolicy` sent with `turn/start` (WORKFLOW.md `codex.turn_sandbox_policy`); null: the thread's sandbox. */
  turnSandboxPolicy: Record<string, unknown> | null;
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
  prices: Record<string, unknown> | null;
  /** The repo's checks for the scorecard and lands; null = detect (`npm test` when defined), '' = none. */
  checkCommand: string | null;
  checkTimeoutMs: number;
  /** How a land puts the attempt on the base: one squashed commit (default) or a merge commit. */
  landMode: 'squash' | 'merge';
  /** After a land, archive the task's other attempts and remove their worktrees and branches. */
  cleanupAfterLand: boolean;
  /** Review each finished attempt's diff in a read-only Codex turn (one per attempt) for the verdict. */
  review: boolean;
  /**
   * `all`: every attempt runs to its end (the default). `race`: once the verdict names a clear winner whose checks
   * pass, the attempts still running are stopped and archived (their work kept as a patch).
   */
  policy: AttemptPolicy;
  /** The whole task's budget, all attempts together: at the limit every running attempt is stopped (reason budget). null = none. */
  taskTokenBudget: number | null;
  taskCostBudgetUsd: number | null;
  /** Wall time from the task's launch. */
  taskTimeBudgetMs: number | null;
}

export type AttemptPolicy = 'all' | 'race';

export const DEFAULT_LAUNCH_OPTIONS: LaunchOptions = {
  codexCommand: 'codex app-server',
  approvalPolicy: 'on-request',
  autoApprove: 'patches-in-worktree',
  sandbox: 'workspace-write',
  turnSandboxPolicy: null,
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
  review: true,
  policy: 'all',
  taskTokenBudget: null,
  taskCostBudgetUsd: null,
  taskTimeBudgetMs: null,
};

export interface LaunchRequest {
  title: string;
  prompt: string;
  /** Parallel attempts; absent: WORKFLOW.md `quartet.attempts`, else 4. */
  attempts?: number;
  options?: Partial<LaunchOptions>;
  /** The client's environment minus secrets; Codex processes of this task get it. */
  env?: Record<string, string>;
  /** The tracker issue the task works on (its key is then derived from the issue's identifier). */
  source?: TaskIssueSource;
  /** More variable names to keep from the agents (a tracker's credentials, `TaskSource.secretEnvNames`). */
  secretEnvNames?: readonly string[];
}
