// Pure view model of one attempt row: label, description, icon, accessibility label, tooltip markdown.

import { hostLabel, REASON_TEXT, type AttemptSnapshot, type Phase } from '../../shared/model';
import { formatTokens } from '../../shared/tokenFormat';
import { codeSpan, elapsedMs, escapeMarkdown, formatTimestamp, humanizeElapsed, oneLine } from './format';
import { pendingTooltipLines } from './pendingView';

/** Longest last-event text kept in a row; the tooltip carries the rest. */
const LAST_EVENT_MAX = 80;

/** Phases whose reason the row shows, because the reason is what the user acts on. */
const PHASES_WITH_REASON: readonly Phase[] = ['failed', 'stalled'];

/** `needs-you` reads as `needs you`; every other phase is already a word. */
export function phaseLabel(phase: Phase): string {
  return phase === 'needs-you' ? 'needs you' : phase;
}

/** `failed (model_error)` for failed/stalled attempts with a reason, else the phase label. */
export function phaseWithReason(attempt: Pick<AttemptSnapshot, 'phase' | 'reason'>): string {
  const label = phaseLabel(attempt.phase);
  return attempt.reason && PHASES_WITH_REASON.includes(attempt.phase) ? `${label} (${attempt.reason})` : label;
}

export function attemptLabel(attempt: Pick<AttemptSnapshot, 'index'>): string {
  return `Attempt ${attempt.index}`;
}

/** Exactly `Attempt k <phase in words>` ("Attempt 1 needs you"): screen readers announce it, and e2e tests find rows by it. */
export function attemptAccessibilityLabel(
  attempt: Pick<AttemptSnapshot, 'index' | 'phase'> &
    Partial<Pick<AttemptSnapshot, 'recommended' | 'landed' | 'archived'>>,
): string {
  const marks = [
    attempt.recommended ? 'recommended' : '',
    attempt.landed ? 'landed' : '',
    attempt.archived ? 'archived' : '',
  ].filter(Boolean);
  return [`${attemptLabel(attempt)} ${phaseLabel(attempt.phase)}`, ...marks].join(' ');
}

/** What the scorecard and lands add to a row: `★ recommended`, `checks ✓`, `landed`, `archived`. */
function outcomeParts(attempt: AttemptSnapshot): string[] {
  const parts: string[] = [];
  if (attempt.landed) parts.push(attempt.landed.aside ? `landed on ${attempt.landed.aside}` : 'landed');
  else if (attempt.archived) parts.push('archived');
  if (attempt.recommended && !attempt.archived) parts.push('★ recommended');
  const c = attempt.checks;
  if (c && c.state === 'passed') parts.push('checks ✓');
  if (c && c.state === 'failed') parts.push('checks ✗');
  if (c && c.state === 'running') parts.push('checks…');
  if (attempt.conflicts?.withBase) parts.push('conflicts with base');
  return parts;
}

/** `working · 1m 12s · 6.1k tok · ran \`npm test\` (exit 1)`; empty parts are left out. */
export function attemptDescription(attempt: AttemptSnapshot, now: number): string {
  const parts = [phaseWithReason(attempt), ...outcomeParts(attempt)];
  const elapsed = elapsedMs(attempt, now);
  if (elapsed !== null) parts.push(humanizeElapsed(elapsed));
  if (attempt.tokens.total > 0) parts.push(`${formatTokens(attempt.tokens.total)} tok`);
  if (attempt.demoModel) parts.push('demo model');
  if (attempt.lastEvent) parts.push(oneLine(attempt.lastEvent, LAST_EVENT_MAX));
  return parts.join(' · ');
}

/** A codicon id plus an optional theme color id; the tree turns it into a ThemeIcon. */
export interface IconSpec {
  id: string;
  color?: string;
}

const PHASE_ICONS: Record<Phase, IconSpec> = {
  queued: { id: 'clock' },
  preparing: { id: 'sync~spin' },
  starting: { id: 'sync~spin' },
  working: { id: 'sync~spin' },
  'needs-you': { id: 'bell', color: 'list.warningForeground' },
  finished: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  stalled: { id: 'watch', color: 'list.warningForeground' },
  stopped: { id: 'debug-stop' },
  interrupted: { id: 'debug-disconnect' },
};

