// The Autopilot's observable state (Symphony SPEC §4.1.8, §13.7 state view) as the tree, CLI and API see it.

/** A Quartet task created from a tracker issue carries where it came from. */
export interface TaskIssueSource {
  /** Tracker kind: `github`, `linear`, … */
  kind: string;
  /** The tracker's opaque dispatch id (SPEC §4.2). */
  issueId: string;
  /** Human key such as `#42` or `ABC-123`. */
  identifier: string;
  url: string | null;
  /** Tracker state when the task was launched or last dispatched. */
  state: string;
}

export type AutopilotStatus = 'stopped' | 'running';

/** Why an issue row is (not) being worked on, for the tree and the CLI. */
export type AutopilotIssueStatus = 'running' | 'retrying' | 'eligible' | 'waiting' | 'held' | 'ineligible' | 'skipped';

export interface AutopilotIssueRow {
  id: string;
  identifier: string;
  title: string;
  state: string;
  labels: string[];
  url: string | null;
  priority: number | null;
  status: AutopilotIssueStatus;
  /** A short reason (held: awaiting review; ineligible: missing label; skipped: the author may not instruct agents…), or null. */
  note: string | null;
  /** The Quartet task working on it, if any. */
  taskId: string | null;
}

export interface AutopilotRunningRow {
  issueId: string;
  identifier: string;
  title: string;
  state: string;
  url: string | null;
  taskId: string | null;
  attemptIds: string[];
  /** Highest turn number any of its attempts reached in this worker session. */
  turn: number;
  /** null for a first run, ≥ 1 for retries and continuations (SPEC §4.1.5). */
  retryAttempt: number | null;
  startedAt: string;
}

export interface AutopilotRetryRow {
  issueId: string;
  identifier: string;
  url: string | null;
  attempt: number;
  dueAt: string;
  error: string | null;
  kind: 'continuation' | 'failure';
}

export interface AutopilotEvent {
  seq: number;
  at: string;
  message: string;
  /** Issue identifier the event is about, if any. */
  issue: string | null;
}

/** Why the Autopilot is not running although it was asked to (a failed start, or a restart without the token). */
export interface AutopilotProblem {
  /** `missing_tracker_secret`, `needs_credentials`, `invalid_tracker_config`, `missing_tracker_kind`… (SPEC §11.4, §6.3). */
  code: string;
  message: string;
}

export interface AutopilotSnapshot {
  /** A tracker is configured (WORKFLOW.md `tracker.kind`, or the test hook). */
  configured: boolean;
  status: AutopilotStatus;
  /** Human label of the task source (`GitHub owner/repo`), null when unknown. */
  source: string | null;
  startedAt: string | null;
  lastPollAt: string | null;
  nextPollAt: string | null;
  lastPollError: string | null;
  pollIntervalMs: number;
  running: AutopilotRunningRow[];
  retrying: AutopilotRetryRow[];
  claimed: string[];
  issues: AutopilotIssueRow[];
  totals: { dispatched: number; completed: number; failed: number; secondsRunning: number };
  /** The most recent events, oldest first, with increasing `seq`. */
  events: AutopilotEvent[];
  /** What the configured tracker reads — names only, never values — so clients send just that with Start. */
  credentials?: {
    secretKeys: string[];
    envNames: string[];
    endpoints?: Array<{ provider: 'github' | 'linear'; url: string }>;
  } | null;
  /** The last start failed, or it could not restart with the supervisor: shown in the tree's Autopilot row. */
  problem?: AutopilotProblem | null;
  /** It should run (remembered across supervisor restarts; Stop clears it). */
  wanted?: boolean;
  /** The tracker's rate-limit headers from its latest response (SPEC §13.7 `rate_limits`); null before any. */
  rateLimits?: TrackerRateLimits | null;
}

/** A tracker's rate budget as its latest response stated it: GitHub's x-ratelimit-*, Linear's x-ratelimit-requests-* / -complexity-*. */
export interface TrackerRateLimits {
  provider: 'github' | 'linear';
  /** When the response that carried them arrived. */
  observedAt: string;
  /** Budgets by name (GitHub: its `x-ratelimit-resource`, e.g. `core`; Linear: `requests`, `complexity`). */
  buckets: Record<
    string,
    { limit: number | null; remaining: number | null; used: number | null; resetAt: string | null }
  >;
}

export function emptyAutopilotSnapshot(configured: boolean, source: string | null = null): AutopilotSnapshot {
  return {
    configured,
    status: 'stopped',
    source,
    startedAt: null,
    lastPollAt: null,
    nextPollAt: null,
    lastPollError: null,
    pollIntervalMs: 30_000,
    running: [],
    retrying: [],
    claimed: [],
    issues: [],
    totals: { dispatched: 0, completed: 0, failed: 0, secondsRunning: 0 },
    events: [],
  };
}
