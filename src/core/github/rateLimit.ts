// GitHub rate limits (pure): read the x-ratelimit-* headers and decide how long a 403/429 asks us to wait.

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

export interface RateLimitWait {
  waitMs: number;
  resetAt: Date;
  kind: 'primary' | 'secondary';
}

/**
 * How long a 403 or 429 asks us to wait, or null when it is not a rate limit (a 403 can also mean
 * "no permission"). Order per GitHub's docs: `retry-after`, then `x-ratelimit-remaining: 0` with
 * `x-ratelimit-reset`, then a message naming a secondary rate limit (a minute).
 */
export function rateLimitWait(status: number, headers: Headers, message: string, nowMs: number): RateLimitWait | null {
  if (status !== 403 && status !== 429) return null;
  const retryAfter = num(headers['retry-after']);
  if (retryAfter !== null) return at(nowMs + Math.max(0, retryAfter) * 1000, nowMs, 'secondary');
  const info = parseRateLimit(headers);
  if (info.remaining === 0 && info.reset !== null) return at(info.reset * 1000, nowMs, 'primary');
  if (/secondary rate limit|abuse detection/i.test(message)) return at(nowMs + SECONDARY_DEFAULT_WAIT_MS, nowMs, 'secondary');
  if (status === 429 || (info.remaining === 0 && /rate limit/i.test(message))) return at(nowMs + SECONDARY_DEFAULT_WAIT_MS, nowMs, 'primary');
  return null;
}

function at(resetMs: number, nowMs: number, kind: RateLimitWait['kind']): RateLimitWait {
  // A little slack: the reset time has one-second granularity and clocks differ.
  const waitMs = Math.max(0, resetMs - nowMs) + 250;
  return { waitMs, resetAt: new Date(resetMs), kind };
}
