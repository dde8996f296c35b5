// The one GitHub client factory (land, PR close, tracker, github_api tool): Octokit with throttling and retry, typed errors.

import { Octokit } from '@octokit/rest';
import { throttling } from '@octokit/plugin-throttling';
import { retry } from '@octokit/plugin-retry';
import { GithubError, withoutSecret } from './errors';
import { toGithubError } from './requestError';
import { retryOptions, serverErrorPolicy, throttleOptions, type Clock, type RetryTuning } from './retryPolicy';
import { systemClock } from '../execution/clock';
import { endpointProblem } from '../config/endpointPolicy';

export { type Clock } from './retryPolicy';

export const DEFAULT_GITHUB_API = 'https://api.github.com';
/** Pinned so a GitHub-side default change cannot alter the shapes we read. */
export const GITHUB_API_VERSION = '2022-11-28';

// serverErrorPolicy sits between the two so its error hook decides before the retry plugin's.
const QuartetOctokit = Octokit.plugin(throttling, serverErrorPolicy, retry);
export type GithubClient = InstanceType<typeof QuartetOctokit>;

export interface GithubClientOptions {
  token: string;
  /** REST API root; default https://api.github.com (GitHub Enterprise: https://HOST/api/v3; tests: the fake's loopback URL). */
  baseUrl?: string;
  userAgent?: string;
  /** Rate-limit waits and 5xx backoffs (tests pass one whose sleeps return at once). */
  clock?: Clock;
  /** Longest rate-limit wait worth retrying after; a later reset fails at once with `github_rate_limited` (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** Rate-limited retries of one request (default 1). */
  maxRateLimitRetries?: number;
  /** Retries of a GET that got a 5xx (default 2); writes and 4xx answers are never retried. */
  serverErrorRetries?: number;
  /** Per attempt: each retry gets its own. Default 30 s. */
  requestTimeoutMs?: number;
  /** Told before each rate-limit wait (the land logs it). */
  onRateLimit?: (waitMs: number, resetAt: Date) => void;
  /** Every final response's headers, errors included (the tracker keeps the rate-limit ones for `rate_limits`). */
  onHeaders?: (get: (name: string) => string | undefined) => void;
  /** Octokit's warnings (deprecations), token removed; everything else it would log is reported through GithubError. */
  log?: (line: string) => void;
}

/**
 * A client whose every failure is a GithubError. Throws `github_endpoint` at once for a base URL a token may not
 * go to (endpointPolicy: https, or http to loopback only); whether the host is trusted is the caller's decision.
 */
export function createGithubClient(o: GithubClientOptions): GithubClient {
  const clock = o.clock ?? systemClock;
  const timeoutMs = o.requestTimeoutMs ?? 30_000;
  const baseUrl = (o.baseUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
  // The token rides on every request: never over plain http off this machine.
  const problem = endpointProblem(baseUrl);
  if (problem)
    throw new GithubError(
      `GitHub API URL ${problem}; fix quartet.github.apiUrl (or tracker.provider.endpoint).`,
      'github_endpoint',
    );
  const tuning: RetryTuning = {
    clock,
    maxRateLimitWaitMs: o.maxRateLimitWaitMs ?? 60_000,
    maxRateLimitRetries: o.maxRateLimitRetries ?? 1,
    serverErrorRetries: o.serverErrorRetries ?? 2,
    onRateLimit: o.onRateLimit,
  };
  const quiet = (): void => undefined;
  // A fresh timeout per fetch, so a retry is not cut short by the first attempt's clock.
  const timedFetch = (url: string | URL, init: RequestInit = {}): Promise<Response> =>
    fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
  const octokit = new QuartetOctokit({
    auth: o.token,
    baseUrl,
    userAgent: o.userAgent ?? 'quartet',
    request: { fetch: timedFetch },
    throttle: throttleOptions(tuning, baseUrl),
    retry: retryOptions(tuning),
    quartetRetry: tuning,
    // Octokit logs every failed request to the console; failures reach callers as GithubError instead.
    log: { debug: quiet, info: quiet, warn: (m: string) => o.log?.(withoutSecret(m, o.token)), error: quiet },
  });
  // Registered last, so it is the outermost layer: it sees the final outcome after every retry.
  octokit.hook.wrap('request', async (request, options) => {
    // Octokit hands each call the client's shared `request` defaults; the plugins keep per-call counters there.
    options.request = { ...options.request };
    options.headers = { 'x-github-api-version': GITHUB_API_VERSION, ...options.headers };
    try {
      const res = await request(options);
      o.onHeaders?.(headerReader(res.headers));
      return res;
    } catch (err) {
      const headers = (err as { response?: { headers?: Record<string, unknown> } }).response?.headers;
      if (headers) o.onHeaders?.(headerReader(headers));
      throw toGithubError(err, {
        what: describe(octokit, options, baseUrl),
        token: o.token,
        nowMs: clock.now(),
        timeoutMs,
      });
    }
  });
  return octokit;
}

function headerReader(headers: Record<string, unknown>): (name: string) => string | undefined {
  return (name) => {
    const v = headers[name.toLowerCase()];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
  };
}

/** `GET /repos/o/r/pulls/7`: the method and the expanded path under the API root, without the query. */
function describe(
  octokit: GithubClient,
  options: Parameters<GithubClient['request']['endpoint']['parse']>[0],
  baseUrl: string,
): string {
  try {
    const { method, url } = octokit.request.endpoint.parse(options);
    const u = new URL(url);
    const root = new URL(baseUrl).pathname.replace(/\/+$/, '');
    const path =
      u.origin === new URL(baseUrl).origin && u.pathname.startsWith(root)
        ? u.pathname.slice(root.length) || '/'
        : `${u.origin}${u.pathname}`;
    return `${method} ${decodeURIComponent(path)}`;
  } catch {
    return `${options.method} ${String(options.url)}`;
  }
}
