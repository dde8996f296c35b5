// The skills model shared by the supervisor, the extension and the panel: what an attempt received, the catalog, outcomes, the review.

/** Where a skill an attempt received came from. `accepted`: an accepted distill proposal on an unmerged `quartet/skills/*` branch. */
export type SkillOrigin = 'builtin' | 'repo' | 'accepted';

/** One skill an attempt received, as recorded on its record (and journaled as a `skills` event). */
export interface AttemptSkill {
  name: string;
  source: SkillOrigin;
  /** Content hash of the skill's folder (12 hex): two attempts with the same version read the same text. */
  version: string;
}

/** One skill new attempts get now (the effective catalog: accepted > repo > builtin by name). */
export interface CatalogSkill {
  name: string;
  description: string;
  source: SkillOrigin;
  version: string;
  /** Repository-relative folder (`.agents/skills/x`) or, for built-ins, `skills/x` of the extension. */
  path: string;
  /** For `accepted`: the branch it comes from. */
  branch: string | null;
}

/** A `quartet/skills/*` branch and what it still carries that the base lacks. */
export interface SkillsBranch {
  branch: string;
  commit: string;
  committedAt: string;
  /** Every skill it carries is already in the base (landed, merged or squashed): it gives attempts nothing. */
  merged: boolean;
  skills: string[];
}

/** How a group of attempts fared. */
export interface OutcomeStats {
  attempts: number;
  finished: number;
  failed: number;
  stalled: number;
  /** Stopped, interrupted or still running. */
  other: number;
  checksPassed: number;
  checksFailed: number;
  /** Archived with a rework reason, or reworked into a newer attempt. */
  reworked: number;
  landed: number;
}

/** One attempt that had a skill, with what the panel shows of it. */
export interface OutcomeAttempt {
  attemptId: string;
  taskId: string;
  taskTitle: string;
  index: number;
  phase: string;
  startedAt: string | null;
  checks: 'passed' | 'failed' | null;
  reworked: boolean;
  landed: boolean;
}

/**
 * Per skill version: the attempts that had it against the attempts of the same period that did not.
 * Not a controlled experiment: the tasks differ, and so do the people choosing them.
 */
export interface SkillOutcome {
  name: string;
  version: string;
  source: SkillOrigin;
  with: OutcomeStats;
  without: OutcomeStats;
  /** First and last start among the attempts that had it; `without` counts attempts started in between. */
  period: { from: string; to: string } | null;
  attempts: OutcomeAttempt[];
}

export type ProposalState = 'pending' | 'accepted' | 'rejected';

/** Where a piece of evidence came from (a journal line or a note); `line` is 1-based. */
export interface EvidenceRefView {
  attemptId: string;
  line: number | null;
  seq: number | null;
  note: string | null;
  url: string | null;
  /** The journal file (the host opens it after looking the ref up again; the panel only sends ids). */
  journal: string | null;
  /** True when the host can open it (a journal line or an http(s) URL). */
  openable: boolean;
}

export interface EvidenceView {
  id: string;
  kind: string;
  title: string;
  count: number;
  samples: string[];
  refs: EvidenceRefView[];
}

export interface ProposalView {
  id: string;
  kind: string;
  name: string;
  path: string;
  content: string;
  rationale: string;
  provenance: string[];
  state: ProposalState;
  /** For accepted proposals: the branch and commit they were written to. */
  branch: string | null;
  commit: string | null;
}

/** The latest distill review, owned by the supervisor: the diff review and the panel show (and change) the same states. */
export interface DistillReviewView {
  id: string;
  createdAt: string;
  base: string;
  proposals: ProposalView[];
  evidence: EvidenceView[];
  /** The branch accepted proposals of this review go to (null until the first accept). */
  branch: string | null;
}

/** `GET /api/v1/skills`. */
export interface SkillsOverview {
  /** The branch the catalog is computed against (the repository's current branch). */
  base: string | null;
  skills: CatalogSkill[];
  branches: SkillsBranch[];
  outcomes: SkillOutcome[];
  review: DistillReviewView | null;
  problems: string[];
}

export const EMPTY_STATS: OutcomeStats = {
  attempts: 0,
  finished: 0,
  failed: 0,
  stalled: 0,
  other: 0,
  checksPassed: 0,
  checksFailed: 0,
  reworked: 0,
  landed: 0,
};

/** "4 attempts · checks 3/4 passed · 1 reworked · 2 landed" (the panel's one-line summary of a group). */
export function formatOutcome(s: OutcomeStats): string {
  if (!s.attempts) return 'no attempts';
  const parts = [`${s.attempts} attempt${s.attempts === 1 ? '' : 's'}`];
  const ran = s.checksPassed + s.checksFailed;
  parts.push(ran ? `checks ${s.checksPassed}/${ran} passed` : 'no checks ran');
  parts.push(`${s.reworked} reworked`, `${s.landed} landed`);
  if (s.failed + s.stalled) parts.push(`${s.failed + s.stalled} failed or stalled`);
  return parts.join(' · ');
}
