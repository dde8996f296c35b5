// The tracker's latest rate-limit headers (GitHub, Linear), kept per source for SPEC §13.7 `rate_limits`.

import type { TrackerRateLimits } from '../../shared/autopilot';

type Get = (name: string) => string | null | undefined;

const num = (v: string | null | undefined): number | null => {
  if (v === null || v === undefined || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
};

/** Epoch seconds (GitHub) or milliseconds (Linear) as an ISO time. */
function resetAt(v: string | null | undefined): string | null {
  const n = num(v);
  if (n === null || n <= 0) return null;
  return new Date(n > 1e12 ? n : n * 1000).toISOString();
}

/** GitHub: `x-ratelimit-{limit,remaining,used,reset,resource}`; null when the response carried none. */
export function githubRateLimits(get: Get, now: Date): TrackerRateLimits | null {
  if (get('x-ratelimit-limit') == null && get('x-ratelimit-remaining') == null) return null;
  const bucket = {
    limit: num(get('x-ratelimit-limit')),
    remaining: num(get('x-ratelimit-remaining')),
    used: num(get('x-ratelimit-used')),
    resetAt: resetAt(get('x-ratelimit-reset')),
  };
  return {
    provider: 'github',
    observedAt: now.toISOString(),
    buckets: { [get('x-ratelimit-resource') || 'core']: bucket },
  };
}

/** Linear: `x-ratelimit-requests-*` and `x-ratelimit-complexity-*` (limit, remaining, reset in ms); null when absent. */
export function linearRateLimits(get: Get, now: Date): TrackerRateLimits | null {
  const buckets: TrackerRateLimits['buckets'] = {};
  for (const name of ['requests', 'complexity']) {
    const limit = num(get(`x-ratelimit-${name}-limit`));
    const remaining = num(get(`x-ratelimit-${name}-remaining`));
    if (limit === null && remaining === null) continue;
    buckets[name] = {
      limit,
      remaining,
      used: limit !== null && remaining !== null ? limit - remaining : null,
      resetAt: resetAt(get(`x-ratelimit-${name}-reset`)),
    };
  }
  return Object.keys(buckets).length ? { provider: 'linear', observedAt: now.toISOString(), buckets } : null;
}

/** One per tracker source: every response offers its headers, the latest that carried any is kept. */
export class RateLimitRecorder {
  private last: TrackerRateLimits | null = null;

  constructor(
    private readonly parse: (get: Get, now: Date) => TrackerRateLimits | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  observe(get: Get): void {
    this.last = this.parse(get, this.now()) ?? this.last;
  }

  latest(): TrackerRateLimits | null {
    return this.last;
  }
}
