// Replies of the control calls (answer, follow-up, delete, clean-up) and the tracker credentials a client sends.

import type { CheckSummary } from '../../shared/model';
import type { RetentionSettings } from './settings';

/** `acceptForSession`: Codex's session-scoped accept, "Accept for this attempt" (CLI `accept-session`). */
export type AnswerDecision = 'accept' | 'acceptForSession' | 'decline';

/** How a follow-up that produced no new result ended. */
export type Ended = 'failed' | 'stopped' | 'rejected';

export interface FollowUpResult {
  attemptId: string;
  reason: string;
  status: 'completed' | Ended;
  message: string;
  /** Tip of the attempt's branch afterwards (its new result when completed). */
  commit: string | null;
  /** The scorecard's checks after a completed follow-up (re-run on the new result). */
  checks: CheckSummary | null;
}

export interface DeletedTask {
  taskId: string;
  /** Attempts whose work was archived first (restorable with `quartet restore`). */
  archived: { attemptId: string; patch: string }[];
}

export interface CleanupResult {
  removed: { id: string; bytes: number }[];
  archived: { attemptId: string; patch: string }[];
  failed: { id: string; error: string }[];
  freedBytes: number;
}

export type CleanupKind = 'worktree' | 'branch' | 'archive' | 'pool';

export interface CleanupItem {
  /** `worktree:<attempt id>`, `branch:<attempt id>`, `archive:<folder name>` or `pool:<branch>`: what `apply` takes. */
  id: string;
  kind: CleanupKind;
  attemptId: string | null;
  /** One line for a picker: what it is. */
  label: string;
  /** Why it can go, and what happens first (archive). */
  detail: string;
  path: string | null;
  branch: string | null;
  /** Disk space freed (a branch frees nothing measurable). */
  bytes: number;
  /** Past the retention period: pre-selected in Clean Up, removed by the automatic sweep (never archives). */
  due: boolean;
  /** The worktree has work no kept branch or archive holds: its patch is archived before removal. */
  archiveFirst: boolean;
  ageDays: number;
}

export interface CleanupPlan {
  items: CleanupItem[];
  totalBytes: number;
  dueBytes: number;
  retention: RetentionSettings;
}

/** The values a client sends; everything optional. */
export interface TrackerCredentials {
  /** Host secret storage by key (`github`, `linear`): VS Code's SecretStorage ("Set GitHub Token", "Set Linear API Key"). */
  secrets?: Record<string, string>;
  /** Variables from the client's environment, only those the tracker reads (`needs.envNames`). */
  env?: Record<string, string>;
  /**
   * Non-default hosts the sender agreed to send these to (VS Code: a one-time confirmation per host; CLI:
   * `--allow-tracker-host` / QUARTET_ALLOW_TRACKER_HOSTS). A WORKFLOW.md endpoint elsewhere gets no token.
   */
  hosts?: string[];
}
