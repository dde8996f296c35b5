// Pure candidate selection (SPEC §8.2), dispatch order and concurrency slots (§8.3): no I/O, no clock.

import { stateKey, type NormalizedIssue } from '../tracker/types';
import type { AutopilotConfig } from './config';

export const isActiveState = (state: string, c: AutopilotConfig): boolean =>
  c.activeStates.some((s) => stateKey(s) === stateKey(state));
export const isTerminalState = (state: string, c: AutopilotConfig): boolean =>
  c.terminalStates.some((s) => stateKey(s) === stateKey(state));

/** The label an issue lacks, or null. A blank configured label matches nothing (SPEC §5.3.1). */
export function missingLabel(issue: NormalizedIssue, c: AutopilotConfig): string | null {
  const have = new Set(issue.labels.map(stateKey));
  for (const label of c.requiredLabels) {
    const want = stateKey(label);
    if (!want || !have.has(want)) return label || '(blank)';
  }
  return null;
}

/**
 * Quartet extension (trust boundary, docs/security.md §4): why this issue may not instruct an agent, or null. The
 * author must be able to write to the repository (the tracker says so), or the issue carries a trusted label — on
 * GitHub only people with triage access can set labels, so the label is a maintainer's decision.
 */
export function untrustedAuthor(issue: NormalizedIssue, c: AutopilotConfig): string | null {
  if (issue.author.canWrite) return null;
  const who = issue.author.login ? `author ${issue.author.login}` : 'the author';
  const role = issue.author.role ? ` (${issue.author.role})` : '';
  if (issue.author.setsOwnLabels)
    return `${who}${role} has no write access and can set labels, so no label makes the issue trusted`;
  const have = new Set(issue.labels.map(stateKey));
  if (c.trustedLabels.some((l) => have.has(l))) return null;
  const fix = c.trustedLabels.length
    ? `a maintainer can add the label ${c.trustedLabels.map((l) => `\`${l}\``).join(' or ')} to run it`
    : 'list a label under quartet.trusted_labels in WORKFLOW.md and add it to run it';
  return `${who}${role} has no write access; ${fix}`;
}

/** SPEC §8.2 `issue_routable`: adapter says dispatchable, every required label matches, and (Quartet) its author may instruct. */
export const isRoutable = (issue: NormalizedIssue, c: AutopilotConfig): boolean =>
  issue.dispatchable && missingLabel(issue, c) === null && untrustedAuthor(issue, c) === null;

/** A `Todo` issue waits while any blocker is not terminal; a blocker of unknown state counts as open. */
export function openBlocker(issue: NormalizedIssue, c: AutopilotConfig): string | null {
  if (stateKey(issue.state) !== 'todo') return null;
  const open = issue.blockedBy.find((b) => !b.state || !isTerminalState(b.state, c));
  return open ? (open.identifier ?? open.id ?? 'an unnamed issue') : null;
}

/** Scheduler-side facts about one issue that live outside the issue itself. */
export interface DispatchContext {
  running: ReadonlySet<string>;
  claimed: ReadonlySet<string>;
  retrying: ReadonlySet<string>;
  /** Quartet extension: an issue whose task awaits review, runs outside the Autopilot, or was stopped by a person. */
  hold(issueId: string): string | null;
}

export type Eligibility =
  | { eligible: true }
  | { eligible: false; why: string; status: 'running' | 'retrying' | 'held' | 'ineligible' | 'waiting' | 'skipped' };

/** Every per-issue rule of SPEC §8.2 (slots are checked by `selectForDispatch`). */
export function eligibility(
  issue: NormalizedIssue,
  ctx: DispatchContext,
  c: AutopilotConfig,
  ignoreClaim = false,
): Eligibility {
  if (!issue.id || !issue.identifier || !issue.title || !issue.state)
    return { eligible: false, status: 'ineligible', why: 'missing id, identifier, title or state' };
  if (isTerminalState(issue.state, c))
    return { eligible: false, status: 'ineligible', why: `state ${issue.state} is terminal` };
  if (!isActiveState(issue.state, c))
    return { eligible: false, status: 'ineligible', why: `state ${issue.state} is not active` };
  if (!issue.dispatchable)
    return { eligible: false, status: 'ineligible', why: 'the tracker marks it not dispatchable' };
  const label = missingLabel(issue, c);
  if (label) return { eligible: false, status: 'ineligible', why: `missing label ${label}` };
  const untrusted = untrustedAuthor(issue, c);
  if (untrusted) return { eligible: false, status: 'skipped', why: untrusted };
  const blocker = openBlocker(issue, c);
  if (blocker) return { eligible: false, status: 'waiting', why: `blocked by ${blocker}` };
  if (ctx.running.has(issue.id)) return { eligible: false, status: 'running', why: 'running' };
  if (!ignoreClaim && ctx.retrying.has(issue.id))
    return { eligible: false, status: 'retrying', why: 'waiting for its retry' };
  if (!ignoreClaim && ctx.claimed.has(issue.id)) return { eligible: false, status: 'running', why: 'claimed' };
  const held = ctx.hold(issue.id);
  if (held) return { eligible: false, status: 'held', why: held };
  return { eligible: true };
}

const PRIORITY_BUCKET = (p: number | null): number => (p !== null && Number.isInteger(p) && p >= 1 && p <= 4 ? p : 5);

/** SPEC §8.2 order: priority 1..4 first (others and null after), oldest created first (null last), then identifier. */
export function sortForDispatch(issues: readonly NormalizedIssue[]): NormalizedIssue[] {
  const created = (i: NormalizedIssue): number => {
    const t = i.createdAt ? Date.parse(i.createdAt) : NaN;
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
  };
  return [...issues].sort((a, b) => {
    const p = PRIORITY_BUCKET(a.priority) - PRIORITY_BUCKET(b.priority);
    if (p !== 0) return p;
    const ta = created(a);
    const tb = created(b);
    if (ta !== tb) return ta < tb ? -1 : 1;
    return a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0;
  });
}

/** SPEC §8.3 global slots: `max(max_concurrent_agents - running_count, 0)`. */
export const availableSlots = (runningCount: number, c: AutopilotConfig): number =>
  Math.max(c.maxConcurrentAgents - runningCount, 0);

/** Per-state limit (falls back to the global one) minus the running issues in that state. */
export function stateSlots(state: string, runningStates: readonly string[], c: AutopilotConfig): number {
  const limit = c.maxConcurrentByState[stateKey(state)] ?? c.maxConcurrentAgents;
  return Math.max(limit - runningStates.filter((s) => stateKey(s) === stateKey(state)).length, 0);
}

/** True when one more issue in `state` may start now. */
export const hasSlotFor = (state: string, runningStates: readonly string[], c: AutopilotConfig): boolean =>
  availableSlots(runningStates.length, c) > 0 && stateSlots(state, runningStates, c) > 0;

/** The issues to dispatch this tick, in order, stopping when the global slots run out (SPEC §16.2). */
export function selectForDispatch(
  issues: readonly NormalizedIssue[],
  ctx: DispatchContext,
  runningStates: readonly string[],
  c: AutopilotConfig,
): NormalizedIssue[] {
  const states = [...runningStates];
  const picked: NormalizedIssue[] = [];
  for (const issue of sortForDispatch(issues)) {
    if (availableSlots(states.length, c) === 0) break;
    if (!eligibility(issue, ctx, c).eligible || !hasSlotFor(issue.state, states, c)) continue;
    picked.push(issue);
    states.push(issue.state);
  }
  return picked;
}
