// GitHub REST transport for the issues adapter: Octokit with timeouts, Link-header pagination, SPEC §11.4 error mapping.

import { Octokit } from '@octokit/rest';
import { excerpt, redactSecret } from './normalize';
import { DEFAULT_RATE_LIMIT_WAIT_MS, retryAfterMsFromHeaders } from './rateLimit';
import { TrackerError } from './types';

export const GITHUB_API_URL = 'https://api.github.com';
export const GITHUB_API_VERSION = '2022-11-28';

const SILENT = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** One Octokit per operation: the token is read fresh each time, so a rotated secret applies at once. */
export function githubOctokit(baseUrl: string, token: string, timeoutMs: number): Octokit {
  const timedFetch = (url: string | URL, init: RequestInit = {}): Promise<Response> =>
    fetch(url, { ...init, signal: init.signal ?? AbortSignal.timeout(timeoutMs) });
  return new Octokit({
    auth: token,
    baseUrl,
    userAgent: 'quartet',
    // Octokit logs every failed request to the console by default; errors are reported through TrackerError.
    log: SILENT,
    request: { fetch: timedFetch },
  });
}

type Obj = Record<string, unknown>;
interface ResponseLike {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
}

function providerMessage(data: unknown): string {
  if (typeof data === 'object' && data !== null && typeof (data as Obj).message === 'string') return excerpt((data as Obj).message as string);
  return typeof data === 'string' ? excerpt(data) : '';
}

/** Maps anything Octokit (or fetch under it) throws to a TrackerError whose message never contains the token. */
export function mapGithubError(err: unknown, what: string, token: string | null): TrackerError {
  if (err instanceof TrackerError) return err;
  const e = err as { status?: unknown; response?: ResponseLike; message?: unknown };
  const res = e.response;
  if (typeof e.status !== 'number' || !res) {
    // Octokit reports transport failures (refused, DNS, timeout) as status 500 *without* a response.
    const why = redactSecret(excerpt(String(e.message ?? err)), token);
    return new TrackerError('tracker_request', `GitHub ${what} failed before a response: ${why}`, { retryable: true });
  }
  const status = res.status;
  const header = (name: string): string | undefined => (res.headers[name] === undefined ? undefined : String(res.headers[name]));
  const msg = redactSecret(providerMessage(res.data), token);
  const limited = status === 429 || (status === 403 && (header('x-ratelimit-remaining') === '0' || header('retry-after') !== undefined || /rate limit/i.test(msg)));
  if (limited) {
    const retryAfterMs = retryAfterMsFromHeaders(header) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return new TrackerError('tracker_rate_limited', `GitHub rate limit reached during ${what} (HTTP ${status}); retry in ${Math.ceil(retryAfterMs / 1000)} s.`, {
      status,
      retryAfterMs,
      retryable: true,
    });
  }
  const hint =
    status === 401 ? ' The token was rejected: check that it is valid and not expired.' : status === 403 ? ' The token lacks access (needs issues read on the repository).' : '';
  return new TrackerError('tracker_status', `GitHub ${what} failed: HTTP ${status}${msg ? ` (${msg})` : ''}.${hint}`, { status, retryable: status >= 500 });
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(link: unknown): string | null {
  if (typeof link !== 'string') return null;
  for (const part of link.split(',')) {
    const m = /<([^<>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (m?.[2]?.split(/\s+/).includes('next')) return m[1] ?? null;
  }
  return null;
}

/** A next-page URL must stay under the configured API root, or Octokit would send the token elsewhere. */
function insideApi(url: string, baseUrl: string): boolean {
  try {
    const u = new URL(url);
    const b = new URL(baseUrl);
    const root = b.pathname.replace(/\/+$/, '');
    return u.origin === b.origin && (u.pathname === root || u.pathname.startsWith(`${root}/`));
  } catch {
    return false;
  }
}

export interface PageOptions {
  baseUrl: string;
  maxPages: number;
  what: string;
  token: string;
}

/**
 * Follows Link headers from the first page, keeping provider order. A later page that fails (other than a rate
 * limit or a transport error), is not a list, points outside the API, repeats, or exceeds `maxPages` is a
 * `tracker_pagination` error: the whole read fails rather than returning a silently partial list.
 */
export async function collectPages(octokit: Octokit, first: () => Promise<ResponseLike>, o: PageOptions): Promise<unknown[]> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let page = 1;
  let res: ResponseLike;
  try {
    res = await first();
  } catch (err) {
    throw mapGithubError(err, o.what, o.token);
  }
  for (;;) {
    if (!Array.isArray(res.data)) {
      const what = `GitHub ${o.what} page ${page} is not a JSON list`;
      throw page === 1 ? new TrackerError('tracker_response', `${what}.`) : new TrackerError('tracker_pagination', `${what}; the listing is incomplete.`);
    }
    items.push(...res.data);
    const next = nextLink(res.headers.link);
    if (!next) return items;
    if (!insideApi(next, o.baseUrl)) throw new TrackerError('tracker_pagination', `GitHub ${o.what}: the next-page link leaves ${o.baseUrl}; refusing to follow it.`);
    if (seen.has(next)) throw new TrackerError('tracker_pagination', `GitHub ${o.what}: the next-page link repeats page ${page}; the listing loops.`);
    if (page >= o.maxPages) {
      throw new TrackerError('tracker_pagination', `GitHub ${o.what} has more than ${o.maxPages} pages; narrow the scope (required labels) or raise tracker.provider.max_pages.`);
    }
    seen.add(next);
    page += 1;
    try {
      res = await octokit.request({ method: 'GET', url: next });
    } catch (err) {
      const mapped = mapGithubError(err, `${o.what} (page ${page})`, o.token);
      if (mapped.category !== 'tracker_status') throw mapped;
      throw new TrackerError('tracker_pagination', `${mapped.message} The listing is incomplete.`, mapped.detail);
    }
  }
}
