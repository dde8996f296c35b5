// Turns what an Octokit request threw (an HTTP answer, a refused connection, a timeout) into a GithubError.

import { GithubError, githubMessage, withoutSecret, type GithubErrorReason } from './errors';
import { rateLimitOf } from './rateLimit';

interface RequestErrorLike {
  status?: unknown;
  message?: unknown;
  cause?: { name?: unknown; message?: unknown };
  response?: { status: number; headers?: Record<string, string | number | undefined>; data?: unknown };
}

export interface RequestContext {
  /** `GET /repos/o/r/pulls/7`: what the message names. */
  what: string;
  token: string | null;
  nowMs: number;
  timeoutMs: number;
}

const REASON_BY_STATUS: Record<number, GithubErrorReason> = {
  401: 'github_auth',
  403: 'github_forbidden',
  404: 'github_not_found',
  422: 'github_validation',
};

/** "in 40 s" / "in 3 min", so a person knows at once whether to wait. */
function inWords(ms: number): string {
  return ms < 90_000 ? `in ${Math.ceil(ms / 1000)} s` : `in about ${Math.round(ms / 60_000)} min`;
}

export function toGithubError(err: unknown, c: RequestContext): GithubError {
  if (err instanceof GithubError) return err;
  const clean = (text: string): string => withoutSecret(text, c.token);
  const e = (err ?? {}) as RequestErrorLike;
  const res = e.response;
  if (typeof e.status !== 'number' || !res) {
    // Octokit reports transport failures (refused, DNS, TLS, timeout) as status 500 *without* a response.
    const timedOut = e.cause?.name === 'TimeoutError' || (err as { name?: unknown })?.name === 'TimeoutError';
    const why = clean(
      timedOut
        ? `no answer within ${c.timeoutMs % 1000 === 0 ? `${c.timeoutMs / 1000} s` : `${c.timeoutMs} ms`}`
        : String(e.message ?? err),
    );
    return new GithubError(`could not reach GitHub (${c.what}): ${why}`, 'github_network', { why });
  }
  const headers = res.headers ?? {};
  const why = clean(githubMessage(res.data) || String(e.message ?? ''));
  const answer = { status: res.status, headers, data: res.data };
  const limit = rateLimitOf(res.status, headers, why, c.nowMs);
  if (limit) {
    const resetAt = limit.resetAt.toISOString();
    return new GithubError(
      `GitHub rate limit reached (${c.what}); it resets at ${resetAt} (${inWords(limit.retryAfterMs)})`,
      'github_rate_limited',
      { status: res.status, resetAt, retryAfterMs: limit.retryAfterMs, why },
      answer,
    );
  }
  const hint = res.status === 401 ? ' — the token is missing, expired or wrong' : '';
  return new GithubError(
    `GitHub answered ${res.status} to ${c.what}${why ? `: ${why}` : ''}${hint}`,
    REASON_BY_STATUS[res.status] ?? 'github_http',
    { status: res.status, why },
    answer,
  );
}
