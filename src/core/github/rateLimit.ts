// GitHub rate limits (pure): read the x-ratelimit-* headers and tell whether a 403/429 is a limit and when it lifts.

export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Epoch seconds at which the window resets. */
  reset: number | null;
  used: number | null;
  resource: string | null;
}

type Headers = Record<string, string | number | undefined>;

const num = (v: string | number | undefined): number | null => {
  if (v === undefined || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

export function parseRateLimit(headers: Headers): RateLimitInfo {
  return {
    limit: num(headers['x-ratelimit-limit']),
    remaining: num(headers['x-ratelimit-remaining']),
    reset: num(headers['x-ratelimit-reset']),
    used: num(headers['x-ratelimit-used']),
    resource: typeof headers['x-ratelimit-resource'] === 'string' ? headers['x-ratelimit-resource'] : null,
  };
}

/** GitHub's advice for a secondary limit that names no time: wait at least a minute. */
export const SECONDARY_DEFAULT_WAIT_MS = 60_000;

export interface RateLimit {
  /** From now until the limit lifts (0 when the reset already passed). */
  retryAfterMs: number;
  resetAt: Date;
  kind: 'primary' | 'secondary';
}

/** `retry-after` in seconds or as an HTTP date, as ms from now. */
function retryAfterMs(value: string | number | undefined, nowMs: number): number | null {
  const secs = num(value);
  if (secs !== null) return Math.max(0, secs) * 1000;
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : null;
}

/**
 * Whether a 403 or 429 is a rate limit, and until when; null when it is not (a 403 also means "no permission").
 * Order per GitHub's docs: `retry-after`, then `x-ratelimit-remaining: 0` with `x-ratelimit-reset`; without a
 * time, a minute for anything that says it is a limit (429, remaining 0, a "rate limit" / "abuse" message).
 */
export function rateLimitOf(status: number, headers: Headers, message: string, nowMs: number): RateLimit | null {
  if (status !== 403 && status !== 429) return null;
  const info = parseRateLimit(headers);
  const secondary = /secondary rate limit|abuse detection/i.test(message);
  const kind = info.remaining === 0 && !secondary ? 'primary' : 'secondary';
  const after = retryAfterMs(headers['retry-after'], nowMs);
  if (after !== null) return at(nowMs + after, nowMs, kind);
  if (info.remaining === 0 && info.reset !== null) return at(info.reset * 1000, nowMs, 'primary');
  if (status === 429 || info.remaining === 0 || /rate limit|abuse detection/i.test(message))
    return at(nowMs + SECONDARY_DEFAULT_WAIT_MS, nowMs, kind);
  return null;
}

function at(resetMs: number, nowMs: number, kind: RateLimit['kind']): RateLimit {
  return { retryAfterMs: Math.max(0, Math.round(resetMs - nowMs)), resetAt: new Date(Math.max(resetMs, nowMs)), kind };
}
