// Reads provider rate-limit headers (GitHub and Linear) into a wait time for `tracker_rate_limited` errors.

type HeaderGet = (name: string) => string | null | undefined;

/** Epoch values above this are milliseconds (Linear), below it seconds (GitHub). */
const MS_EPOCH_THRESHOLD = 1e12;

function epochToWait(raw: string | null | undefined, now: number): number | null {
  const n = Number(raw);
  if (!raw || !Number.isFinite(n) || n <= 0) return null;
  const at = n > MS_EPOCH_THRESHOLD ? n : n * 1000;
  return Math.max(0, Math.round(at - now));
}

/**
 * How long to wait before the next request, or null when the headers say nothing:
 * `retry-after` (seconds or an HTTP date) first, then a reset instant whose budget is exhausted
 * (`x-ratelimit-reset` for GitHub, `x-ratelimit-requests-reset` for Linear).
 */
export function retryAfterMsFromHeaders(get: HeaderGet, now = Date.now()): number | null {
  const retryAfter = get('retry-after');
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  if (get('x-ratelimit-remaining') === '0') {
    const wait = epochToWait(get('x-ratelimit-reset'), now);
    if (wait !== null) return wait;
  }
  if (get('x-ratelimit-requests-remaining') === '0' || get('x-ratelimit-complexity-remaining') === '0') {
    const wait = epochToWait(get('x-ratelimit-requests-reset') ?? get('x-ratelimit-complexity-reset'), now);
    if (wait !== null) return wait;
  }
  return null;
}

/** GitHub's advice for a secondary rate limit without headers, reused as the generic fallback. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
