// The serializable run-state model shared by the core, the CLI, the extension and the webview.

import type { AutopilotSnapshot, TaskIssueSource } from './autopilot';
import type { AttemptSkill } from './skills';
import type { PriceTable } from './cost';

/** Attempt phases: a closed set (see docs/ARCHITECTURE.md for the mapping to Symphony SPEC §7.2). */
export const PHASES = [
  'queued',
  'preparing',
  'starting',
  'working',
  'needs-you',
  'finished',
  'failed',
  'stalled',
  'stopped',
  'interrupted',
] as const;
export type Phase = (typeof PHASES)[number];

/** Phases in which no process of the attempt runs any more. */
export const TERMINAL_PHASES: readonly Phase[] = ['finished', 'failed', 'stalled', 'stopped', 'interrupted'];
/** Phases in which the attempt holds a concurrency slot. */
export const ACTIVE_PHASES: readonly Phase[] = ['preparing', 'starting', 'working', 'needs-you'];

export function isTerminal(phase: Phase): boolean {
  return TERMINAL_PHASES.includes(phase);
}
export function isActive(phase: Phase): boolean {
  return ACTIVE_PHASES.includes(phase);
}

/** Why an attempt is in its phase (qualifies failed / stalled / stopped / interrupted). */
export type Reason =
  | 'turn_timeout'
  | 'read_timeout'
  | 'stall_timeout'
  | 'model_error'
  | 'turn_failed'
  | 'codex_exit'
  | 'codex_not_found'
  | 'invalid_workspace_cwd'
  | 'worktree_failed'
  | 'commit_failed'
  | 'hook_failed'
  /** The WORKFLOW.md prompt template did not parse or render (SPEC §5.5: fails only this run). */
  | 'template_error'
  | 'budget'
  | 'looping'
  | 'journal_failed'
  /** The attempt's journal reached `quartet.journal.maxBytesPerAttempt` (output summarized past it). */
  | 'journal_budget'
  | 'canceled_by_reconciliation'
  | 'stopped_by_user'
  /** Policy `race`: another attempt of the task became the clear winner; this one was stopped and archived. */
  | 'outraced'
  | 'supervisor_restart'
  /** The ssh connection to the worker host running it dropped mid-run (never rerun automatically). */
  | 'worker_lost'
  | 'approval'
  | 'user_input';

export interface TokenTotals {
  input: number;
  cachedInput: number;
  output: number;
  reasoningOutput: number;
  total: number;
}

export const ZERO_TOKENS: TokenTotals = { input: 0, cachedInput: 0, output: 0, reasoningOutput: 0, total: 0 };

/** What an attempt waits on while in `needs-you`. */
export interface PendingQuestion {
  /** Id Quartet gives the pending request (stable across snapshots). */
  id: string;
  kind: 'command' | 'fileChange' | 'permissions' | 'userInput';
  /** One line a person can decide on: the command, the files, the question. */
  summary: string;
  reason: string | null;
  /** For `userInput`: the questions asked. */
  questions?: { id: string; question: string; options: string[] }[];
  /** `command`: the whole command as Codex will run it (never clipped; `summary` is the short form). */
  command?: string;
  /** Where the command would run, or the cwd of a permissions request. */
  cwd?: string | null;
  /** `fileChange`: every path the patch changes (move targets included); empty when Codex named none. */
  paths?: string[];
  /** `fileChange`: the root the agent asks write access under for the rest of its session, if any. */
  grantRoot?: string | null;
  /** `permissions`: the permissions asked for, as JSON. */
  permissions?: string;
  /** Whether "Accept for this attempt" (Codex's session-scoped accept) may answer it. */
  canAcceptForAttempt?: boolean;
}

