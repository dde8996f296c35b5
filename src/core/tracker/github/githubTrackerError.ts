// The GitHub adapter's side of the one GithubError: its SPEC §11.4 category, in words that name the read that failed.

import { GithubError } from '../../github/errors';
import { excerpt, redactSecret } from '../normalize';
import { TrackerError } from '../types';

/** Maps what a GitHub client call threw to a TrackerError whose message never contains the token. */
export function trackerErrorOf(err: unknown, what: string, token: string | null): TrackerError {
  if (err instanceof TrackerError) return err;
  if (!(err instanceof GithubError)) {
    return new TrackerError(
      'tracker_request',
      `GitHub ${what} failed: ${redactSecret(excerpt(String((err as Error)?.message ?? err)), token)}`,
      { retryable: true },
    );
  }
  const why = excerpt(err.detail.why ?? '');
  const status = err.detail.status;
  if (err.reason === 'github_endpoint') return new TrackerError('invalid_tracker_config', err.message);
  if (err.reason === 'github_network' || status === undefined) {
    return new TrackerError('tracker_request', `GitHub ${what} failed before a response: ${why || err.message}`, {
      retryable: true,
    });
  }
  if (err.reason === 'github_rate_limited') {
    const retryAfterMs = err.detail.retryAfterMs ?? 0;
    return new TrackerError(
      'tracker_rate_limited',
      `GitHub rate limit reached during ${what} (HTTP ${status}); retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
      {
        status,
        retryAfterMs,
        retryable: true,
      },
    );
  }
  const hint =
    status === 401
      ? ' The token was rejected: check that it is valid and not expired.'
      : status === 403
        ? ' The token lacks access (needs issues read on the repository).'
        : '';
  return new TrackerError('tracker_status', `GitHub ${what} failed: HTTP ${status}${why ? ` (${why})` : ''}.${hint}`, {
    status,
    retryable: status >= 500,
  });
}
