// GitHub Issues as a TaskSource (kind `github`): one repository, open/closed + label-derived states, no pull requests.

import { githubRateLimits, RateLimitRecorder } from '../rateLimits';
import { createGithubClient, DEFAULT_GITHUB_API, type GithubClient } from '../../github/githubClient';
import type { WaitClock } from '../../execution/clock';
import { GithubError } from '../../github/errors';
import { collectPages } from './githubPages';
import { trackerErrorOf } from './githubTrackerError';
import { isPullRequest, inRepository, normalizeGithubIssue, type GithubMapping } from './githubNormalize';
import { stateKey, TrackerError, type NormalizedIssue, type TaskSource } from '../types';

export interface GithubIssuesOptions {
  /** REST API root; default https://api.github.com (GitHub Enterprise: https://HOST/api/v3). */
  baseUrl?: string;
  owner: string;
  repo: string;
  getToken(): Promise<string | null>;
  /** Where a token may come from, for the `missing_tracker_secret` message. */
  tokenWhere?: string;
  secretEnvNames?: readonly string[];
  /**
   * With `labelPrefilter`, sent as the list API's `labels` filter (an issue must carry all; blanks ignored).
   * Off by default: GitHub matches that filter case-sensitively while required_labels ignore case.
   */
  requiredLabels?: readonly string[];
  labelPrefilter?: boolean;
  /** Label → state name for open issues, in priority order (first match wins). */
  stateLabels?: ReadonlyArray<readonly [string, string]>;
  openState?: string;
  closedState?: string;
  /** Login (or `me` = the token's user) the work is routed to; null = no assignment rule. */
  assignee?: string | null;
  allowUnassigned?: boolean;
  priorityLabels?: Readonly<Record<string, number>>;
  pageSize?: number;
  maxPages?: number;
  timeoutMs?: number;
  /** Rate-limit waits and 5xx backoffs of the GitHub client (tests pass one whose sleeps return at once). */
  clock?: WaitClock;
  warn?: (message: string) => void;
}

const ISSUE_NUMBER = /^[1-9][0-9]{0,15}$/;

