// Normalized agent events: what the journal, the tree, the CLI and the panel understand of Codex traffic.

import type { Phase, Reason, TokenTotals } from './model';
import type { AttemptSkill } from './skills';

/**
 * Who an attempt is, journaled when it starts to run, so a lost or corrupt state file can be rebuilt
 * from the journals alone. Options are kept as plain JSON (shared cannot import core's LaunchOptions).
 */
export interface AttemptOrigin {
  taskId: string;
  taskKey: string;
  title: string;
  prompt: string;
  createdAt: string;
  baseRef: string;
  baseCommit: string;
  attempts: number;
  index: number;
  branch: string;
  worktree: string;
  options: Record<string, unknown>;
}

export type PrFeedbackKind = 'review_comment' | 'review' | 'check_failed';

export type AgentEvent =
  | { type: 'phase'; phase: Phase; reason: Reason | null; message?: string; origin?: AttemptOrigin }
  | { type: 'session_started'; threadId: string; model: string | null; modelProvider: string | null }
  | { type: 'turn_started'; turnId: string }
  | { type: 'turn_completed'; turnId: string; status: string; error: string | null }
  | { type: 'command_started'; itemId: string; command: string }
  | {
      type: 'command';
      itemId: string;
      command: string;
      exitCode: number | null;
      durationMs: number | null;
      status: string;
      outputTail: string;
    }
  | { type: 'file_change'; itemId: string; status: string; files: { path: string; kind: string }[] }
  | { type: 'agent_message'; itemId: string; text: string }
  /** The prompt of a follow-up turn on the attempt's thread, journaled when it is queued; `reason` says who asked (`user-message`: a person). */
  | { type: 'user_message'; text: string; reason: string }
  | { type: 'reasoning'; itemId: string; text: string }
  | { type: 'tool_call'; itemId: string; tool: string; status: string }
  | { type: 'approval_requested'; pendingId: string; kind: string; summary: string }
  | { type: 'approval_resolved'; pendingId: string; decision: string; by: 'policy' | 'user' | 'stop'; rule?: string }
  | { type: 'tokens'; threadId: string; totals: TokenTotals }
  | { type: 'diff'; turnId: string; diff: string }
  | { type: 'error'; message: string; codexErrorInfo: string | null; willRetry: boolean }
  | { type: 'warning'; message: string }
  | { type: 'malformed'; reason: string; sample: string }
  | { type: 'stderr'; text: string }
  | { type: 'committed'; commit: string; files: number; message: string }
  | { type: 'process_exit'; code: number | null; signal: string | null }
  | ({ type: 'checks' } & CheckRun)
  | { type: 'landed'; commit: string; aside: string | null; message: string }
  | { type: 'archived'; reason: string; patch: string }
  | { type: 'skills'; skills: AttemptSkill[] }
  /**
   * What a land as a PR received from GitHub (a review, an inline review comment, a failed check), journaled once
   * each; `body` is scrubbed and truncated, `url` is where it is on GitHub (distill cites it as provenance).
   */
  | {
      type: 'pr_feedback';
      kind: PrFeedbackKind;
      pr: number;
      url: string;
      author: string;
      path?: string;
      line?: number;
      body: string;
      check?: string;
      skipped?: string;
    }
  /**
   * A tracker tool call (`github_api`, `linear_graphql`) with the person's credentials: allowed or refused by the
   * deny-by-default policy (docs/security.md §3), journaled for every call; `body` is truncated, `status` is the answer's.
   */
  | ({ type: 'tracker_tool' } & ToolCallRecord)
  /** A WORKFLOW.md workspace hook ran (SPEC §9.4); `output` is truncated (head + tail). */
  | ({ type: 'hook' } & HookRun);

/** A workspace hook's run as journaled (`hook` event) and shown in the trace. */
export interface HookRun {
  name: string;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  output: string;
  sandboxed?: boolean;
}

/** One line of an attempt's journal: a raw protocol message or a normalized event. */
export type JournalRecord =
  | { seq: number; at: string; kind: 'raw'; dir: 'in' | 'out'; msg: unknown }
  | { seq: number; at: string; kind: 'event'; event: AgentEvent };

/** One tracker-tool call as the journal keeps it (`tracker_tool` event): what was asked, whether Quartet let it through, the answer's status. */
export interface ToolCallRecord {
  tool: string;
  /** `POST /repos/o/r/issues/1/comments` or `mutation commentCreate`; as the agent sent it. */
  call: string;
  /** The request body or GraphQL variables as JSON, truncated; null when none. */
  body: string | null;
  allowed: boolean;
  /** HTTP status of the provider's answer; null when refused or failed before a response. */
  status: number | null;
  /** Why it was refused or failed; null when it went through. */
  why: string | null;
}

/** A run of the repo's checks as journaled (`checks` event) and shown in the trace. */
export interface CheckRun {
  command: string;
  ok: boolean;
  exitCode: number | null;
  durationMs: number;
  summary: string[];
  outputTail: string;
  source?: string | null;
  sandboxed?: boolean;
  profile?: string | null;
  notRun?: boolean;
}
