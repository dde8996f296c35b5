// The `linear_graphql` agent tool: one GraphQL query or mutation against Linear, executed host-side with the host key.

import { graphqlErrors, postLinear } from './linearClient';
import { toolError, toolResult, type DynamicToolSpec, type ToolResult } from './toolResult';
import { TrackerError } from './types';

export interface LinearToolTarget {
  endpoint: string;
  projectSlug: string;
  getApiKey(): Promise<string | null>;
  keyWhere?: string;
  timeoutMs?: number;
}

export function linearGraphqlSpec(t: LinearToolTarget): DynamicToolSpec {
  return {
    type: 'function',
    name: 'linear_graphql',
    description:
      `Run one GraphQL query or mutation against Linear with Quartet's credentials (you never see the key). ` +
      `The task's project has slugId "${t.projectSlug}". Mutations (commentCreate, issueUpdate, …) change the real tracker. ` +
      'Returns the GraphQL response {data, errors}.',
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['query'],
      properties: {
        query: { type: 'string', description: 'A GraphQL document with exactly one operation.' },
        variables: { type: 'object', additionalProperties: true, description: 'Optional variables for the operation.' },
      },
    },
  };
}

export async function executeLinearGraphql(t: LinearToolTarget, args: unknown): Promise<ToolResult> {
  // Models sometimes send the document itself instead of {query}; accept it.
  const a = typeof args === 'string' ? { query: args } : args;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return toolError('`linear_graphql` expects an object with `query` and optional `variables`.');
  const { query, variables } = a as Record<string, unknown>;
  if (typeof query !== 'string' || !query.trim()) return toolError('`query` must be a non-empty GraphQL document.');
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) return toolError('`variables` must be an object.');
  const key = await t.getApiKey().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (key instanceof Error) return toolError(key.message);
  if (!key) return toolError(`Quartet has no Linear API key for this tool; a person must set ${t.keyWhere ?? 'one'} on the host.`);
  try {
    const raw = await postLinear(t.endpoint, key, query, (variables ?? {}) as Record<string, unknown>, t.timeoutMs ?? 30_000);
    const errors = graphqlErrors(raw.body);
    const ok = raw.status >= 200 && raw.status < 300 && raw.body !== undefined && errors.length === 0;
    const payload = raw.body !== undefined ? raw.body : { status: raw.status, body: raw.text };
    const limited = raw.status === 429 || errors.some((e) => e.code === 'RATELIMITED');
    return toolResult(ok, limited ? { rate_limited: true, retry_after: raw.headers.get('retry-after'), response: payload } : payload, key);
  } catch (err) {
    return toolError(err instanceof TrackerError ? err.message : 'Linear request failed.', {}, key);
  }
}
