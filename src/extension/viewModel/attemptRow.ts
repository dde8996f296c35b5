// The one thing an attempt row says at a 300 px sidebar: ★ and why, the question, the failed check, the running step.

import type { AttemptSnapshot, TaskSnapshot } from '../../shared/model';
import { waitingForChecksText } from '../../core/land/recommendGate';
import { oneLine } from './format';
import { phaseLabel, phaseWithReason } from './attemptView';

/** What a row needs to know about its siblings. */
export interface RowContext {
  /** `waiting for checks on #3` while the ★ is held back for a sibling's checks (or the cross-tests run), else null. */
  waitingForChecks: string | null;
  /** The verdict is in: each finished row leads with its evidence (score.reasons[0]). */
  judged?: boolean;
}

export function rowContext(task: Pick<TaskSnapshot, 'attempts' | 'verdict'>): RowContext {
  const crossTesting = task.verdict?.state === 'cross-testing' ? 'judging the attempts' : null;
  return {
    waitingForChecks: waitingForChecksText(task.attempts) ?? crossTesting,
    judged: task.verdict?.state === 'done',
  };
}

/** The row's label: the number only, so the headline keeps the width (the accessibility label says "Attempt k"). */
export function attemptRowLabel(attempt: Pick<AttemptSnapshot, 'index'>): string {
  return `#${attempt.index}`;
}

/** Why the scorecard put the ★ here, short: `checks pass · +3 −0` (the tooltip lists every reason). */
export function recommendedWhy(attempt: Pick<AttemptSnapshot, 'score' | 'checks' | 'conflicts' | 'diffStat'>): string {
  const reasons = attempt.score?.reasons ?? [];
  const parts = [reasons[0] ?? checksWord(attempt.checks)];
  if (attempt.conflicts?.withBase) parts.push('conflicts with base');
  const d = attempt.diffStat;
  if (d) parts.push(d.files === 0 && d.added + d.removed === 0 ? 'no changes' : `+${d.added} −${d.removed}`);
  return parts.join(' · ');
}

function checksWord(c: AttemptSnapshot['checks']): string {
  if (!c || c.state === 'none') return 'no checks';
  return c.state === 'passed' ? 'checks pass' : c.state === 'failed' ? 'checks fail' : 'checks running';
}

/** `checks failed: 2 tests failed` (the first line that matters), or the exit code when no line did. */
export function failedChecksText(c: NonNullable<AttemptSnapshot['checks']>): string {
  const first = c.summary[0];
  return `checks failed: ${first ? oneLine(first, 80) : c.exitCode !== null ? `exit ${c.exitCode}` : (c.command ?? '')}`;
}

function finishedHeadline(a: AttemptSnapshot, ctx: RowContext): string {
  const c = a.checks;
  if (c?.state === 'running') return `running checks: ${c.command ?? ''}`.trim();
  if (a.recommended) return `★ ${recommendedWhy(a)}`;
  if (c?.state === 'failed') return failedChecksText(c);
  if (ctx.waitingForChecks) return ctx.waitingForChecks;
  // Judged: the verdict's first piece of evidence about this attempt ("fails #1's tests (…)").
  if (ctx.judged && a.score?.reasons[0]) return a.score.reasons[0];
  const parts = [checksWord(c)];
  if (a.conflicts?.withBase) parts.push('conflicts with base');
  if (!a.resultCommit) parts.push('no changes');
  return parts.join(' · ');
}

/** The row's description: only what matters now; elapsed time, tokens, cost and model live in the tooltip. */
/** The row's text plus where it runs when that is a worker host (rows on this machine stay as they were). */
export function attemptRowText(a: AttemptSnapshot, ctx: RowContext): string {
  const text = attemptHeadline(a, ctx);
  return a.host ? `${text} · on ${a.host}` : text;
}

export function attemptHeadline(a: AttemptSnapshot, ctx: RowContext): string {
  if (a.landed?.revertedBy) return `land undone (revert ${a.landed.revertedBy.slice(0, 7)})`;
  if (a.landed) return a.landed.aside ? `landed on ${a.landed.aside}` : `landed ${a.landed.commit.slice(0, 7)}`;
  if (a.archived) return 'archived';
  switch (a.phase) {
    case 'needs-you':
      // The question stays in the row until it is answered: it is what the person acts on.
      return a.pending ? `needs you: ${oneLine(a.pending.summary, 200)}` : 'needs you';
    case 'finished':
      return finishedHeadline(a, ctx);
    case 'preparing':
    case 'starting':
    case 'working':
      return a.lastEvent ? oneLine(a.lastEvent, 120) : phaseLabel(a.phase);
    case 'queued':
      return a.nextRetryAt ? 'queued for a retry' : 'queued';
    default:
      return phaseWithReason(a);
  }
}
