// The one short form of a token count, shared by the panel, the tree, the CLI, the scorecard and PR text.

/** `850`, `1.2k`, `1.5k`, `61k`, `1.2M`, `12M`: one decimal only while it still carries information. */
export function formatTokens(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '0';
  if (n < 1000) return String(Math.round(n));
  if (n < 10_000) return `${trimZero((n / 1000).toFixed(1))}k`;
  // 999,600 would round to "1000k"; from there on it reads as millions.
  if (n < 999_500) return `${Math.round(n / 1000)}k`;
  if (n < 10_000_000) return `${trimZero((n / 1_000_000).toFixed(1))}M`;
  return `${Math.round(n / 1_000_000)}M`;
}

function trimZero(s: string): string {
  return s.endsWith('.0') ? s.slice(0, -2) : s;
}