export interface AttemptSnapshot {
  id: string;
  taskId: string;
  index: number;
  branch: string;
  worktree: string;
  /** The base commit the attempt's branch started from. */
  base: string;
  phase: Phase;
  reason: Reason | null;
  tokens: TokenTotals;
  startedAt: string | null;
  endedAt: string | null;
  lastEvent: string | null;
  lastEventAt: string | null;
  lastError: string | null;
  journal: string;
  /** Codex thread of the current (latest) session; `session` in logs. */
  threadId: string | null;
  /** Every thread this attempt has used (retries start new ones). */
  threadIds: string[];
  model: string | null;
  modelProvider: string | null;
  /** True when the model provider is Quartet's offline demo model. */
  demoModel: boolean;
  pending: PendingQuestion | null;
  retries: number;
  nextRetryAt: string | null;
  /** Commit at the tip of the attempt's branch once the result is committed. */
  resultCommit: string | null;
  filesChanged: number;
  /** The repo's checks, run in the attempt's worktree after it finished (scorecard). */
  checks: CheckSummary | null;
  diffStat: { files: number; added: number; removed: number } | null;
  /** Merge-tree prediction against the current base (and which other live attempts it conflicts with). */
  conflicts: { withBase: boolean; files: string[]; withAttempts: string[] } | null;
  score: { score: number; eligible: boolean; reasons: string[] } | null;
  recommended: boolean;
  /** `revertedBy`: the revert commit an Undo put on the base after this land. */
  landed: { at: string; commit: string; aside: string | null; message: string; revertedBy?: string | null } | null;
  /** Set when the attempt was archived (rework, cleanup after a land): its work is in the patch. */
  archived: { at: string; reason: string; patch: string; postMortem: string; pullRequest?: ClosedPullRequest } | null;
  /** The pull request a land of this attempt opened (kept after a land that needed you, so rework can close it). */
  pullRequest?: AttemptPullRequest | null;
  /** The attempt this one reworks (new index, new branch). */
  reworkOf: string | null;
  /** Follow-up turns run on the attempt's own thread (resolve conflicts, PR fixes, Autopilot continuations), oldest first. */
  followUps: FollowUpRecord[];
  /** The skills installed for its latest run (built-in, the repo's own, accepted proposals). */
  skills: AttemptSkill[];
  /** The worker host (ssh destination) its latest run was placed on; null or absent: this machine. */
  host?: string | null;
}

/** Where an attempt runs, in words for a row: the ssh destination, or "this machine". */
export function hostLabel(host: string | null | undefined): string {
  return host ? host : 'this machine';
}

/** Reasons whose code alone does not tell a person what happened. */
export const REASON_TEXT: Partial<Record<Reason, string>> = {
  worker_lost: 'the connection to its worker host dropped',
  supervisor_restart: 'Quartet restarted while it ran',
};

/** A worker host as the supervisor sees it now (SPEC Appendix A): capacity, what runs there, whether it takes work. */
export interface WorkerView {
  /** The ssh destination; '' is this machine. */
  host: string;
  capacity: number | null;
  running: number;
  /** Preflight passed and the host has not dropped since. */
  healthy: boolean;
  /** Why it takes no work (a preflight problem, a dropped connection), or null. */
  problem: string | null;
}

/** How a follow-up turn ended: `rejected` = the turn completed but its result failed the caller's verification. */
export type FollowUpOutcome = 'running' | 'completed' | 'failed' | 'stopped' | 'rejected' | 'interrupted';

export interface FollowUpRecord {
  /** Short reason given by whoever asked (`resolve-conflicts`, `pr-fix`, `autopilot-continue`, …). */
  reason: string;
  at: string;
  outcome: FollowUpOutcome;
  /** What happened, in one line (the error when it did not complete). */
  message: string | null;
  endedAt: string | null;
}

export interface CheckSummary {
  state: 'running' | 'passed' | 'failed' | 'none';
  command: string | null;
  exitCode: number | null;
  durationMs: number | null;
  /** The few lines that matter when they failed. */
  summary: string[];
  at: string;
  /** Where the command came from (the base commit's package.json, or the person's setting). */
  source?: string | null;
  /** Ran inside Codex's sandbox (with `profile`); false: run without it by the person's setting, or not run. */
  sandboxed?: boolean;
  profile?: string | null;
  /** Nothing ran: the sandbox is unavailable (the summary says why and which setting allows it). */
  notRun?: boolean;
  /** Per-test results when the runner's output had a report (TAP, JUnit, Jest JSON); null/absent otherwise. */
  tests?: CheckTests | null;
}

