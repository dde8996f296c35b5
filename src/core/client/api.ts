// The typed interface of a repository's supervisor, as its clients (extension, CLI, tests) see it.

import type { ClosedPullRequest, LandProgress, Snapshot, TaskSnapshot, TaskVerdict } from '../../shared/model';
import type { AutopilotSnapshot, TaskIssueSource } from '../../shared/autopilot';
import type { TrackerCredentials } from '../tracker/credentials';
import type { AutoApproveInput } from '../execution/approvalRules';

/** `quartet score TASK --json`: the scorecard of a task's attempts. */
export interface TaskScore {
  taskId: string;
  recommended: string | null;
  ranked: { attemptId: string; eligible: boolean; score: number; reasons: string[] }[];
  /** The evidence behind `recommended`: cross-test matrix, per-attempt lines, confidence (null before the first verdict). */
  verdict: TaskVerdict | null;
}
import type { JournalRecord } from '../../shared/events';
import type { FollowUpResult } from '../orchestrator/followUp';
import type { DeletedTask } from '../orchestrator/deleteTask';
import type { UndoLandResult } from '../land/undoLand';
import type { DistillReply } from '../distill/distillService';
import type { Decision } from '../distill/review';
import type { LandSkillsResult } from '../skills/landSkills';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import type { CleanupPlan } from '../cleanup/plan';
import type { CleanupResult } from '../orchestrator/cleanup';

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
  prices: unknown;
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

export interface SupervisorSettings {
  /** Global limit of attempts holding a slot; null: WORKFLOW.md `agent.max_concurrent_agents`, else 4. */
  maxConcurrent: number | null;
  /** Root under which worktrees are created (default ~/.quartet/worktrees). */
  worktreeRoot: string | null;
  /** Stop running attempts when the last client (window, CLI) disconnects; default off. */
  stopWhenLastClientDisconnects: boolean;
  /** The workflow file (relative to the repo root); null: `<repo>/WORKFLOW.md` if it exists. */
  workflowPath: string | null;
  /** What the supervisor cleans up on its own (hourly and at startup); see core/cleanup. */
  retention: RetentionSettings;
  /**
   * `quartet.approvals.allowedCommandPrefixes` from the user's settings: escalated commands whose parsed argv starts
   * with one of these are accepted without asking. Held in memory only (never in state.json): a client sends it.
   */
  allowedCommandPrefixes?: string[];
  /** Journal bytes one attempt may write before its output is summarized and it stops; null: 256 MiB. */
  journalMaxBytesPerAttempt: number | null;
  /**
   * `quartet.checks.allowUnsandboxed` (machine scope): where Codex's sandbox is unavailable, run checks and
   * workspace hooks without it. Off (absent): they are not run, and the result says why.
   */
  allowUnsandboxedChecks?: boolean;
  /**
   * `quartet.dependencyDirs`: installed folders (node_modules, .venv, …) a fresh worktree takes from the checkout
   * when their lockfiles equal the base commit's; null or absent: the detected set (core/execution/dependencyRules).
   */
  dependencyDirs?: string[] | null;
  /** `quartet.dependencyCopy`: share blocks only (default), fall back to a full copy, or never copy. */
  dependencyCopy?: 'reflink' | 'copy' | 'off';
}

/** `quartet.retention`: how long ended attempts keep their worktrees, and when archives count as old. */
export interface RetentionSettings {
  /** Days after which a landed, archived, failed, stalled, stopped or interrupted attempt loses its worktree (archived first). 0 = never automatically. */
  attemptDays: number;
  /** Days after which an archive (patch + manifest) is offered for deletion by Clean Up; never deleted automatically. */
  archiveDays: number;
}

export const DEFAULT_RETENTION: RetentionSettings = { attemptDays: 14, archiveDays: 90 };

/** `acceptForSession`: Codex's session-scoped accept, "Accept for this attempt" (CLI `accept-session`). */
export type AnswerDecision = 'accept' | 'acceptForSession' | 'decline';

/** Where and how a land as a GitHub pull request talks to GitHub. Held in the supervisor's memory for that land only. */
export interface GithubLandOptions {
  /** A GitHub token (repo scope). Never persisted, journaled, logged, or given to an agent. */
  token: string;
  /** REST API root; default https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  baseUrl?: string;
  /** Repository on GitHub; default: parsed from the GitHub remote's URL. */
  owner?: string;
  repo?: string;
  /** Git remote to push to; default: the remote whose URL names owner/repo, else `origin`. */
  remote?: string;
  /** `approved`: merge only with at least one approving review and no changes requested. Default `none`. */
  reviewPolicy?: 'none' | 'approved';
  /** Fix turns (failing checks, review feedback, conflicts) before the land stops with "needs you". Default 3. */
  maxFixes?: number;
  /** Polling of checks and reviews: first interval (default 5000), growing ×1.5 up to the cap (default 60000). */
  pollInitialMs?: number;
  pollMaxMs?: number;
  /** How long to wait for checks/reviews on one head before "needs you" (default 2 h). */
  maxWaitMs?: number;
  /** With no check reported at all, wait this long before treating the repo as having none (default 60000). */
  noChecksGraceMs?: number;
  /** Longest wait for a rate limit to reset before failing with github_rate_limited (default 60000). */
  maxRateLimitWaitMs?: number;
}

