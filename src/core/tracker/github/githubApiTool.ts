// The `github_api` agent tool: a REST call on the task's own issue/PR (githubApiPolicy), executed host-side with the host token.

import { createGithubClient, type Clock } from '../../github/githubClient';
import { GithubError, type GithubAnswer } from '../../github/errors';
import { excerpt, redactSecret } from '../normalize';
import { allowedSummary, githubCallPolicy, type GithubToolScope } from './githubApiPolicy';
import { recordBody, toolError, toolResult } from '../toolResult';
import type { DynamicToolSpec, ToolCallRecorder, ToolResult } from '../../execution/dynamicTools';

export interface GithubToolTarget {
  baseUrl: string;
  owner: string;
  repo: string;
  getToken(): Promise<string | null>;
  tokenWhere?: string;
  timeoutMs?: number;
  /** Rate-limit waits and 5xx backoffs of the GitHub client (tests pass one whose sleeps return at once). */
  clock?: Clock;
  /** The task's issue and PRs, read on each call; without a scope (null) every call is refused. */
  scope(): GithubToolScope | null;
}

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
type Method = (typeof METHODS)[number];

export function githubApiSpec(t: GithubToolTarget): DynamicToolSpec {
  const root = `/repos/${t.owner}/${t.repo}`;
  const scope = t.scope();
  const n = scope?.issue ?? 'N';
  return {
    type: 'function',
    name: 'github_api',
    description:
      `Call the GitHub REST API for the repository ${t.owner}/${t.repo} with Quartet's credentials (you never see the token), ` +
      `limited to this task's own issue and pull request, e.g. GET ${root}/issues/${n}, POST ${root}/issues/${n}/comments {"body":"…"}, ` +
      `PATCH ${root}/issues/${n} {"state":"closed"}. ${scope ? allowedSummary(scope) : 'This session has no task scope: every call is refused.'} ` +
      'Mutations change the real tracker. Returns {status, link?, body}.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'path'],
      properties: {
        method: { type: 'string', enum: [...METHODS], description: 'HTTP method.' },
        path: { type: 'string', description: `REST path starting with ${root}, without a query string.` },
        query: {
          type: 'object',
          additionalProperties: true,
          description: 'Optional query parameters, e.g. {"per_page": 50, "page": 2}.',
        },
        body: {
          type: 'object',
          additionalProperties: true,
          description: 'Optional JSON request body (POST/PATCH/PUT).',
        },
      },
    },
  };
}

/** The absolute URL for `path` and its segments after /repos/OWNER/REPO, or an error text when the path could leave the repository. */
export function repoScopedUrl(
  t: Pick<GithubToolTarget, 'baseUrl' | 'owner' | 'repo'>,
  path: unknown,
  query: unknown,
): { url: URL; rest: string[] } | string {
  if (typeof path !== 'string' || !path.startsWith('/'))
    return '`path` must be a string starting with /repos/OWNER/REPO.';
  const control = [...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (control || /[?#\\]/.test(path) || /%(2f|5c|00)/i.test(path))
    return '`path` must not contain a query string, fragment, backslash, control or encoded-slash characters (use `query`).';
  let segments: string[];
  try {
    segments = path
      .split('/')
      .slice(1)
      .map((s) => decodeURIComponent(s));
  } catch {
    return '`path` has invalid percent-encoding.';
  }
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1)))
    return '`path` must not contain empty, "." or ".." segments.';
  const [r, owner, repo] = segments;
  if (r !== 'repos' || owner?.toLowerCase() !== t.owner.toLowerCase() || repo?.toLowerCase() !== t.repo.toLowerCase()) {
    return `\`path\` must be inside /repos/${t.owner}/${t.repo}; this tool is limited to the configured repository.`;
  }
  const base = new URL(t.baseUrl);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base.origin);
  if (query !== undefined && query !== null) {
    if (typeof query !== 'object' || Array.isArray(query)) return '`query` must be an object of parameters.';
    for (const [k, v] of Object.entries(query)) {
      if (!['string', 'number', 'boolean'].includes(typeof v))
        return `\`query.${k}\` must be a string, number or boolean.`;
      url.searchParams.set(k, String(v));
    }
  }
  // Only the last segment may be empty (a trailing slash), checked above.
  return { url, rest: segments.slice(3).filter((s) => s !== '') };
}

