// Pure texts of a land for the control panel: which kind, where, its status, the PR's checks and reviews, follow-up turns.

import { canResolve } from './attemptActions';
import type { AttemptSnapshot, FollowUpRecord, LandProgress, LandPullRequest, TaskSnapshot } from './model';

/** A land through a GitHub pull request says so from its first step (`prRepo`), before GitHub gave it a number. */
export function isPrLand(l: Pick<LandProgress, 'pr' | 'prRepo'>): boolean {
  return !!l.pr || !!l.prRepo;
}

const STATUS: Record<LandProgress['status'], string> = {
  running: 'landing',
  landed: 'landed',
  landed_aside: 'landed aside',
  conflict: 'conflict',
  checks_failed: 'checks failed',
  refused: 'refused',
  failed: 'failed',
  needs_you: 'needs you',
};

export function landStatusLabel(status: LandProgress['status']): string {
  return STATUS[status];
}

/** A CSS class for a status: green when landed, red when it stopped, neutral while it runs. */
export function landStatusClass(status: string): 'passed' | 'error-text' | 'land-running' | 'muted' {
  if (status === 'landed' || status === 'landed_aside' || status === 'ok') return 'passed';
  if (status === 'running') return 'land-running';
  if (status === 'skipped') return 'muted';
  return 'error-text';
}

/** `Landing #2 as pull request #12 on octo/sample` · `Landed #2 locally on main` · `The land of #2 conflicts with main`. */
export function landHeadline(
  l: LandProgress,
  task: Pick<TaskSnapshot, 'baseRef'>,
  attemptIndex: number | null,
): string {
  const who = attemptIndex === null ? 'the attempt' : `#${attemptIndex}`;
  const how = isPrLand(l)
    ? `as pull request${l.pr ? ` #${l.pr.number}` : ''}${l.prRepo ? ` on ${l.prRepo}` : ''}`
    : `locally on ${task.baseRef}`;
  switch (l.status) {
    case 'running':
      return `Landing ${who} ${how}`;
    case 'landed':
    case 'landed_aside':
      return `Landed ${who} ${how}`;
    case 'conflict':
      return `The land of ${who} ${how} conflicts with ${task.baseRef}`;
    case 'needs_you':
      return `The land of ${who} ${how} needs you`;
    case 'checks_failed':
      return `The land of ${who} ${how} stopped: the checks failed`;
    default:
      return `The land of ${who} ${how} ${l.status === 'refused' ? 'was refused' : 'failed'}`;
  }
}

/** `checks passed` · `checks failing: ci, lint` · `checks running: ci` · `no checks reported`. */
export function prChecksText(checks: LandPullRequest['checks']): string {
  switch (checks.state) {
    case 'success':
      return 'checks passed';
    case 'failure':
      return checks.failing.length ? `checks failing: ${checks.failing.join(', ')}` : 'checks failing';
    case 'pending':
      return checks.pending.length ? `checks running: ${checks.pending.join(', ')}` : 'checks pending';
    default:
      return 'no checks reported';
  }
}

/** `approved by alice · changes requested by bob`, or `no reviews yet` (`no reviews` once the PR is merged or closed). */
export function prReviewsText(reviews: LandPullRequest['reviews'], state: LandPullRequest['state'] = 'open'): string {
  const parts: string[] = [];
  if (reviews.approved.length) parts.push(`approved by ${reviews.approved.join(', ')}`);
  if (reviews.changesRequested.length) parts.push(`changes requested by ${reviews.changesRequested.join(', ')}`);
  return parts.length ? parts.join(' · ') : state === 'open' ? 'no reviews yet' : 'no reviews';
}

/**
 * The steps worth a line: a `running` entry directly followed by the same step's outcome is dropped (the outcome
 * says it), and a final `done` that only repeats the land's message is left to the message.
 */
export function visibleSteps(l: Pick<LandProgress, 'steps' | 'message'>): LandProgress['steps'] {
  return l.steps.filter((s, i) => {
    const next = l.steps[i + 1];
    if (s.status === 'running' && next?.step === s.step) return false;
    return !(i === l.steps.length - 1 && s.step === 'done' && s.detail === l.message);
  });
}

export function fixTurnsText(fixes: number): string {
  return fixes === 0 ? 'no fix turns' : `${fixes} fix turn${fixes === 1 ? '' : 's'}`;
}

const REASONS: Record<string, string> = {
  'resolve-conflicts': 'resolve conflicts',
  'pr-fix': 'fix for the pull request',
  'pr-conflicts': 'pull request conflicts',
};

/** A follow-up's reason as a person reads it; unknown reasons (Autopilot, future callers) show as given. */
export function followUpReasonLabel(reason: string): string {
  return REASONS[reason] ?? reason.replace(/-/g, ' ');
}

export function followUpOutcomeClass(
  outcome: FollowUpRecord['outcome'],
): 'passed' | 'error-text' | 'land-running' | 'muted' {
  if (outcome === 'completed') return 'passed';
  if (outcome === 'running') return 'land-running';
  if (outcome === 'interrupted' || outcome === 'stopped') return 'muted';
  return 'error-text';
}

/** Cards and the attempt header offer Resolve unless the task's land panel already does (this attempt's land conflicted). */
export function offersResolve(task: Pick<TaskSnapshot, 'state' | 'landing'>, attempt: AttemptSnapshot): boolean {
  const inLandingPanel = task.landing?.attemptId === attempt.id && task.landing.status === 'conflict';
  return !inLandingPanel && canResolve(attempt, task.state === 'landed');
}
