// Humanized one-liners, filters and search over trace items (text only: the view never renders HTML).

import type { TraceFilter } from './protocol';
import { clipLine, formatDuration, unwrapShell } from './panelFormat';
import type { TraceItem } from './traceModel';
import { DEMO_PROVIDER_ID } from './demoProvider';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line a person can scan: what happened, and how it ended. */
export function describeItem(item: TraceItem): string {
  switch (item.kind) {
    case 'session':
      // The demo model answers under a real model's name; the person must not think a real model ran.
      if (item.provider === DEMO_PROVIDER_ID) return 'session started (offline demo model)';
      return `session started${item.model ? ` (${item.model})` : ''}`;
    case 'turn': {
      const diff = item.diff ? `, ${plural(item.diff.length, 'file')} changed` : '';
      return `turn ${item.turn}${item.status === 'inProgress' ? '' : `: ${item.status}`}${diff}`;
    }
    case 'turnEnd':
      return `turn ${item.turn} ${item.status}${item.error ? `: ${clipLine(item.error, 100)}` : ''}`;
    case 'command': {
      const cmd = clipLine(unwrapShell(item.command), 100);
      if (item.running) return `running ${cmd}`;
      if (item.status === 'declined') return `declined ${cmd}`;
      const exit = item.exitCode === null ? item.status : `exit ${item.exitCode}`;
      return `${cmd} (${exit}, ${formatDuration(item.durationMs)})`;
    }
    case 'patch':
      return `${item.status === 'completed' ? 'edited' : `patch ${item.status}:`} ${item.files
        .map((f) => f.path)
        .slice(0, 3)
        .join(', ')}${item.files.length > 3 ? ` +${item.files.length - 3} more` : ''}`;
    case 'message':
      return `said: ${clipLine(item.text, 140)}`;
    case 'userMessage':
      return `${item.fromUser ? 'you said' : `Quartet asked (${item.reason})`}: ${clipLine(item.text, 140)}`;
    case 'reasoning':
      return `thought: ${clipLine(item.text, 140)}`;
    case 'tool':
      return `tool ${item.tool} (${item.status})`;
    case 'approval':
      return item.decision
        ? `${item.approvalKind} ${item.decision} by ${item.by === 'policy' ? 'Quartet policy' : item.by === 'user' ? 'you' : 'stop'}: ${clipLine(item.summary, 100)}`
        : `waiting for you (${item.approvalKind}): ${clipLine(item.summary, 100)}`;
    case 'error':
      return `error${item.willRetry ? ' (retrying)' : ''}: ${clipLine(item.message, 140)}`;
    case 'warning':
      return `warning: ${clipLine(item.message, 140)}`;
    case 'phase':
      return `→ ${item.phase}${item.reason ? ` (${item.reason})` : ''}${item.message ? `: ${clipLine(item.message, 100)}` : ''}`;
    case 'stderr':
      return `stderr: ${clipLine(item.text, 140)}`;
    case 'malformed':
      return `malformed output: ${clipLine(item.reason, 100)}`;
    case 'commit':
      return `committed ${plural(item.files, 'file')} as ${item.commit.slice(0, 8)}: ${clipLine(item.message, 80)}`;
    case 'exit':
      return `Codex exited${item.code === null ? '' : ` with code ${item.code}`}${item.signal ? ` (${item.signal})` : ''}`;
    case 'checks':
      return `checks ${item.ok ? 'passed' : 'failed'}: ${clipLine(unwrapShell(item.command), 80)} (${item.exitCode === null ? 'no exit code' : `exit ${item.exitCode}`}, ${formatDuration(item.durationMs)})`;
    case 'landed':
      return `landed as ${item.commit.slice(0, 8)}${item.aside ? ` (aside on ${item.aside})` : ''}: ${clipLine(item.message, 80)}`;
    case 'archived':
      return `archived: ${clipLine(item.reason, 120)}`;
    case 'prFeedback': {
      const where = item.path ? ` on ${item.path}${item.line !== null ? `:${item.line}` : ''}` : '';
      const what =
        item.feedbackKind === 'check_failed'
          ? `check ${item.check ?? '?'} failed`
          : item.feedbackKind === 'review'
            ? `review by ${item.author}`
            : `review comment by ${item.author}${where}`;
      return `PR #${item.pr}: ${what}: ${clipLine(item.body, 100)}`;
    }
    case 'hook':
      return `hook ${item.name} ${item.ok ? 'passed' : 'failed'} (${item.timedOut ? 'timed out' : item.exitCode === null ? 'did not run' : `exit ${item.exitCode}`}, ${formatDuration(item.durationMs)})`;
  }
}

/** The text an item has to show when expanded (output tail, full message, files…), possibly empty. */
export function itemDetail(item: TraceItem): string {
  switch (item.kind) {
    case 'command':
      return `$ ${unwrapShell(item.command)}\n${item.outputTail}`;
    case 'patch':
      return item.files.map((f) => `${f.kind}\t${f.path}`).join('\n');
    case 'message':
    case 'userMessage':
    case 'reasoning':
    case 'stderr':
      return item.text;
    case 'error':
    case 'warning':
      return item.message;
    case 'turnEnd':
      return item.error ?? '';
    case 'turn':
      return item.diff ? item.diff.map((f) => `+${f.added} −${f.removed}\t${f.path}`).join('\n') : '';
    case 'approval':
      return item.summary;
    case 'malformed':
      return `${item.reason}\n${item.sample}`;
    case 'commit':
    case 'landed':
      return item.message;
    case 'checks':
      return `$ ${unwrapShell(item.command)}\n${item.outputTail}`;
    case 'hook':
      return item.output;
    case 'prFeedback':
      return `${item.url}\n${item.body}`;
    default:
      return '';
  }
}

export function matchesFilter(item: TraceItem, filter: TraceFilter): boolean {
  if (filter === 'commands') return item.kind === 'command';
  if (filter === 'errors') return item.failed;
  return true;
}

/** Case-insensitive search over the one-liner and the detail text. */
export function matchesSearch(item: TraceItem, needle: string): boolean {
  if (!needle) return true;
  const n = needle.toLowerCase();
  return describeItem(item).toLowerCase().includes(n) || itemDetail(item).toLowerCase().includes(n);
}

/** Indices of the items to show, in order. */
export function visibleIndices(items: readonly TraceItem[], filter: TraceFilter, search: string): number[] {
  const out: number[] = [];
  const needle = search.trim();
  for (const item of items) if (matchesFilter(item, filter) && matchesSearch(item, needle)) out.push(item.index);
  return out;
}
