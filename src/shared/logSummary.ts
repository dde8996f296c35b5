// The log summary at the top of an attempt: what failed first, the final message, diffstat, totals.

import { combineDiffstat, type Diffstat } from './diffstat';
import { importantLines } from './failureLines';
import type { TokenTotals } from './model';
import { clipLine, parseTime, unwrapShell } from './panelFormat';
import type { TraceBuilder } from './traceBuilder';
import type { TraceItem } from './traceModel';

export interface FailureSummary {
  index: number;
  seq: number;
  at: string;
  /** `npm test (exit 1)`, `turn failed`, `error`… one line. */
  title: string;
  /** The lines that matter, from the output tail or the error text. */
  lines: string[];
  /** A later run of the same command exited 0. */
  fixedLater: boolean;
  /** How often this same failure happened (a test command failing on every try counts once, ×n). */
  times: number;
}

export interface LogSummary {
  /** Distinct failures in the order they first happened: the first is what failed first. */
  failures: FailureSummary[];
  /** How many failures there were in all (the list is capped). */
  failureCount: number;
  finalMessage: string | null;
  diffstat: Diffstat;
  tokens: TokenTotals;
  durationMs: number | null;
  commands: { total: number; failed: number };
}

export type SummaryInput = Pick<
  TraceBuilder,
  | 'items'
  | 'failedIndices'
  | 'lastMessageIndex'
  | 'fileKinds'
  | 'diffByTurn'
  | 'tokens'
  | 'firstAt'
  | 'lastAt'
  | 'commands'
>;

function laterPass(items: readonly TraceItem[], from: number, command: string): boolean {
  for (let i = from + 1; i < items.length; i++) {
    const it = items[i];
    if (it?.kind === 'command' && it.command === command && it.exitCode === 0) return true;
  }
  return false;
}

function describeFailure(items: readonly TraceItem[], item: TraceItem): FailureSummary {
  const base = { index: item.index, seq: item.seq, at: item.at, fixedLater: false, times: 1 };
  switch (item.kind) {
    case 'command':
      return {
        ...base,
        title: `${clipLine(unwrapShell(item.command), 100)} (exit ${item.exitCode ?? item.status})`,
        lines: importantLines(item.outputTail),
        fixedLater: laterPass(items, item.index, item.command),
      };
    case 'turnEnd':
      return { ...base, title: `turn ${item.status}`, lines: item.error ? importantLines(item.error, 4) : [] };
    case 'error':
      return {
        ...base,
        title: item.willRetry ? 'error (Codex retries)' : 'error',
        lines: importantLines(item.message, 4),
      };
    case 'phase':
      return {
        ...base,
        title: `attempt ${item.phase}${item.reason ? ` (${item.reason})` : ''}`,
        lines: item.message ? [clipLine(item.message, 240)] : [],
      };
    case 'malformed':
      return { ...base, title: 'malformed output from Codex', lines: [clipLine(item.reason, 240)] };
    case 'exit':
      return { ...base, title: `Codex exited with code ${item.code}`, lines: [] };
    case 'checks':
      // The supervisor already picked the lines that matter; fall back to ours on the tail.
      return {
        ...base,
        title: `checks: ${clipLine(unwrapShell(item.command), 100)} (exit ${item.exitCode ?? '?'})`,
        lines: item.summary.length ? item.summary.slice(0, 6) : importantLines(item.outputTail),
      };
    case 'patch':
      return { ...base, title: `patch ${item.status}`, lines: item.files.slice(0, 6).map((f) => f.path) };
    default:
      return { ...base, title: item.kind, lines: [] };
  }
}

/** Failures that are "the same" for the summary: one command line with one exit code, or one title. */
function failureKey(item: TraceItem): string {
  if (item.kind === 'command') return `command\n${item.command}\n${item.exitCode}`;
  if (item.kind === 'error') return `error\n${item.message}`;
  if (item.kind === 'checks') return `checks\n${item.command}\n${item.exitCode}`;
  return `${item.kind}\n${item.index}`;
}

export function summarize(trace: SummaryInput, maxFailures = 5): LogSummary {
  const { items } = trace;
  const failed = trace.failedIndices.map((i) => items[i]).filter((it): it is TraceItem => it !== undefined);
  const failedCommands = failed.filter((it) => it.kind === 'command').length;
  const groups = new Map<string, { first: TraceItem; times: number }>();
  for (const it of failed) {
    const key = failureKey(it);
    const g = groups.get(key);
    if (g) g.times++;
    else groups.set(key, { first: it, times: 1 });
  }
  const distinct = [...groups.values()];
  const start = parseTime(trace.firstAt);
  const end = parseTime(trace.lastAt);
  const last = items[trace.lastMessageIndex];
  return {
    failures: distinct.slice(0, maxFailures).map((g) => ({ ...describeFailure(items, g.first), times: g.times })),
    failureCount: failed.length,
    finalMessage: last?.kind === 'message' ? last.text : null,
    diffstat: combineDiffstat(trace.fileKinds, trace.diffByTurn),
    tokens: trace.tokens,
    durationMs: start !== null && end !== null ? end - start : null,
    commands: { total: trace.commands, failed: failedCommands },
  };
}
