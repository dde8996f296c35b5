// The supervisor's settings (a client sends them) and the retention periods Clean Up and the sweep use.

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
  /**
   * `quartet.workers` (machine scope): ssh worker hosts attempts are placed on besides this machine (SPEC Appendix A).
   * Absent or empty: everything runs here. Checked by the orchestrator (workers/workerConfig.ts).
   */
  workers?: { host: string; capacity?: number | null; worktreeRoot?: string | null }[];
  /** `ssh -F` file for the worker hosts; null: the user's ~/.ssh/config. */
  sshConfig?: string | null;
  /** `quartet.worktreePool`: warm worktrees kept checked out at HEAD for the next launch (0 = off, at most 16). */
  worktreePool?: number;
}

/** `quartet.retention`: how long ended attempts keep their worktrees, and when archives count as old. */
export interface RetentionSettings {
  /** Days after which a landed, archived, failed, stalled, stopped or interrupted attempt loses its worktree (archived first). 0 = never automatically. */
  attemptDays: number;
  /** Days after which an archive (patch + manifest) is offered for deletion by Clean Up; never deleted automatically. */
  archiveDays: number;
}

/** The largest `quartet.worktreePool`: a launch takes at most MAX_ATTEMPTS worktrees at once. */
export const MAX_WORKTREE_POOL = 16;

export const DEFAULT_RETENTION: RetentionSettings = { attemptDays: 14, archiveDays: 90 };
