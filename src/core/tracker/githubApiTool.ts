// The `github_api` agent tool: a REST call confined to the configured repository, executed host-side with the host token.

import { excerpt, redactSecret } from './normalize';
import { GITHUB_API_VERSION } from './githubClient';
import { toolError, toolResult, type DynamicToolSpec, type ToolResult } from './toolResult';

export interface GithubToolTarget {
  baseUrl: string;
  owner: string;
  repo: string;
  getToken(): Promise<string | null>;
  tokenWhere?: string;
  timeoutMs?: number;
}

const METHODS = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;

export function githubApiSpec(t: GithubToolTarget): DynamicToolSpec {
  const root = `/repos/${t.owner}/${t.repo}`;
  return {
    type: 'function',
    name: 'github_api',
    description:
      `Call the GitHub REST API for the repository ${t.owner}/${t.repo} with Quartet's credentials (you never see the token). ` +
      `Only paths under ${root} are allowed, e.g. GET ${root}/issues/42, POST ${root}/issues/42/comments {"body":"…"}, ` +
      `PATCH ${root}/issues/42 {"state":"closed"}. Mutations change the real tracker. Returns {status, link?, body}.`,
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['method', 'path'],
      properties: {
        method: { type: 'string', enum: [...METHODS], description: 'HTTP method.' },
        path: { type: 'string', description: `REST path starting with ${root}, without a query string.` },
        query: { type: 'object', additionalProperties: true, description: 'Optional query parameters, e.g. {"per_page": 50, "page": 2}.' },
        body: { type: 'object', additionalProperties: true, description: 'Optional JSON request body (POST/PATCH/PUT).' },
      },
    },
  };
}

/** The absolute URL for `path`, or an error text when the path could leave the repository. */
export function repoScopedUrl(t: Pick<GithubToolTarget, 'baseUrl' | 'owner' | 'repo'>, path: unknown, query: unknown): URL | string {
  if (typeof path !== 'string' || !path.startsWith('/')) return '`path` must be a string starting with /repos/OWNER/REPO.';
  const control = [...path].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (control || /[?#\\]/.test(path) || /%(2f|5c|00)/i.test(path)) return '`path` must not contain a query string, fragment, backslash, control or encoded-slash characters (use `query`).';
  let segments: string[];
  try {
    segments = path.split('/').slice(1).map((s) => decodeURIComponent(s));
  } catch {
    return '`path` has invalid percent-encoding.';
  }
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1))) return '`path` must not contain empty, "." or ".." segments.';
  const [r, owner, repo] = segments;
  if (r !== 'repos' || owner?.toLowerCase() !== t.owner.toLowerCase() || repo?.toLowerCase() !== t.repo.toLowerCase()) {
    return `\`path\` must be inside /repos/${t.owner}/${t.repo}; this tool is limited to the configured repository.`;
  }
  const base = new URL(t.baseUrl);
  const url = new URL(`${base.pathname.replace(/\/+$/, '')}${path}`, base.origin);
  if (query !== undefined && query !== null) {
    if (typeof query !== 'object' || Array.isArray(query)) return '`query` must be an object of parameters.';
    for (const [k, v] of Object.entries(query)) {
      if (!['string', 'number', 'boolean'].includes(typeof v)) return `\`query.${k}\` must be a string, number or boolean.`;
      url.searchParams.set(k, String(v));
    }
  }
  return url;
}

export async function executeGithubApi(t: GithubToolTarget, args: unknown): Promise<ToolResult> {
  if (typeof args !== 'object' || args === null || Array.isArray(args)) return toolError('`github_api` expects an object with `method` and `path`.');
  const a = args as Record<string, unknown>;
  const method = typeof a.method === 'string' ? a.method.trim().toUpperCase() : '';
  if (!(METHODS as readonly string[]).includes(method)) return toolError(`\`method\` must be one of ${METHODS.join(', ')}.`);
  const url = repoScopedUrl(t, a.path, a.query);
  if (typeof url === 'string') return toolError(url);
  const body = a.body ?? null;
  if (body !== null && (typeof body !== 'object' || method === 'GET' || method === 'DELETE')) return toolError('`body` must be a JSON object and is only allowed with POST, PATCH or PUT.');
  const token = await t.getToken().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (token instanceof Error) return toolError(token.message);
  if (!token) return toolError(`Quartet has no GitHub token for this tool; a person must set ${t.tokenWhere ?? 'one'} on the host.`);
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/vnd.github+json',
        'x-github-api-version': GITHUB_API_VERSION,
        'user-agent': 'quartet',
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      // A redirect could lead out of the repository (renamed or transferred): report it instead of following.
      redirect: 'manual',
      signal: AbortSignal.timeout(t.timeoutMs ?? 30_000),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { message?: unknown } };
    return toolError(`GitHub request failed before a response: ${redactSecret(excerpt(String(e.cause?.message ?? e.message)), token)}`);
  }
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: return the text as is
  }
  const link = res.headers.get('link');
  const limits = res.status === 403 || res.status === 429 ? { retry_after: res.headers.get('retry-after'), ratelimit_reset: res.headers.get('x-ratelimit-reset') } : {};
  return toolResult(res.status >= 200 && res.status < 300, { status: res.status, ...(link ? { link } : {}), ...limits, body: parsed }, token);
}
