// Reads one attempt's journal (JSONL of JournalRecord) into evidence occurrences, each pointing at its line.

import type { AgentEvent, JournalRecord } from '../../shared/events';
import { shortCommand } from '../observability/humanize';
import { errorLines, normalizeVolatile } from './scrub';
import type { EvidenceKind, EvidenceRef } from '../contract/distill';

export interface Occurrence {
  kind: EvidenceKind;
  /** Normalized signature: occurrences with the same key are the same problem. */
  key: string;
  /** Scrubbed, human-readable summary. */
  title: string;
  /** Scrubbed sample lines (the error text as it appeared). */
  lines: string[];
  /**
   * Rough price of one occurrence: a failing command ~2 (+ up to 3 for slow ones), a lost attempt 3,
   * a declined approval 1.5, wasted tokens 1 per 20k. Only the order it produces matters.
   */
  cost: number;
  ref: EvidenceRef;
}

export interface ScanOptions {
  attemptId: string;
  journal: string;
  scrub(text: string): string;
  /** Tokens spent after the last file change (or with none) before an unfinished attempt counts as "no progress". */
  noProgressTokens: number;
}

const TIMEOUT_REASONS = new Set(['stall_timeout', 'turn_timeout', 'read_timeout', 'looping', 'budget']);
/** Outcomes that say nothing about the agent: a person or a restart ended it. */
const NOT_AGENT = new Set([
  'stopped_by_user',
  'supervisor_restart',
  'canceled_by_reconciliation',
  'journal_failed',
  'outraced',
]);
const DECLINED = /^(decline|cancel|denied|abort)/i;

type Located = { event: AgentEvent; seq: number; line: number };

function parseLines(text: string): Located[] {
  const out: Located[] = [];
  text.split('\n').forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const rec = JSON.parse(raw) as JournalRecord;
      if (rec.kind === 'event' && rec.event && typeof rec.event.type === 'string')
        out.push({ event: rec.event, seq: rec.seq, line: i + 1 });
    } catch {
      // A torn last line after a crash; the rest of the journal is still evidence.
    }
  });
  return out;
}

const key = (kind: EvidenceKind, text: string): string => `${kind}|${normalizeVolatile(text).toLowerCase()}`;

