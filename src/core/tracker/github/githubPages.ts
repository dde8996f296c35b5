// Link-header pagination for the GitHub issues adapter: every page or a typed error, never a silently partial list.

import type { GithubClient } from '../../github/githubClient';
import { trackerErrorOf } from './githubTrackerError';
import { TrackerError } from '../types';

interface ResponseLike {
  status: number;
  headers: Record<string, string | number | undefined>;
  data: unknown;
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

/** A next-page URL must stay under the configured API root, or the client would send the token elsewhere. */
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
export async function collectPages(
  octokit: GithubClient,
  first: () => Promise<ResponseLike>,
  o: PageOptions,
): Promise<unknown[]> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let page = 1;
  let res: ResponseLike;
  try {
    res = await first();
  } catch (err) {
    throw trackerErrorOf(err, o.what, o.token);
  }
  for (;;) {
    if (!Array.isArray(res.data)) {
      const what = `GitHub ${o.what} page ${page} is not a JSON list`;
      throw page === 1
        ? new TrackerError('tracker_response', `${what}.`)
        : new TrackerError('tracker_pagination', `${what}; the listing is incomplete.`);
    }
    items.push(...res.data);
    const next = nextLink(res.headers.link);
    if (!next) return items;
    if (!insideApi(next, o.baseUrl))
      throw new TrackerError(
        'tracker_pagination',
        `GitHub ${o.what}: the next-page link leaves ${o.baseUrl}; refusing to follow it.`,
      );
    if (seen.has(next))
      throw new TrackerError(
        'tracker_pagination',
        `GitHub ${o.what}: the next-page link repeats page ${page}; the listing loops.`,
      );
    if (page >= o.maxPages) {
      throw new TrackerError(
        'tracker_pagination',
        `GitHub ${o.what} has more than ${o.maxPages} pages; narrow the scope (required labels) or raise tracker.provider.max_pages.`,
      );
    }
    seen.add(next);
    page += 1;
    try {
      res = await octokit.request({ method: 'GET', url: next });
    } catch (err) {
      const mapped = trackerErrorOf(err, `${o.what} (page ${page})`, o.token);
      if (mapped.category !== 'tracker_status') throw mapped;
      throw new TrackerError('tracker_pagination', `${mapped.message} The listing is incomplete.`, mapped.detail);
    }
  }
}
