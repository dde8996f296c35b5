// When a GitHub call is tried again: a short rate limit once (throttling plugin), a 5xx on a read twice (retry plugin).

import type { Octokit, OctokitOptions } from '@octokit/core';
import type { ThrottlingOptions } from '@octokit/plugin-throttling';
import type { RetryOptions } from '@octokit/plugin-retry';
import { isLoopbackHost } from '../config/endpointPolicy';

import type { Clock as FullClock } from '../execution/clock';

/** The part of the one Clock (execution/clock.ts) a GitHub call needs: tests need not wait out rate limits and backoffs. */
export type Clock = Pick<FullClock, 'now' | 'sleep'>;

export interface RetryTuning {
  clock: Clock;
  /** A rate limit that lifts later than this fails at once with `github_rate_limited`. */
  maxRateLimitWaitMs: number;
  /** Rate-limited retries of one request. */
  maxRateLimitRetries: number;
  /** Retries of a read that got a 5xx answer. */
  serverErrorRetries: number;
  onRateLimit?: (waitMs: number, resetAt: Date) => void;
}

type Group = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>['write']>;

/** A throttling group that runs each job at once. */
const UNPACED = {
  key: () => ({ schedule: (_job: unknown, run: (...a: unknown[]) => unknown, ...args: unknown[]) => run(...args) }),
} as unknown as Group;

/**
 * The throttling plugin's options. The wait itself happens in our handler, on the injectable clock (the plugin
 * then retries after `retryAfterBaseValue` 0 ms), so the land can report it first and tests need not sleep.
 */
export function throttleOptions(t: RetryTuning, baseUrl: string): ThrottlingOptions {
  const onLimit = async (
    retryAfterS: number,
    _req: unknown,
    _octokit: unknown,
    retryCount: number,
  ): Promise<boolean> => {
    const waitMs = Math.max(0, retryAfterS) * 1000;
    // An interactive tool fails fast: one retry, and only when the limit lifts soon.
    if (retryCount >= t.maxRateLimitRetries || waitMs > t.maxRateLimitWaitMs) return false;
    t.onRateLimit?.(waitMs, new Date(t.clock.now() + waitMs));
    await t.clock.sleep(waitMs);
    return true;
  };
  // The plugin spaces writes (1 s, 3 s for notifying ones) against GitHub's secondary limits; a loopback API
  // (the tests' fake GitHub) has no such limits, and spacing there would only make every test slower.
  const loopback = isLoopbackHost(new URL(baseUrl).hostname);
  return {
    onRateLimit: onLimit,
    onSecondaryRateLimit: onLimit,
    retryAfterBaseValue: 0,
    ...(loopback ? { write: UNPACED, notifications: UNPACED, search: UNPACED } : {}),
  };
}

/** Every 4xx: a client error is an answer, never worth repeating (rate limits are the throttling plugin's). */
const ALL_4XX = Array.from({ length: 100 }, (_, i) => 400 + i);

export function retryOptions(t: RetryTuning): RetryOptions {
  return { retries: t.serverErrorRetries, retryAfterBaseValue: 0, doNotRetry: ALL_4XX };
}

/** Only reads are repeated: GitHub's PUTs (merge) and DELETEs (branch) act, and a 502 may hide one that worked. */
const READS = new Set(['GET', 'HEAD']);

/**
 * A plugin between throttling and retry (its error hook runs before the retry plugin's): a request that is not a
 * read, got no answer (refused, timed out: trying again would only double the wait) or got anything but a 5xx is
 * not retried; a read that will be waits 1 s, then 4 s, on the clock.
 */
export function serverErrorPolicy(octokit: Octokit, options: OctokitOptions): Record<string, never> {
  const t = options.quartetRetry as RetryTuning | undefined;
  octokit.hook.error('request', async (error, req) => {
    const e = error as { status?: unknown; response?: unknown };
    const attempt = Number(req.request?.retryCount ?? 0);
    const again =
      !!t &&
      READS.has(req.method) &&
      !!e.response &&
      typeof e.status === 'number' &&
      e.status >= 500 &&
      attempt < t.serverErrorRetries;
    if (again) await t.clock.sleep(1000 * (attempt + 1) ** 2);
    else if (req.request) req.request.retries = 0;
    throw error;
  });
  return {};
}
