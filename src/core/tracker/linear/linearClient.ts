// Linear GraphQL transport (Node's fetch): one POST, timeouts, and SPEC §11.4 error mapping for HTTP and GraphQL errors.

import { excerpt, redactSecret } from '../normalize';
import { DEFAULT_RATE_LIMIT_WAIT_MS, retryAfterMsFromHeaders } from './rateLimit';
import { TrackerError } from '../types';

export const LINEAR_API_URL = 'https://api.linear.app/graphql';

export interface LinearRaw {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the body was not JSON. */
  body: unknown;
  text: string;
}

/**
 * Posts one GraphQL document. Personal API keys go in `Authorization` as is (Linear's convention); an OAuth
 * token should be configured with its `Bearer ` prefix. Transport failures and timeouts are `tracker_request`.
 */
export async function postLinear(
  endpoint: string,
  apiKey: string,
  query: string,
  variables: Record<string, unknown>,
  timeoutMs: number,
): Promise<LinearRaw> {
  let res: Response;
  let text: string;
  try {
    res = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: apiKey, 'content-type': 'application/json', 'user-agent': 'quartet' },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    text = await res.text();
  } catch (err) {
    const e = err as Error & { cause?: { message?: unknown } };
    const why = redactSecret(excerpt(String(e.cause?.message ?? e.message ?? err)), apiKey);
    throw new TrackerError('tracker_request', `Linear request to ${endpoint} failed before a response: ${why}`, {
      retryable: true,
    });
  }
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.status, headers: res.headers, body, text };
}

interface GraphqlError {
  message: string;
  code: string | null;
}

/** The `errors` array of a GraphQL body, normalized; empty when absent. */
export function graphqlErrors(body: unknown): GraphqlError[] {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: unknown) => {
    const o = (e ?? {}) as { message?: unknown; extensions?: { code?: unknown } };
    return {
      message: typeof o.message === 'string' ? o.message : 'unknown error',
      code: typeof o.extensions?.code === 'string' ? o.extensions.code : null,
    };
  });
}

/** Returns `data` of a successful response, or throws the matching TrackerError (the key never appears in it). */
export function linearData(raw: LinearRaw, what: string, apiKey: string): Record<string, unknown> {
  const errors = graphqlErrors(raw.body);
  const summary = redactSecret(
    excerpt(errors.map((e) => (e.code ? `${e.code}: ${e.message}` : e.message)).join('; ') || raw.text),
    apiKey,
  );
  const codes = errors.map((e) => e.code);
  if (raw.status === 429 || codes.includes('RATELIMITED')) {
    const retryAfterMs = retryAfterMsFromHeaders((n) => raw.headers.get(n)) ?? DEFAULT_RATE_LIMIT_WAIT_MS;
    return fail(
      'tracker_rate_limited',
      `Linear rate limit reached during ${what} (HTTP ${raw.status}); retry in ${Math.ceil(retryAfterMs / 1000)} s.`,
      {
        status: raw.status,
        retryAfterMs,
        retryable: true,
        providerCode: 'RATELIMITED',
      },
    );
  }
  const auth =
    raw.status === 401 || raw.status === 403 || codes.includes('AUTHENTICATION_ERROR') || codes.includes('FORBIDDEN');
  const hint = auth ? ' The API key was rejected: check that it is valid and can read the project.' : '';
  if (raw.status < 200 || raw.status > 299) {
    return fail(
      'tracker_status',
      `Linear ${what} failed: HTTP ${raw.status}${summary ? ` (${summary})` : ''}.${hint}`,
      {
        status: raw.status,
        retryable: raw.status >= 500,
        ...(codes[0] ? { providerCode: codes[0] } : {}),
      },
    );
  }
  if (errors.length > 0) {
    return fail('tracker_response', `Linear ${what} returned GraphQL errors: ${summary}.${hint}`, {
      status: raw.status,
      ...(codes[0] ? { providerCode: codes[0] } : {}),
    });
  }
  const data = (raw.body as { data?: unknown } | undefined)?.data;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return fail(
      'tracker_response',
      `Linear ${what} returned no GraphQL data (${raw.body === undefined ? 'body is not JSON' : 'missing "data"'}).`,
      { status: raw.status },
    );
  }
  return data as Record<string, unknown>;
}

function fail(category: TrackerError['category'], message: string, detail: TrackerError['detail']): never {
  throw new TrackerError(category, message, detail);
}
