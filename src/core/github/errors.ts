// Typed errors of the GitHub layer; messages are built by Quartet and never contain a token.

export type GithubErrorReason =
  | 'github_rate_limited'
  | 'github_auth'
  | 'github_forbidden'
  | 'github_not_found'
  | 'github_validation'
  | 'github_http'
  | 'github_network'
  | 'github_no_remote'
  | 'github_push_rejected'
  | 'github_push_failed';

export interface GithubErrorDetail {
  status?: number;
  /** When the rate limit resets (ISO time), for `github_rate_limited`. */
  resetAt?: string;
}

export class GithubError extends Error {
  constructor(
    message: string,
    readonly reason: GithubErrorReason,
    readonly detail: GithubErrorDetail = {},
  ) {
    super(message);
    this.name = 'GithubError';
  }
}

/** Removes `secret` (and its Basic-auth form) from text that may be shown or logged. */
export function withoutSecret(text: string, secret: string | undefined): string {
  if (!secret || secret.length < 4) return text;
  const basic = Buffer.from(`x-access-token:${secret}`).toString('base64');
  return text.split(secret).join('[REDACTED]').split(basic).join('[REDACTED]');
}
