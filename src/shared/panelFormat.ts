// Short human formats for the panel: durations, money, clock times, one-line clips (token counts: tokenFormat.ts).

export function formatDuration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/** Dollars with enough digits to tell small estimates apart. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(4)}`;
  if (usd < 10) return `$${usd.toFixed(2)}`;
  return `$${usd.toFixed(0)}`;
}

/** `HH:MM:SS` of an ISO timestamp in local time; the raw string if it does not parse. */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso.slice(0, 19);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

export function parseTime(iso: string | null): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

/** Wall time of an attempt: start → end, or start → now while it runs. */
export function elapsedMs(startedAt: string | null, endedAt: string | null, now: number): number | null {
  const start = parseTime(startedAt);
  if (start === null) return null;
  return Math.max(0, (parseTime(endedAt) ?? now) - start);
}

/** One line, whitespace collapsed, clipped with an ellipsis. */
export function clipLine(text: string, max: number): string {
  const one = text.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Removes ANSI escape sequences (colors, cursor moves) from terminal output. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '');
}

/** The command inside Codex's `/bin/bash -lc "…"` wrapper. */
export function unwrapShell(command: string): string {
  const m = /^\S*(?:bash|sh|zsh)\s+-l?c\s+(["'])([\s\S]*)\1$/.exec(command.trim());
  return m ? (m[2] as string).replace(/\\"/g, '"') : command;
}
