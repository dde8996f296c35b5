// `quartet.land.policy: auto`: which attempt of an issue's task the Autopilot may land on its own, or why it waits for a person.

import { isActive, type CheckSummary, type Phase, type TaskState } from '../../shared/model';

export interface AutoLandTask {
  id: string;
  state: TaskState;
  /** The scorecard's pick (only finished, eligible attempts), or null. */
  recommended: string | null;
  /** The verdict behind `recommended` (cross-tests, confidence): only a clear winner lands on its own. */
  verdict?: { state: string; confidence: string; headline: string } | null;
  /** A land under way (started by a person or an earlier auto land). */
  landing: { status: string } | null;
  /** `archived`: truthy once archived (the record or a flag). */
  attempts: { id: string; phase: Phase; archived: unknown; checks: CheckSummary | null }[];
}

export type AutoLandDecision =
  | { action: 'land'; attemptId: string; pr: boolean }
  /** The scorecard is not final yet (an attempt still runs, or its checks do): ask again later. */
  | { action: 'later'; why: string }
  /** Nothing to land automatically: the result waits for a person, as with the manual policy. */
  | { action: 'human'; why: string };

/**
 * Lands only the recommended attempt, only when its checks passed (an attempt without checks is not
 * proof of anything, so it waits for a person), and as a pull request only when a GitHub token was given.
 */
export function autoLandDecision(task: AutoLandTask, opts: { pr: boolean; hasGithubToken: boolean }): AutoLandDecision {
  if (task.state !== 'open') return { action: 'human', why: `task ${task.id} is ${task.state}` };
  if (task.landing?.status === 'running') return { action: 'human', why: `a land of ${task.id} is already under way` };
  const live = task.attempts.filter((a) => !a.archived);
  if (live.some((a) => a.phase === 'queued' || isActive(a.phase)))
    return { action: 'later', why: 'attempts are still running' };
  // A finished attempt without a checks result has not been scored yet (the scorecard runs right after it finishes).
  if (live.some((a) => a.checks?.state === 'running' || (a.phase === 'finished' && !a.checks)))
    return { action: 'later', why: 'checks are still running' };
  if (task.verdict?.state === 'cross-testing') return { action: 'later', why: 'the attempts are being cross-tested' };
  const pick = live.find((a) => a.id === task.recommended);
  if (!pick) return { action: 'human', why: 'no attempt is eligible to land (none finished with a clean scorecard)' };
  if (pick.checks?.state !== 'passed') {
    const state = pick.checks?.state ?? 'not run';
    return {
      action: 'human',
      why: `checks of ${pick.id} ${state === 'none' ? 'are not configured (set quartet.check_command): auto land needs passing checks' : `are ${state}`}`,
    };
  }
  // A close call is the person's to make: auto land acts only on a clear winner of the verdict.
  if (task.verdict && task.verdict.confidence !== 'clear')
    return { action: 'human', why: `not a clear winner (${task.verdict.headline}): a person decides` };
  if (opts.pr && !opts.hasGithubToken)
    return { action: 'human', why: 'quartet.land.pr needs a GitHub token: start the Autopilot with one' };
  return { action: 'land', attemptId: pick.id, pr: opts.pr };
}

/**
 * Paths that steer the harness itself (how agents are run, configured and instructed, and what CI runs). An agent's
 * change to them never lands on its own, even from a clear winner: a person reviews it (docs/security.md §5).
 */
const CONTROL_PATHS = [
  /^WORKFLOW\.md$/i,
  /^\.vscode\//,
  /^\.agents\//,
  /^\.codex\//,
  /^\.github\/workflows\//,
  /^\.worktreeinclude$/,
  /(^|\/)AGENTS\.md$/,
];

/** The changed paths an auto land must leave to a person. */
export function controlFilesIn(paths: readonly string[]): string[] {
  return paths.filter((p) => CONTROL_PATHS.some((re) => re.test(p)));
}
