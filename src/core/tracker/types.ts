// The task-source boundary (Symphony SPEC §4.1.1 issue, §11.1 reads, §11.4 error categories), shared by adapters and Autopilot.

import type { TrackerRateLimits } from '../../shared/autopilot';

/** A blocker reference, best-effort provider metadata (SPEC §4.1.1). */
export interface BlockerRef {
  id: string | null;
  identifier: string | null;
  state: string | null;
}

/** The normalized issue of SPEC §4.1.1: every field present, nullable ones null, lists possibly empty. */
export interface NormalizedIssue {
  /** Stable dispatch identity within the tracker scope; opaque to the scheduler. */
  id: string;
  /** Non-secret provider identifiers for provider-native tools (JSON-safe) or null. */
  nativeRef: Record<string, unknown> | null;
  /** Human-readable key (e.g. `ABC-123`, `#42`), unique in scope; names worktrees and routes. */
  identifier: string;
  title: string;
  description: string | null;
  /** Lower is higher priority; 1..4 sort before null/unknown. */
  priority: number | null;
  /** Provider spelling; compare trimmed + lowercased. */
  state: string;
  branchName: string | null;
  url: string | null;
  assigneeId: string | null;
  /** Trimmed, lowercased, de-duplicated, no blanks. */
  labels: string[];
  blockedBy: BlockerRef[];
  /** Adapter-derived eligibility for provider rules the scheduler cannot infer. */
  dispatchable: boolean;
  /** Quartet extension (trust boundary): who wrote the issue and whether the tracker says they may write to the repository. */
  author: IssueAuthor;
  /** RFC 3339 instant or null. */
  createdAt: string | null;
  updatedAt: string | null;
}

/** The issue's author as the tracker reports them; `canWrite` gates dispatch (docs/security.md §4). */
export interface IssueAuthor {
  /** GitHub login / Linear display name; null when the tracker does not say (an integration, a deleted user). */
  login: string | null;
  /** The tracker's word for the relation: GitHub `author_association` (OWNER, NONE…), Linear `member`/`guest`/`integration`, `local`. */
  role: string | null;
  /** True only when the tracker vouches that the author may write to the repository (or is a full member of the team). */
  canWrite: boolean;
  /** True when the author could have set the issue's labels themselves (a Linear guest): then a trusted label proves nothing. */
  setsOwnLabels?: boolean;
}

/** SPEC §11.4 categories. */
export type TrackerErrorCategory =
  | 'unsupported_tracker_kind'
  | 'invalid_tracker_config'
  | 'missing_tracker_secret'
  | 'tracker_request'
  | 'tracker_status'
  | 'tracker_response'
  | 'tracker_pagination'
  | 'tracker_rate_limited'
  /** Quartet's own: the endpoint is not the provider's host and the person has not agreed to send the token there. */
  | 'untrusted_tracker_host';

export class TrackerError extends Error {
  constructor(
    readonly category: TrackerErrorCategory,
    message: string,
    readonly detail: { status?: number; retryAfterMs?: number; retryable?: boolean; providerCode?: string } = {},
  ) {
    super(message);
    this.name = 'TrackerError';
  }
}

/** The two reads of SPEC §11.1. Both return [] for an empty input without a provider request. */
export interface TaskSource {
  /** `local`, `github`, `linear`. */
  readonly kind: string;
  /** Human label for the tree, e.g. `GitHub owner/repo` or `Linear project-slug`. */
  readonly label: string;
  fetchIssuesByStates(stateNames: string[]): Promise<NormalizedIssue[]>;
  /** Current snapshots for these ids; ids no longer visible are omitted; malformed requested records throw. */
  fetchIssuesByIds(ids: string[]): Promise<NormalizedIssue[]>;
  /**
   * Environment variable names holding this source's credentials (SPEC §10.5, §15.3): launchers pass them
   * to `scrubSecrets` so agents never inherit them. Absent or empty when the source needs no secret.
   */
  readonly secretEnvNames?: readonly string[];
  /** Checks local config and secret presence without a provider request; throws a TrackerError. */
  preflight?(): Promise<void>;
  /** The rate-limit headers of the provider's latest response (SPEC §13.7 `rate_limits`); null before any. */
  rateLimits?(): TrackerRateLimits | null;
}

/** Scheduler comparison form of a state name (SPEC §11.3). */
export const stateKey = (state: string): string => state.trim().toLowerCase();