export function createGithubIssuesSource(o: GithubIssuesOptions): TaskSource {
  const baseUrl = (o.baseUrl ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
  const { owner, repo } = o;
  const stateLabels = (o.stateLabels ?? [])
    .map(([l, s]) => [l.trim().toLowerCase(), s] as const)
    .filter(([l]) => l !== '');
  const openState = o.openState ?? 'open';
  const closedState = o.closedState ?? 'closed';
  const openKeys = new Set([openState, ...stateLabels.map(([, s]) => s)].map(stateKey));
  const priorityLabels = new Map(Object.entries(o.priorityLabels ?? {}).map(([l, p]) => [l.trim().toLowerCase(), p]));
  const labelFilter = o.labelPrefilter
    ? [...new Set((o.requiredLabels ?? []).map((l) => l.trim()).filter(Boolean))].join(',')
    : '';
  const timeoutMs = o.timeoutMs ?? 30_000;
  const warn = o.warn ?? ((m: string) => console.warn(m));
  let assigneeLogin: Promise<string | null> | null = null;
  const limits = new RateLimitRecorder(githubRateLimits);

  const token = async (): Promise<string> => {
    const t = await o.getToken();
    if (!t)
      throw new TrackerError(
        'missing_tracker_secret',
        `No GitHub token for ${owner}/${repo}: set ${o.tokenWhere ?? 'a token'}.`,
      );
    return t;
  };

  /** One client per operation: the token is read fresh each time, so a rotated secret applies at once. */
  const client = (t: string): GithubClient => {
    try {
      return createGithubClient({
        token: t,
        baseUrl,
        requestTimeoutMs: timeoutMs,
        clock: o.clock,
        onHeaders: (get) => limits.observe(get),
      });
    } catch (err) {
      throw trackerErrorOf(err, `client for ${owner}/${repo}`, t);
    }
  };

  /** The assignment rule's login; `me` costs one GET /user per source, then is cached. */
  const routedLogin = (octokit: GithubClient, t: string): Promise<string | null> => {
    const wanted = o.assignee?.trim() ?? '';
    if (!wanted) return Promise.resolve(null);
    if (wanted.toLowerCase() !== 'me') return Promise.resolve(wanted.toLowerCase());
    assigneeLogin ??= octokit.request('GET /user').then(
      (r) => String((r.data as { login?: unknown }).login ?? '').toLowerCase() || null,
      (err: unknown) => {
        assigneeLogin = null;
        throw trackerErrorOf(err, 'lookup of the token user (assignee: me)', t);
      },
    );
    return assigneeLogin;
  };

  const mapping = async (octokit: GithubClient, t: string): Promise<GithubMapping> => ({
    owner,
    repo,
    stateLabels,
    openState,
    closedState,
    priorityLabels,
    assignee: await routedLogin(octokit, t),
    allowUnassigned: o.allowUnassigned ?? true,
  });

  return {
    kind: 'github',
    label: `GitHub ${owner}/${repo}`,
    secretEnvNames: o.secretEnvNames ?? [],
    async preflight() {
      await token();
    },
    rateLimits: () => limits.latest(),

    async fetchIssuesByStates(stateNames) {
      const wanted = new Set(stateNames.map(stateKey));
      const needOpen = [...wanted].some((s) => openKeys.has(s));
      const needClosed = wanted.has(stateKey(closedState));
      // No GitHub issue can be in a state we never produce: answer without a request.
      if (!needOpen && !needClosed) return [];
      const t = await token();
      const octokit = client(t);
      const m = await mapping(octokit, t);
      const state = needOpen && needClosed ? 'all' : needOpen ? 'open' : 'closed';
      const what = `issue list of ${owner}/${repo}`;
      const raw = await collectPages(
        octokit,
        () =>
          octokit.request('GET /repos/{owner}/{repo}/issues', {
            owner,
            repo,
            state,
            per_page: o.pageSize ?? 100,
            // Oldest first keeps page boundaries stable while new issues are filed during a listing.
            sort: 'created',
            direction: 'asc',
            ...(labelFilter ? { labels: labelFilter } : {}),
          }),
        { baseUrl, maxPages: o.maxPages ?? 50, what, token: t },
      );
      const out: NormalizedIssue[] = [];
      const malformed: string[] = [];
      for (const item of raw) {
        if (isPullRequest(item)) continue;
        const issue = normalizeGithubIssue(item, m);
        if (!issue) malformed.push(describe(item));
        else if (wanted.has(stateKey(issue.state))) out.push(issue);
      }
      if (malformed.length)
        warn(
          `GitHub ${owner}/${repo}: omitted ${malformed.length} malformed issue record(s) from the state list: ${malformed.join(', ')}`,
        );
      return out;
    },

    async fetchIssuesByIds(ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      const t = await token();
      const octokit = client(t);
      const m = await mapping(octokit, t);
      const out: NormalizedIssue[] = [];
      for (const id of unique) {
        // Our ids are issue numbers; anything else was never visible in this scope.
        if (!ISSUE_NUMBER.test(id)) continue;
        let data: unknown;
        try {
          data = (
            await octokit.request('GET /repos/{owner}/{repo}/issues/{issue_number}', {
              owner,
              repo,
              issue_number: Number(id),
            })
          ).data;
        } catch (err) {
          const status = err instanceof GithubError ? err.detail.status : undefined;
          if (status === 404 || status === 410) continue; // deleted or hidden
          throw trackerErrorOf(err, `refresh of issue #${id} in ${owner}/${repo}`, t);
        }
        if (isPullRequest(data) || !inRepository(data, owner, repo)) continue; // a PR, or transferred away
        const issue = normalizeGithubIssue(data, m);
        if (!issue)
          throw new TrackerError(
            'tracker_response',
            `GitHub issue #${id} in ${owner}/${repo} is malformed: ${describe(data)}.`,
          );
        out.push(issue);
      }
      return out;
    },
  };
}

function describe(item: unknown): string {
  if (typeof item !== 'object' || item === null) return `a ${typeof item} instead of an issue object`;
  const n = (item as { number?: unknown }).number;
  return typeof n === 'number'
    ? `#${n} (missing number, title or open/closed state)`
    : 'a record without an issue number';
}
