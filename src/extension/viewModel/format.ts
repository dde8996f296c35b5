// Pure text formatting shared by the tree, the status bar and tooltips: durations, markdown.

/** `12s`, `1m 12s`, `2h 5m`: short enough for a tree row, precise enough to see it tick. */
export function humanizeElapsed(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const totalMinutes = Math.floor(totalSeconds / 60);
  if (totalMinutes < 60) return `${totalMinutes}m ${totalSeconds % 60}s`;
  const hours = Math.floor(totalMinutes / 60);
  if (hours < 24) return `${hours}h ${totalMinutes % 60}m`;
  return `${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** Milliseconds an attempt has run (until it ended), or null before it started. */
export function elapsedMs(span: { startedAt: string | null; endedAt: string | null }, now: number): number | null {
  if (!span.startedAt) return null;
  const start = Date.parse(span.startedAt);
  if (Number.isNaN(start)) return null;
  const end = span.endedAt ? Date.parse(span.endedAt) : now;
  return Number.isNaN(end) ? null : Math.max(0, end - start);
}

/** `1 attempt`, `4 attempts`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** One line, at most `max` characters, ending in an ellipsis when cut. */
export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** Escapes text so markdown renders it literally (prompts and errors are untrusted). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);
}

/** A markdown code span that survives backticks inside the text. */
export function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A local time a person reads at a glance; the ISO string when it does not parse. */
export function formatTimestamp(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