/** What a rework did: the archived patch, the fresh attempt, and what became of a PR an earlier land left open. */
export interface ReworkResult {
  archived: string;
  newAttemptId: string;
  /** Set when the attempt had an open PR: closed (with a token) or left open (`message` says why). */
  pullRequest?: ClosedPullRequest;
}

/** `github` with a rework: the token (and where) to close a PR an earlier land left open. */
export interface ReworkOptions {
  github?: Pick<GithubLandOptions, 'token' | 'baseUrl' | 'owner' | 'repo'>;
}

/** `land(attempt, { pr: true, github })` lands through a pull request; without `pr` it lands locally. */
export interface LandOptions {
  pr?: boolean;
  github?: GithubLandOptions;
}

export interface QuartetApi {
  snapshot(): Promise<Snapshot>;
  launch(request: LaunchRequest): Promise<TaskSnapshot>;
  stop(attemptId: string): Promise<void>;
  retry(attemptId: string): Promise<void>;
  /** Continue the attempt's Codex thread (thread/resume) in its worktree. */
  resume(attemptId: string): Promise<void>;
  answer(attemptId: string, decision: AnswerDecision, text?: string): Promise<void>;
  /** Journal records of one attempt from sequence number `from` (inclusive): one page (4 MiB); ask again from the last seq + 1 for more. */
  journal(attemptId: string, from?: number): Promise<JournalRecord[]>;
  /** At most `maxBytes` (default 4 MiB) of journal from `from`; `next` is the `from` of the following page, null at the end. */
  journalPage(attemptId: string, from?: number, maxBytes?: number): Promise<{ records: JournalRecord[]; next: number | null }>;
  /**
   * Land the attempt on its task's base branch. Locally (default) this resolves with the outcome; with
   * `pr: true` it resolves once the land has started — follow `task.landing` for its steps and outcome.
   */
  land(attemptId: string, options?: LandOptions): Promise<LandProgress>;
  /**
   * "Resolve with agent" after a land ended in conflict: merge the base into the attempt's worktree, one
   * follow-up Codex turn resolves the markers, Quartet verifies, commits the merge, re-runs the checks and lands.
   */
  resolve(attemptId: string): Promise<LandProgress>;
  /** One more turn on the attempt's own Codex thread with `prompt`; settles once it ended, was committed and scored. */
  followUp(attemptId: string, prompt: string, reason: string): Promise<FollowUpResult>;
  /** Archive the attempt (patch + post-mortem), remove it, and start a fresh attempt that carries the reason. */
  rework(attemptId: string, reason: string, options?: ReworkOptions): Promise<ReworkResult>;
  /** Undo a local land: a revert commit on the base, refused (with why) once the base moved past the landed commit. */
  undoLand(taskId: string): Promise<UndoLandResult>;
  /** Stops every attempt of the task (no process left), archives their work, removes worktrees and branches, forgets the task. */
  deleteTask(taskId: string): Promise<DeletedTask>;
  score(taskId: string): Promise<TaskScore>;
  /** "Distill Skills": evidence from the journals and rework notes, proposals from one Codex session. */
  distill(options?: { codexCommand?: string; env?: Record<string, string> }): Promise<DistillReply>;
  /**
   * Accept (possibly edited) / reject proposals of the latest review; accepted ones are committed on the
   * review's branch `quartet/skills/<date>` and reach new attempts at once.
   */
  decideProposals(reviewId: string, decisions: Decision[]): Promise<DistillReviewView>;
  /** The skills new attempts get, the skills branches, per-skill outcomes and the latest review. */
  skills(): Promise<SkillsOverview>;
  /** Squash a `quartet/skills/*` branch onto the current branch (like an attempt's land) and delete it. */
  landSkills(branch: string): Promise<LandSkillsResult>;
  configure(settings: Partial<SupervisorSettings>): Promise<void>;
  /**
   * Starts the repository's Autopilot (tracker from WORKFLOW.md); `once` runs one poll tick and stops. `credentials`:
   * the tracker token(s) named by `snapshot.autopilot.credentials`, kept in the supervisor's memory only.
   */
  autopilotStart(options?: { once?: boolean; credentials?: TrackerCredentials }): Promise<AutopilotSnapshot>;
  /** The Autopilot's state (also in every snapshot). */
  autopilot(): Promise<AutopilotSnapshot>;
  /** Stops polling and retries; attempts already running go on as ordinary tasks. */
  autopilotStop(): Promise<AutopilotSnapshot>;
  /** An immediate poll + reconcile (SPEC §13.7 refresh). */
  autopilotRefresh(): Promise<{ queued: boolean; coalesced: boolean }>;
  /** A normal task from one tracker issue, launched by hand. */
  launchIssue(issueId: string, request?: { attempts?: number; options?: Partial<LaunchOptions>; env?: Record<string, string>; credentials?: TrackerCredentials }): Promise<TaskSnapshot>;
  /** What Clean Up would free: ended attempts' worktrees and branches, old archives, with sizes and what is due. */
  cleanupPlan(): Promise<CleanupPlan>;
  /** Removes the chosen plan items (ids); unsaved work is archived first. */
  cleanup(ids: string[]): Promise<CleanupResult>;
}