/** Runs one call and journals it through `record` (allowed or refused, with its status), whatever the outcome. */
export async function executeGithubApi(
  t: GithubToolTarget,
  args: unknown,
  record: ToolCallRecorder = () => {},
): Promise<ToolResult> {
  const a =
    typeof args === 'object' && args !== null && !Array.isArray(args) ? (args as Record<string, unknown>) : null;
  const call =
    `${typeof a?.method === 'string' ? a.method.trim().toUpperCase() : '?'} ${typeof a?.path === 'string' ? a.path : '?'}`.slice(
      0,
      500,
    );
  const refuse = (why: string, extra: Record<string, unknown> = {}): ToolResult => {
    record({ tool: 'github_api', call, body: recordBody(a?.body), allowed: false, status: null, why });
    return toolError(why, extra);
  };
  if (!a) return refuse('`github_api` expects an object with `method` and `path`.');
  const method = typeof a.method === 'string' ? a.method.trim().toUpperCase() : '';
  if (!(METHODS as readonly string[]).includes(method))
    return refuse(`\`method\` must be one of ${METHODS.join(', ')}.`);
  const scoped = repoScopedUrl(t, a.path, a.query);
  if (typeof scoped === 'string') return refuse(scoped);
  const { url } = scoped;
  const body = a.body ?? null;
  if (body !== null && (typeof body !== 'object' || Array.isArray(body) || method === 'GET' || method === 'DELETE'))
    return refuse('`body` must be a JSON object and is only allowed with POST, PATCH or PUT.');
  const scope = t.scope();
  const decision = scope
    ? githubCallPolicy(method, scoped.rest, body as Record<string, unknown> | null, scope)
    : { allow: false as const, why: 'This session has no task scope.' };
  // Refused before the token is even read: a denied call never reaches GitHub.
  if (!decision.allow) return refuse(`Quartet refused ${method} ${String(a.path)}: ${decision.why}`, { refused: true });
  // A token meant for a host the person has not confirmed is refused by the source itself (endpointPolicy).
  const got = await t.getToken().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (got instanceof Error) {
    record({ tool: 'github_api', call, body: recordBody(body, null), allowed: true, status: null, why: got.message });
    return toolError(got.message);
  }
  const token = got;
  const done = (status: number | null, why: string | null): void =>
    record({ tool: 'github_api', call, body: recordBody(body, token), allowed: true, status, why });
  if (!token) {
    done(null, 'no token');
    return toolError(
      `Quartet has no GitHub token for this tool; a person must set ${t.tokenWhere ?? 'one'} on the host.`,
    );
  }
  let answer: GithubAnswer;
  try {
    const client = createGithubClient({ token, baseUrl: t.baseUrl, requestTimeoutMs: t.timeoutMs, clock: t.clock });
    answer = await client.request({
      method: method as Method,
      url: url.href,
      headers: { accept: 'application/vnd.github+json' },
      ...(body ? { data: body } : {}),
      // A redirect could lead out of the repository (renamed or transferred): report it instead of following.
      request: { redirect: 'manual' },
    });
  } catch (err) {
    // GitHub's non-2xx answers go back to the agent as they are; only a call that got no answer is a tool error.
    const answered = err instanceof GithubError ? err.answer : null;
    if (!answered) {
      const why =
        err instanceof GithubError && err.reason === 'github_network'
          ? `GitHub request failed before a response: ${excerpt(err.detail.why ?? err.message)}`
          : redactSecret((err as Error).message, token);
      done(null, why);
      return toolError(why);
    }
    answer = answered;
  }
  done(answer.status, null);
  const header = (name: string): string | null =>
    answer.headers[name] === undefined ? null : String(answer.headers[name]);
  const link = header('link');
  const limits =
    answer.status === 403 || answer.status === 429
      ? { retry_after: header('retry-after'), ratelimit_reset: header('x-ratelimit-reset') }
      : {};
  return toolResult(
    answer.status >= 200 && answer.status < 300,
    { status: answer.status, ...(link ? { link } : {}), ...limits, body: bodyOf(answer.data) },
    token,
  );
}

/** Octokit parses JSON and text; an empty body is null, bytes are shown as text. */
function bodyOf(data: unknown): unknown {
  if (data === '' || data === undefined) return null;
  return data instanceof ArrayBuffer ? Buffer.from(data).toString('utf8') : data;
}
