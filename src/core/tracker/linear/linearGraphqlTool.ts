// The `linear_graphql` agent tool: any query, and only `commentCreate`/`issueUpdate` on the task's own issue, run host-side with the host key.

import { readOperations, resolveValue, type GqlOperation } from './graphqlOps';
import { graphqlErrors, postLinear } from './linearClient';
import { recordBody, toolError, toolResult } from '../toolResult';
import type { DynamicToolSpec, ToolCallRecorder, ToolResult } from '../../execution/dynamicTools';
import { TrackerError } from '../types';

export interface LinearToolTarget {
  endpoint: string;
  projectSlug: string;
  getApiKey(): Promise<string | null>;
  keyWhere?: string;
  timeoutMs?: number;
  /** The task's issue (Linear id and identifier); null: no mutation is allowed. */
  issue: { id: string; identifier: string | null } | null;
}

/** The mutations an agent may run, and where each names its issue. */
const MUTATIONS: Record<string, (args: Record<string, unknown>) => unknown> = {
  commentCreate: (a) => (isObj(a.input) ? a.input.issueId : undefined),
  issueUpdate: (a) => a.id,
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Null when the operation may run, else why not (docs/security.md §3). */
export function linearCallPolicy(
  op: GqlOperation,
  variables: Record<string, unknown>,
  issue: LinearToolTarget['issue'],
): string | null {
  if (op.type === 'query') return null;
  if (op.type !== 'mutation') return `${op.type} operations are not allowed.`;
  if (op.spread) return 'a mutation must name its fields directly (no fragments at the top level).';
  if (!issue) return 'this session has no task issue, so no mutation is allowed.';
  const own = (v: unknown): boolean =>
    typeof v === 'string' &&
    (v === issue.id || (!!issue.identifier && v.toUpperCase() === issue.identifier.toUpperCase()));
  for (const f of op.fields) {
    const target = MUTATIONS[f.name];
    if (!target)
      return `the mutation ${f.name} is not allowed; only ${Object.keys(MUTATIONS).join(' and ')} on the task's issue.`;
    const args = Object.fromEntries(Object.entries(f.args).map(([k, v]) => [k, resolveValue(v, variables)]));
    if (!own(target(args)))
      return `${f.name} may only act on the task's issue ${issue.identifier ?? issue.id} (id ${issue.id}).`;
  }
  return null;
}

export function linearGraphqlSpec(t: LinearToolTarget): DynamicToolSpec {
  return {
    type: 'function',
    name: 'linear_graphql',
    description:
      `Run one GraphQL query or mutation against Linear with Quartet's credentials (you never see the key). ` +
      `The task's project has slugId "${t.projectSlug}". Any query is allowed; the only mutations allowed are commentCreate and issueUpdate ` +
      (t.issue
        ? `on this task's issue ${t.issue.identifier ?? ''} (id ${t.issue.id}); `
        : '(none here: this session has no task issue); ') +
      'anything else is refused, so ask the person in your final message instead. Mutations change the real tracker. ' +
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

export async function executeLinearGraphql(
  t: LinearToolTarget,
  args: unknown,
  record: ToolCallRecorder = () => {},
): Promise<ToolResult> {
  // Models sometimes send the document itself instead of {query}; accept it.
  const a = typeof args === 'string' ? { query: args } : args;
  const fields = isObj(a) ? a : {};
  let call = typeof fields.query === 'string' ? fields.query.replace(/\s+/g, ' ').trim().slice(0, 300) : '(no query)';
  const refuse = (why: string, extra: Record<string, unknown> = {}): ToolResult => {
    record({ tool: 'linear_graphql', call, body: recordBody(fields.variables), allowed: false, status: null, why });
    return toolError(why, extra);
  };
  if (!isObj(a)) return refuse('`linear_graphql` expects an object with `query` and optional `variables`.');
  const { query, variables } = a;
  if (typeof query !== 'string' || !query.trim()) return refuse('`query` must be a non-empty GraphQL document.');
  if (variables !== undefined && variables !== null && !isObj(variables))
    return refuse('`variables` must be an object.');
  let ops: GqlOperation[];
  try {
    ops = readOperations(query);
  } catch (err) {
    return refuse(`\`query\` is not a GraphQL document Quartet can check: ${(err as Error).message}.`);
  }
  const [op] = ops;
  if (!op || ops.length > 1) return refuse('`query` must hold exactly one operation.');
  call = `${op.type} ${op.fields.map((f) => f.name).join(', ')}`;
  const why = linearCallPolicy(op, variables ?? {}, t.issue);
  // Refused before the key is read: a denied call never reaches Linear.
  if (why) return refuse(`Quartet refused this ${op.type}: ${why}`, { refused: true });
  // A key meant for a host the person has not confirmed is refused by the source itself (endpointPolicy).
  const got = await t.getApiKey().catch((err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  if (got instanceof Error) {
    record({
      tool: 'linear_graphql',
      call,
      body: recordBody(variables, null),
      allowed: true,
      status: null,
      why: got.message,
    });
    return toolError(got.message);
  }
  const key = got;
  const done = (status: number | null, failure: string | null): void =>
    record({ tool: 'linear_graphql', call, body: recordBody(variables, key), allowed: true, status, why: failure });
  if (!key) {
    done(null, 'no API key');
    return toolError(
      `Quartet has no Linear API key for this tool; a person must set ${t.keyWhere ?? 'one'} on the host.`,
    );
  }
  try {
    const raw = await postLinear(
      t.endpoint,
      key,
      query,
      (variables ?? {}) as Record<string, unknown>,
      t.timeoutMs ?? 30_000,
    );
    const errors = graphqlErrors(raw.body);
    done(raw.status, errors.length ? 'GraphQL errors' : null);
    const ok = raw.status >= 200 && raw.status < 300 && raw.body !== undefined && errors.length === 0;
    const payload = raw.body !== undefined ? raw.body : { status: raw.status, body: raw.text };
    const limited = raw.status === 429 || errors.some((e) => e.code === 'RATELIMITED');
    return toolResult(
      ok,
      limited ? { rate_limited: true, retry_after: raw.headers.get('retry-after'), response: payload } : payload,
      key,
    );
  } catch (err) {
    done(null, err instanceof TrackerError ? err.message : 'Linear request failed.');
    return toolError(err instanceof TrackerError ? err.message : 'Linear request failed.', {}, key);
  }
}