/** Every occurrence in one journal's text, in journal order. */
export function scanJournal(text: string, opts: ScanOptions): Occurrence[] {
  const { scrub } = opts;
  const out: Occurrence[] = [];
  const at = (l: Located): EvidenceRef => ({
    attemptId: opts.attemptId,
    journal: opts.journal,
    seq: l.seq,
    line: l.line,
  });
  const requested = new Map<string, string>();
  const threadTotals = new Map<string, number>();
  let tokens = 0;
  let tokensAtProgress = 0;
  let progressed = false;
  let finished = false;
  let lastTokens: Located | null = null;

  for (const l of parseLines(text)) {
    const e = l.event;
    if (
      e.type === 'command' &&
      e.status !== 'declined' &&
      (e.status === 'failed' || (e.exitCode !== null && e.exitCode !== 0))
    ) {
      const command = scrub(shortCommand(e.command));
      const lines = errorLines(scrub(e.outputTail));
      const seconds = (e.durationMs ?? 0) / 1000;
      out.push({
        kind: 'failing_command',
        key: key('failing_command', lines[0] ?? command),
        title: `\`${command}\` exited ${e.exitCode ?? '?'}`,
        lines,
        cost: 2 + Math.min(seconds / 30, 3),
        ref: at(l),
      });
    } else if (e.type === 'approval_requested') {
      requested.set(e.pendingId, scrub(e.summary));
    } else if (e.type === 'approval_resolved' && e.by !== 'stop' && DECLINED.test(e.decision)) {
      const summary = requested.get(e.pendingId) ?? `request ${e.pendingId}`;
      out.push({
        kind: 'approval_declined',
        key: key('approval_declined', summary),
        title: `${e.by} declined: ${summary}`,
        lines: [],
        cost: 1.5,
        ref: at(l),
      });
    } else if (e.type === 'error' && !e.willRetry) {
      const lines = errorLines(scrub(e.message), 2);
      out.push({
        kind: 'agent_error',
        key: key('agent_error', lines[0] ?? ''),
        title: `Codex error${e.codexErrorInfo ? ` (${e.codexErrorInfo})` : ''}`,
        lines,
        cost: 2,
        ref: at(l),
      });
    } else if (e.type === 'phase') {
      if (e.phase === 'finished') finished = true;
      if ((e.phase !== 'failed' && e.phase !== 'stalled') || (e.reason && NOT_AGENT.has(e.reason))) continue;
      const kind: EvidenceKind =
        e.phase === 'stalled' || (e.reason !== null && TIMEOUT_REASONS.has(e.reason)) ? 'stall' : 'attempt_failed';
      const message = scrub(e.message ?? '');
      out.push({
        kind,
        key: key(kind, `${e.phase} ${e.reason ?? ''} ${message}`),
        title: `${e.phase}${e.reason ? ` (${e.reason})` : ''}`,
        lines: message ? [message] : [],
        cost: 3,
        ref: at(l),
      });
    } else if (e.type === 'pr_feedback' && !e.skipped) {
      // Skipped feedback (an author without write access) is untrusted text: never evidence for a skill.
      out.push(prOccurrence(e, scrub, at(l)));
    } else if (e.type === 'tokens') {
      // Each thread reports its own running total; an attempt's spend is the sum of the latest of each.
      threadTotals.set(e.threadId, e.totals.total);
      tokens = [...threadTotals.values()].reduce((a, b) => a + b, 0);
      lastTokens = l;
    } else if ((e.type === 'file_change' && e.status === 'completed') || e.type === 'committed') {
      progressed = true;
      tokensAtProgress = tokens;
    }
  }

  const wasted = tokens - tokensAtProgress;
  if (!finished && lastTokens && wasted >= opts.noProgressTokens) {
    const title = progressed
      ? `${wasted} tokens after the last file change, then no result`
      : `${wasted} tokens without changing a file`;
    out.push({
      kind: 'no_progress',
      key: `no_progress|${progressed ? 'after-change' : 'no-change'}`,
      title,
      lines: [],
      cost: Math.min(wasted / 20_000, 5),
      ref: at(lastTokens),
    });
  }
  return out;
}

/**
 * A reviewer's note or a failed check on a land's PR. Reviews group by what they say (the same remark on two PRs is
 * one theme); failed checks by check name and first error line. A person wrote a review: it weighs more.
 */
function prOccurrence(
  e: Extract<AgentEvent, { type: 'pr_feedback' }>,
  scrub: (t: string) => string,
  ref: EvidenceRef,
): Occurrence {
  const body = scrub(e.body).trim();
  const withUrl: EvidenceRef = {
    ...ref,
    url: e.url,
    note:
      e.kind === 'check_failed'
        ? `PR #${e.pr} check ${e.check ?? ''}`.trim()
        : `PR #${e.pr} ${e.kind === 'review' ? 'review' : 'review comment'}`,
  };
  if (e.kind === 'check_failed') {
    // A check's output starts with its title ("1 check failed"), which names no error: the details say what failed.
    const details = body.split('\n').slice(1).join('\n');
    const lines = details.trim() ? errorLines(details) : errorLines(body);
    const check = scrub(e.check ?? 'check');
    return {
      kind: 'pr_check_failed',
      key: key('pr_check_failed', `${check} ${lines[0] ?? ''}`),
      title: `PR check ${check} failed`,
      lines,
      cost: 2,
      ref: withUrl,
    };
  }
  const lines = body
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter(Boolean)
    .slice(0, 3)
    .map((x) => (x.length > 300 ? `${x.slice(0, 299)}…` : x));
  const where = e.path ? ` on ${scrub(e.path)}` : '';
  return {
    kind: 'pr_review',
    key: key('pr_review', lines[0] ?? ''),
    title: `reviewer asked${where}: ${lines[0] ?? '(no text)'}`.slice(0, 200),
    lines,
    cost: 2.5,
    ref: withUrl,
  };
}