export interface CheckTests {
  passed: number;
  total: number;
  /** Names of failing tests, at most ten. */
  failed: string[];
}

/** "12/12 tests" / "2 of 12 tests fail (a; b)": what a check's own report says, for reasons and rows. */
export function describeTests(t: CheckTests): string {
  if (t.passed === t.total) return `${t.total}/${t.total} test${t.total === 1 ? '' : 's'}`;
  const names = t.failed.length ? ` (${t.failed.slice(0, 2).join('; ')}${t.failed.length > 2 ? '; …' : ''})` : '';
  return `${t.total - t.passed} of ${t.total} test${t.total === 1 ? '' : 's'} fail${names}`;
}

/** The pull request of a land as a PR (what GitHub last said about it). */
export interface LandPullRequest {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  /** `pending` | `success` | `failure` | `none`, with the failing or running check names. */
  checks: { state: 'pending' | 'success' | 'failure' | 'none'; failing: string[]; pending: string[] };
  /** Logins whose latest review approves / requests changes. */
  reviews: { approved: string[]; changesRequested: string[] };
  /** Fix turns sent to the attempt so far (failing checks, review feedback, conflicts). */
  fixes: number;
}

/** The PR an attempt's land opened: enough to close it later (rework) without the land's options. */
export interface AttemptPullRequest {
  number: number;
  url: string;
  /** `owner/repo` on GitHub. */
  repo: string;
  /** REST API root the land used (null: https://api.github.com). */
  apiUrl: string | null;
  state: 'open' | 'closed' | 'merged';
}

/** What became of an attempt's open PR when it was archived (rework, cleanup after a sibling landed). */
export interface ClosedPullRequest {
  number: number;
  url: string;
  /** True when Quartet closed it on GitHub; false: it stays open (`message` says why, e.g. no token). */
  closed: boolean;
  branchDeleted: boolean;
  message: string;
}

/** A land in progress or its outcome, shown step by step. */
export interface LandProgress {
  attemptId: string;
  step: string;
  /** `needs_you`: a land as a PR stopped where a person must decide (fix cap reached, review pending too long). */
  status: 'running' | 'landed' | 'landed_aside' | 'conflict' | 'checks_failed' | 'refused' | 'failed' | 'needs_you';
  message: string;
  steps: { step: string; status: string; detail: string }[];
  conflictFiles: string[];
  /** Set when the land goes through a GitHub pull request. */
  pr?: LandPullRequest;
  /** `owner/repo` when the land goes through a pull request (set from its start, before the PR exists). */
  prRepo?: string;
}

export type TaskState = 'open' | 'landed' | 'archived';

export interface TaskSnapshot {
  id: string;
  key: string;
  title: string;
  prompt: string;
  createdAt: string;
  state: TaskState;
  baseRef: string;
  attempts: AttemptSnapshot[];
  /** The attempt the scorecard recommends (the person decides). */
  recommended: string | null;
  landing: LandProgress | null;
  /** The tracker issue this task works on (Autopilot, or launched from an issue by hand). */
  source?: TaskIssueSource | null;
  /** The evidence behind the ★ (cross-tests, confidence); absent in state written before verdicts existed. */
  verdict?: TaskVerdict | null;
  /** Attempts Quartet stopped before they ended: policy `race` found a winner, or the task's budget ran out. */
  earlyStop?: EarlyStop | null;
}

/** Why and which attempts of a task were stopped early, and what that saved (an estimate, said so). */
export interface EarlyStop {
  kind: 'race' | 'budget';
  at: string;
  /** One sentence: "#1 won the race (clear winner: …)" / "task budget reached: 1.2M tokens ≥ 1M". */
  message: string;
  winner: string | null;
  stopped: { attemptId: string; index: number; tokens: number; elapsedMs: number }[];
  /**
   * Race only: what the stopped attempts would still have spent had they run as long as the winner did
   * (the winner's tokens minus each one's, never below 0). Null for a budget stop.
   */
  savedTokens: number | null;
}