export function attemptIcon(
  phase: Phase,
  attempt?: Pick<AttemptSnapshot, 'recommended' | 'landed' | 'archived'>,
): IconSpec {
  if (attempt?.landed) return { id: 'git-merge', color: 'testing.iconPassed' };
  if (attempt?.archived) return { id: 'archive' };
  // No per-item badge exists in 1.100: the recommended attempt gets a star instead of the plain check.
  if (attempt?.recommended && phase === 'finished') return { id: 'star-full', color: 'charts.yellow' };
  return PHASE_ICONS[phase];
}

/** What the hover card adds from outside the attempt: the ★ gate and the cost estimate (with its price table). */
export interface TooltipExtras {
  waitingForChecks?: string | null;
  /** `$0.12 est.` or `free (demo model)`. */
  cost?: string | null;
}

/** The ★ and the scorecard's reasons, the checks, and the gate: why this attempt is (not) the one to land. */
function verdictLines(attempt: AttemptSnapshot, extras: TooltipExtras): string[] {
  const lines: string[] = [];
  const reasons = attempt.score?.reasons.length ? escapeMarkdown(attempt.score.reasons.join(' · ')) : null;
  if (attempt.recommended && reasons) lines.push(`★ Recommended: ${reasons}`);
  else if (reasons)
    lines.push(`Scorecard: ${reasons}${attempt.score?.eligible ? ` (${attempt.score.score}/100)` : ''}`);
  if (extras.waitingForChecks && attempt.phase === 'finished' && !attempt.archived)
    lines.push(`No ★ yet: ${escapeMarkdown(extras.waitingForChecks)}`);
  const c = attempt.checks;
  if (c && c.state !== 'none' && c.command) {
    const how = c.state === 'running' ? 'running' : `${c.state}${c.exitCode !== null ? ` (exit ${c.exitCode})` : ''}`;
    lines.push(`Checks: ${codeSpan(c.command)} ${how}`);
    for (const l of c.summary.slice(0, 3)) lines.push(`· ${escapeMarkdown(oneLine(l, 200))}`);
  } else if (c?.state === 'none') lines.push('Checks: none (no check command)');
  return lines;
}

/** The hover card: why it is (not) recommended, where the attempt lives, what it cost, and what went wrong. */
export function attemptTooltipMarkdown(attempt: AttemptSnapshot, now: number, extras: TooltipExtras = {}): string {
  const t = attempt.tokens;
  const elapsed = elapsedMs(attempt, now);
  const lines = [
    `**${attemptLabel(attempt)}** — ${escapeMarkdown(phaseWithReason(attempt))}`,
    '',
    ...verdictLines(attempt, extras),
    `Branch: ${codeSpan(attempt.branch)}`,
    `Host: ${escapeMarkdown(hostLabel(attempt.host))}`,
    `Worktree: ${codeSpan(attempt.worktree)}${attempt.host ? ' (the result, fetched back)' : ''}`,
    `Thread: ${attempt.threadId ? codeSpan(attempt.threadId) : '—'}`,
    `Tokens: ${formatTokens(t.total)} total · ${t.input.toLocaleString('en-US')} in · ${t.cachedInput.toLocaleString('en-US')} cached · ${t.output.toLocaleString('en-US')} out`,
    `Started: ${escapeMarkdown(formatTimestamp(attempt.startedAt))}${elapsed !== null ? ` (${humanizeElapsed(elapsed)})` : ''}`,
  ];
  if (extras.cost) lines.push(`Cost: ${escapeMarkdown(extras.cost)}`);
  if (attempt.model || attempt.demoModel) {
    const model = attempt.model ? codeSpan(attempt.model) : 'default model';
    // The demo model answers whatever Codex names it: "gpt-5.5" beside it would claim a model that never ran.
    lines.push(attempt.demoModel ? 'Model: Quartet demo model (offline, scripted)' : `Model: ${model}`);
  }
  if (attempt.retries > 0) lines.push(`Retries: ${attempt.retries}`);
  if (attempt.pending) lines.push(...pendingTooltipLines(attempt.pending));
  if (attempt.lastEvent) lines.push(`Last event: ${escapeMarkdown(oneLine(attempt.lastEvent, 400))}`);
  if (attempt.lastError) lines.push(`Last error: ${escapeMarkdown(oneLine(attempt.lastError, 600))}`);
  const why = attempt.reason ? REASON_TEXT[attempt.reason] : undefined;
  if (why) lines.push(`Why: ${escapeMarkdown(why)}`);
  // Two trailing spaces make each line a hard break in markdown.
  return lines.join('  \n');
}
