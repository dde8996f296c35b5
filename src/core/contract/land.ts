// Land, rework, undo and score: the options a client sends and the replies it gets.

import type { ClosedPullRequest, LandProgress, TaskVerdict } from '../../shared/model';

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

/** `land(attempt, { pr: true, github })` lands through a pull request; without `pr` it lands locally. */
export interface LandOptions {
  pr?: boolean;
  github?: GithubLandOptions;
}

/** `github` with a rework: the token (and where) to close a PR an earlier land left open. */
export interface ReworkOptions {
  github?: Pick<GithubLandOptions, 'token' | 'baseUrl' | 'owner' | 'repo'>;
}

/** What a rework did: the archived patch, the fresh attempt, and what became of a PR an earlier land left open. */
export interface ReworkResult {
  archived: string;
  newAttemptId: string;
  /** Set when the attempt had an open PR: closed (with a token) or left open (`message` says why). */
  pullRequest?: ClosedPullRequest;
}

/** `quartet score TASK --json`: the scorecard of a task's attempts. */
export interface TaskScore {
  taskId: string;
  recommended: string | null;
  ranked: { attemptId: string; eligible: boolean; score: number; reasons: string[] }[];
  /** The evidence behind `recommended`: cross-test matrix, per-attempt lines, confidence (null before the first verdict). */
  verdict: TaskVerdict | null;
}

/** The credentials a client may send with a rework (never persisted; the token is scrubbed from the task's journals). */
export interface GithubCredentials {
  token: string;
  baseUrl?: string;
  owner?: string;
  repo?: string;
}

export type UndoLandResult =
  | { status: 'reverted'; commit: string; checkoutUpdated: string | null; message: string }
  | { status: 'refused'; message: string };

export interface LandSkillsResult extends Omit<LandProgress, 'attemptId'> {
  branch: string;
  /** The skills branch was deleted after landing (its skills are the base's own now). */
  deleted: boolean;
}