/** One cell of the cross-test matrix: the tests attempt `tests` wrote, run against attempt `code`'s code. */
export interface CrossTestCellView {
  /** The attempt whose tests ran. */
  tests: string;
  /** The attempt whose code they ran against. */
  code: string;
  ok: boolean;
  /** Per-test counts when the runner's output could be parsed; null otherwise (then only `ok` speaks). */
  passed: number | null;
  total: number | null;
  failedTests: string[];
}

/** A line of an attempt's diff a review points at (new-side line number; a deleted file: the old one). */
export interface ReviewCitation {
  file: string;
  line: number;
  /** The cited line as the diff has it, so a reader sees it without opening the file. */
  text: string;
}

export type ReviewSeverity = 'blocker' | 'risk' | 'unrelated' | 'nit';

/** One read-only Codex review of one attempt's diff against the task (core/verdict/review.ts). */
export interface AttemptReviewView {
  attemptId: string;
  /** The result commit reviewed: a retry's new commit gets a new review. */
  commit: string;
  state: 'done' | 'failed';
  /** Each requirement of the task the reviewer found, met or not, with the line that shows it. */
  requirements: { requirement: string; met: boolean; cite: ReviewCitation | null }[];
  findings: { severity: ReviewSeverity; summary: string; cite: ReviewCitation | null }[];
  /** Citations the reviewer gave that are not a line of the diff: dropped, counted so nobody mistakes silence for agreement. */
  uncited: number;
  error: string | null;
  tokens: number;
  durationMs: number;
}

/** The verdict on a task's finished attempts: evidence tiers first, size and cost last (core/verdict). */
export interface TaskVerdict {
  state: 'cross-testing' | 'done';
  /** `waiting` only while cross-testing; `none`: no attempt is evidently right. */
  confidence: 'clear' | 'close' | 'none' | 'waiting';
  recommended: string | null;
  headline: string;
  /** Per attempt, best first: one line, the evidence against it and for it. */
  entries: { attemptId: string; line: string; against: string[]; support: string[] }[];
  matrix: CrossTestCellView[];
  /** One per judged attempt with a result, when reviews are on (absent from verdicts made before reviews existed). */
  reviews?: AttemptReviewView[];
  /** `<attempt>:<result commit>:<checks>` of the attempts judged: a different set means the verdict is stale. */
  basis: string;
  at: string;
}

export interface Snapshot {
  repo: string;
  generatedAt: string;
  tasks: TaskSnapshot[];
  counts: { running: number; needsYou: number; queued: number; finished: number; failed: number };
  /** Problems the supervisor wants a person to see (a corrupt state file, a failing journal…). */
  warnings: string[];
  /** The Autopilot's state, when the supervisor has one. */
  autopilot?: AutopilotSnapshot;
  /** The repository's WORKFLOW.md as the supervisor sees it (absent from older supervisors). */
  workflow?: WorkflowSummary;
  /** Worker hosts in use (absent when every attempt runs on this machine). */
  workers?: WorkerView[];
}

/** What clients need of the workflow: whether one is in force, its error, and defaults for new tasks. */
export interface WorkflowSummary {
  /** Absolute path watched. */
  path: string;
  /** none: no file (the default path is optional); ok: loaded; error: the latest edit is invalid (`error` says why). */
  status: 'none' | 'ok' | 'error';
  error: string | null;
  /** True when a valid version is in force (with status error: the last good one). */
  inForce: boolean;
  /** `quartet.attempts` when the file sets it: the New Task default. */
  attempts: number | null;
  /** `quartet.prices` when the file sets it: under the user's `quartet.prices` setting, over the built-in table. */
  prices: Partial<PriceTable> | null;
}

/** Defaults of the scorecard/land/rework fields (also fills them in for state written by older versions). */
export const ATTEMPT_EXTRAS: Pick<
  AttemptSnapshot,
  | 'checks'
  | 'diffStat'
  | 'conflicts'
  | 'score'
  | 'recommended'
  | 'landed'
  | 'archived'
  | 'reworkOf'
  | 'followUps'
  | 'skills'
> = {
  checks: null,
  diffStat: null,
  conflicts: null,
  score: null,
  recommended: false,
  landed: null,
  archived: null,
  reworkOf: null,
  // Never mutated in place (records are replaced), so sharing this empty array is safe.
  followUps: [],
  skills: [],
};
