// The one typed error of every GitHub call (land, PR close, tracker, github_api tool); messages never contain a token.

export type GithubErrorReason =
  | 'github_rate_limited'
  | 'github_auth'
  | 'github_forbidden'
  | 'github_not_found'
  | 'github_validation'
  | 'github_http'
  | 'github_network'
  /** The API URL is refused before any request (not https off this machine, not a URL). */
  | 'github_endpoint'
  | 'github_no_remote'
  | 'github_push_rejected'
  | 'github_push_failed';

export interface GithubErrorDetail {
  /** The HTTP status GitHub answered; absent when no answer came (network, timeout) or none was sent. */
  status?: number;
  /** When the rate limit resets (ISO time), for `github_rate_limited`. */
  resetAt?: string;
  /** How long until then (ms, from `retry-after` or `x-ratelimit-reset`), for `github_rate_limited`. */
  retryAfterMs?: number;
  /** GitHub's own words (its `message` and 422 details) or the transport failure, token removed; callers add context. */
  why?: string;
}

/** What GitHub answered, for a caller that passes it on as is (the github_api tool shows the agent status and body). */
export interface GithubAnswer {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

export class GithubError extends Error {
  constructor(
    message: string,
    readonly reason: GithubErrorReason,
    readonly detail: GithubErrorDetail = {},
    readonly answer: GithubAnswer | null = null,
  ) {
    super(message);
    this.name = 'GithubError';
  }
}

/** Removes `secret` (and its Basic-auth form) from text that may be shown or logged. */
export function withoutSecret(text: string, secret: string | null | undefined): string {
  if (!secret || secret.length < 4) return text;
  const basic = Buffer.from(`x-access-token:${secret}`).toString('base64');
  return text.split(secret).join('[REDACTED]').split(basic).join('[REDACTED]');
}

/** GitHub's own message, plus the `errors[].message` details a 422 carries. */
export function githubMessage(data: unknown): string {
  if (typeof data === 'string') return data.trim().slice(0, 500);
  const d = (data ?? {}) as { message?: unknown; errors?: unknown };
  const main = typeof d.message === 'string' ? d.message : '';
  const details = Array.isArray(d.errors)
    ? d.errors
        .map((e) =>
          typeof e === 'string'
            ? e
            : typeof (e as { message?: unknown }).message === 'string'
              ? (e as { message: string }).message
              : '',
        )
        .filter(Boolean)
    : [];
  return [main, ...details].filter(Boolean).join(': ');
}
