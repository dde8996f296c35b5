// Reads Linear's rate-limit headers into a wait time for `tracker_rate_limited` errors (GitHub's: src/core/github/rateLimit.ts).

type HeaderGet = (name: string) => string | null | undefined;

/** Epoch values above this are milliseconds (what Linear sends), below it seconds. */
const MS_EPOCH_THRESHOLD = 1e12;

function epochToWait(raw: string | null | undefined, now: number): number | null {
  const n = Number(raw);
  if (!raw || !Number.isFinite(n) || n <= 0) return null;
  const at = n > MS_EPOCH_THRESHOLD ? n : n * 1000;
  return Math.max(0, Math.round(at - now));
}

/**
 * How long to wait before the next request, or null when the headers say nothing:
 * `retry-after` (seconds or an HTTP date) first, then the reset instant of an exhausted budget
 * (`x-ratelimit-requests-reset`, or `x-ratelimit-complexity-reset`).
 */
export function retryAfterMsFromHeaders(get: HeaderGet, now = Date.now()): number | null {
  const retryAfter = get('retry-after');
  if (retryAfter) {
    const secs = Number(retryAfter);
    if (Number.isFinite(secs) && secs >= 0) return Math.round(secs * 1000);
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - now);
  }
  for (const budget of ['requests', 'complexity']) {
    if (get(`x-ratelimit-${budget}-remaining`) !== '0') continue;
    const wait = epochToWait(get(`x-ratelimit-${budget}-reset`), now);
    if (wait !== null) return wait;
  }
  return null;
}

/** When Linear names no time: a minute, as GitHub advises for its secondary limits. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 60_000;
