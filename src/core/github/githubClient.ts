// The Octokit factory: base URL, token, user agent, a per-request timeout, and rate-limit waits with typed errors.

import { Octokit } from '@octokit/rest';
import { GithubError, withoutSecret, type GithubErrorReason } from './errors';
import { rateLimitWait } from './rateLimit';
import { endpointProblem } from '../tracker/endpointPolicy';
import { systemClock, type Clock } from '../execution/clock';

export const DEFAULT_GITHUB_API = 'https://api.github.com';

export interface GithubClientOptions {
  token: string;
  baseUrl?: string;
  userAgent?: string;
  clock?: Clock;
  /** Longest wait for a rate limit before giving up with `github_rate_limited` (default 60 s). */
  maxRateLimitWaitMs?: number;
  /** Rate-limited retries of one request (default 3). */
  maxRateLimitRetries?: number;
  requestTimeoutMs?: number;
  /** Told before each rate-limit wait (the land shows it as a step detail). */
  onRateLimit?: (waitMs: number, resetAt: Date) => void;
  log?: (line: string) => void;
}

interface HttpErrorLike {
  name: string;
  status: number;
  message: string;
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown };
}

function isHttpError(err: unknown): err is HttpErrorLike {
  return err instanceof Error && err.name === 'HttpError' && typeof (err as { status?: unknown }).status === 'number';
}

const REASON_BY_STATUS: Record<number, GithubErrorReason> = { 401: 'github_auth', 403: 'github_forbidden', 404: 'github_not_found', 422: 'github_validation' };

/** GitHub's own message, plus the `errors[].message` details a 422 carries. */
export function githubMessage(data: unknown): string {
  const d = (data ?? {}) as { message?: unknown; errors?: unknown };
  const main = typeof d.message === 'string' ? d.message : '';
  const details = Array.isArray(d.errors)
    ? d.errors.map((e) => (typeof e === 'string' ? e : typeof (e as { message?: unknown }).message === 'string' ? (e as { message: string }).message : '')).filter(Boolean)
    : [];
  return [main, ...details].filter(Boolean).join(': ');
}

export function createGithubClient(o: GithubClientOptions): Octokit {
  const clock = o.clock ?? systemClock;
  const maxWait = o.maxRateLimitWaitMs ?? 60_000;
  const maxRetries = o.maxRateLimitRetries ?? 3;
  const timeoutMs = o.requestTimeoutMs ?? 30_000;
  const quiet = (): void => undefined;
  const baseUrl = (o.baseUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
  // The token rides on every request: never over plain http off this machine.
  const problem = endpointProblem(baseUrl);
  if (problem) throw new GithubError(`GitHub API URL ${problem}; fix quartet.github.apiUrl.`, 'github_validation');
  const octokit = new Octokit({
    auth: o.token,
    baseUrl,
    userAgent: o.userAgent ?? 'quartet',
    // Octokit logs every request; the land reports its own steps instead.
    log: { debug: quiet, info: quiet, warn: (m: string) => o.log?.(withoutSecret(m, o.token)), error: quiet },
  });
  octokit.hook.wrap('request', async (request, options) => {
    const what = `${options.method} ${String(options.url)}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request({ ...options, request: { ...options.request, signal: AbortSignal.timeout(timeoutMs) } });
      } catch (err) {
        if (!isHttpError(err)) throw err;
        const message = githubMessage(err.response?.data) || err.message;
        const wait = rateLimitWait(err.status, err.response?.headers ?? {}, message, clock.now());
        if (wait) {
          if (wait.waitMs <= maxWait && attempt < maxRetries) {
            o.onRateLimit?.(wait.waitMs, wait.resetAt);
            await clock.sleep(wait.waitMs);
            continue;
          }
          throw new GithubError(`GitHub rate limit reached (${what}); it resets at ${wait.resetAt.toISOString()}`, 'github_rate_limited', { status: err.status, resetAt: wait.resetAt.toISOString() });
        }
        if (!err.response) throw new GithubError(withoutSecret(`could not reach GitHub (${what}): ${err.message}`, o.token), 'github_network');
        const reason = REASON_BY_STATUS[err.status] ?? 'github_http';
        const hint = err.status === 401 ? ' — the token is missing, expired or wrong' : '';
        throw new GithubError(withoutSecret(`GitHub answered ${err.status} to ${what}: ${message}${hint}`, o.token), reason, { status: err.status });
      }
    }
  });
  return octokit;
}
