// A local Linear GraphQL endpoint over a scripted in-memory project: the adapter's queries, cursor pages, scripted failures.
//
// It does not parse GraphQL. It recognizes Quartet's operations by name (checking that the filters and paging
// arguments are really in the document), one mutation for the agent-tool tests (`commentCreate`), and answers
// everything else with a validation error — in Linear's response shapes (nodes/pageInfo, errors[].extensions.code).

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export interface FakeLinearIssueInput {
  identifier: string;
  title: string;
  state: string;
  /** Workflow-state type; default from the name (Todo → unstarted, In Progress → started, Done → completed…). */
  stateType?: string;
  description?: string | null;
  priority?: number;
  branchName?: string | null;
  assigneeId?: string | null;
  labels?: string[];
  createdAt?: string;
  updatedAt?: string;
  /** Project slugId; default: the fake's project. */
  project?: string;
  archived?: boolean;
  /** Who created it: a workspace member (default), a guest, or null (an integration). */
  creator?: { name: string; guest: boolean } | null;
}

export type FakeLinearFailure =
  /** Lets one request through (to fail a later page). */
  | { kind: 'pass' }
  | { kind: 'status'; status: number; text?: string }
  | { kind: 'ratelimited'; status: 400 | 429; resetInMs?: number }
  | { kind: 'graphqlError'; message: string; code?: string }
  | { kind: 'notJson' }
  | { kind: 'noEndCursor' };

export interface FakeLinearRequest {
  operationName: string | null;
  query: string;
  variables: Record<string, unknown>;
  authorization: string | undefined;
}

export interface FakeLinear {
  /** The GraphQL endpoint (…/graphql). */
  url: string;
  project: string;
  viewerId: string;
  requests: FakeLinearRequest[];
  comments: Array<{ issueId: string; body: string }>;
  addIssue(input: FakeLinearIssueInput): string;
  /** `blocker` blocks `blocked` (or another relation type). */
  relate(blockerId: string, blockedId: string, type?: string): void;
  setState(id: string, state: string, stateType?: string): void;
  /** Fields merged over the issue's response node (null deletes nothing; it sets null): makes records malformed. */
  malform(id: string, patch: Record<string, unknown>): void;
  /** Queued failures, used one per request in order. */
  failNext(...f: FakeLinearFailure[]): void;
  close(): Promise<void>;
}

const STATE_TYPES: Record<string, string> = {
  triage: 'triage',
  backlog: 'backlog',
  todo: 'unstarted',
  'in progress': 'started',
  'in review': 'started',
  done: 'completed',
  canceled: 'canceled',
  cancelled: 'canceled',
  duplicate: 'canceled',
};

interface Stored extends Required<Omit<FakeLinearIssueInput, 'stateType'>> {
  id: string;
  stateType: string;
  patch: Record<string, unknown>;
}

const gqlError = (message: string, code: string, statusCode: number): unknown => ({
  errors: [
    {
      message,
      extensions: { type: code.toLowerCase(), code, statusCode, userError: true, userPresentableMessage: message },
    },
  ],
});

export async function startFakeLinear(opts: { apiKey: string; project?: string }): Promise<FakeLinear> {
  const project = opts.project ?? 'a1b2c3d4e5f6';
  const viewerId = randomUUID();
  const issues: Stored[] = [];
  const relations: Array<{ type: string; blocker: string; blocked: string }> = [];
  const failures: FakeLinearFailure[] = [];
  const requests: FakeLinearRequest[] = [];
  const comments: Array<{ issueId: string; body: string }> = [];
  let seq = 0;

  const stateNode = (i: Stored) => ({ name: i.state, type: i.stateType });
  const node = (i: Stored): Record<string, unknown> => ({
    id: i.id,
    identifier: i.identifier,
    title: i.title,
    description: i.description,
    priority: i.priority,
    state: stateNode(i),
    branchName: i.branchName,
    url: `https://linear.app/quartet-test/issue/${i.identifier}/${i.title.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    assignee: i.assigneeId ? { id: i.assigneeId } : null,
    creator: i.creator,
    labels: { nodes: i.labels.map((name) => ({ name })) },
    inverseRelations: {
      nodes: relations
        .filter((r) => r.blocked === i.id)
        .map((r) => {
          const b = issues.find((x) => x.id === r.blocker)!;
          return { type: r.type, issue: { id: b.id, identifier: b.identifier, state: stateNode(b) } };
        }),
    },
    createdAt: i.createdAt,
    updatedAt: i.updatedAt,
    ...i.patch,
  });

  function answer(query: string, vars: Record<string, unknown>): { status: number; body: unknown } {
    const flat = query.replace(/\s+/g, '');
    const op = /^(?:query|mutation)([A-Za-z_][A-Za-z0-9_]*)/.exec(flat)?.[1] ?? null;
    const visible = issues.filter((i) => !i.archived && i.project === vars.projectSlug);
    if (op === 'QuartetLinearViewer' && flat.includes('viewer{id}'))
      return { status: 200, body: { data: { viewer: { id: viewerId } } } };
    if (
      op === 'QuartetLinearIssues' &&
      ['slugId:{eq:$projectSlug}', 'name:{in:$stateNames}', 'after:$after', 'pageInfo{hasNextPageendCursor}'].every(
        (s) => flat.includes(s),
      )
    ) {
      const names = (vars.stateNames as string[]) ?? [];
      const all = visible.filter((i) => names.includes(i.state));
      const start = vars.after ? all.findIndex((i) => i.id === vars.after) + 1 : 0;
      const page = all.slice(start, start + Number(vars.first ?? 50));
      const hasNextPage = start + page.length < all.length;
      const broken = failures[0]?.kind === 'noEndCursor' && failures.shift();
      const endCursor = broken ? null : (page.at(-1)?.id ?? null);
      return {
        status: 200,
        body: {
          data: {
            issues: {
              nodes: page.map(node),
              pageInfo: { hasNextPage, endCursor, hasPreviousPage: start > 0, startCursor: page[0]?.id ?? null },
            },
          },
        },
      };
    }
    if (
      op === 'QuartetLinearIssuesById' &&
      ['id:{in:$ids}', 'slugId:{eq:$projectSlug}'].every((s) => flat.includes(s))
    ) {
      const ids = (vars.ids as string[]) ?? [];
      return {
        status: 200,
        body: {
          data: {
            issues: {
              nodes: visible
                .filter((i) => ids.includes(i.id))
                .slice(0, Number(vars.first ?? 50))
                .map(node),
            },
          },
        },
      };
    }
    if (flat.startsWith('mutation') && flat.includes('commentCreate')) {
      const input = (vars.input ?? {}) as { issueId?: string; body?: string };
      if (!issues.some((i) => i.id === input.issueId))
        return {
          status: 200,
          body: { data: null, ...(gqlError('Entity not found: Issue', 'INVALID_INPUT', 400) as object) },
        };
      comments.push({ issueId: input.issueId!, body: String(input.body ?? '') });
      return {
        status: 200,
        body: { data: { commentCreate: { success: true, comment: { id: randomUUID(), body: input.body } } } },
      };
    }
    return {
      status: 400,
      body: gqlError(
        `Cannot query field or operation in document (fake Linear knows ${op ?? 'no operation name'} only by its Quartet shape)`,
        'GRAPHQL_VALIDATION_FAILED',
        400,
      ),
    };
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let parsed: { query?: string; variables?: Record<string, unknown>; operationName?: string } = {};
      try {
        parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        // answered below as a validation error
      }
      const query = parsed.query ?? '';
      const variables = parsed.variables ?? {};
      requests.push({
        operationName: /(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? null,
        query,
        variables,
        authorization: req.headers.authorization,
      });
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(typeof body === 'string' ? body : JSON.stringify(body));
      };
      if (req.headers.authorization !== opts.apiKey)
        return send(401, gqlError('Authentication required, not authenticated', 'AUTHENTICATION_ERROR', 401));
      const f = failures[0]?.kind === 'noEndCursor' ? undefined : failures.shift();
      if (f?.kind === 'status')
        return send(
          f.status,
          f.text ?? JSON.stringify(gqlError('Internal server error', 'INTERNAL_SERVER_ERROR', f.status)),
        );
      if (f?.kind === 'notJson')
        return send(200, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' });
      if (f?.kind === 'graphqlError')
        return send(200, { data: null, ...(gqlError(f.message, f.code ?? 'INVALID_INPUT', 400) as object) });
      if (f?.kind === 'ratelimited') {
        const reset = String(Date.now() + (f.resetInMs ?? 45_000));
        return send(f.status, gqlError('Rate limit exceeded', 'RATELIMITED', 429), {
          'x-ratelimit-requests-limit': '1500',
          'x-ratelimit-requests-remaining': '0',
          'x-ratelimit-requests-reset': reset,
        });
      }
      const a = answer(query, variables);
      // Linear states both budgets on every answer (requests per hour, complexity points per hour).
      const hour = String(Date.now() + 3_600_000);
      send(a.status, a.body, {
        'x-ratelimit-requests-limit': '1500',
        'x-ratelimit-requests-remaining': String(1500 - requests.length),
        'x-ratelimit-requests-reset': hour,
        'x-ratelimit-complexity-limit': '250000',
        'x-ratelimit-complexity-remaining': String(250000 - 10 * requests.length),
        'x-ratelimit-complexity-reset': hour,
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const find = (id: string): Stored => {
    const i = issues.find((x) => x.id === id);
    if (!i) throw new Error(`fake Linear: no issue ${id}`);
    return i;
  };
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    project,
    viewerId,
    requests,
    comments,
    addIssue(input) {
      const t = `2025-04-01T09:${String(seq++).padStart(2, '0')}:00.000Z`;
      const id = randomUUID();
      issues.push({
        id,
        description: null,
        priority: 0,
        branchName: null,
        assigneeId: null,
        labels: [],
        createdAt: t,
        updatedAt: t,
        project,
        archived: false,
        creator: { name: 'Team Member', guest: false },
        ...input,
        stateType: input.stateType ?? STATE_TYPES[input.state.toLowerCase()] ?? 'unstarted',
        patch: {},
      });
      return id;
    },
    relate(blockerId, blockedId, type = 'blocks') {
      find(blockerId);
      find(blockedId);
      relations.push({ type, blocker: blockerId, blocked: blockedId });
    },
    setState(id, state, stateType) {
      const i = find(id);
      i.state = state;
      i.stateType = stateType ?? STATE_TYPES[state.toLowerCase()] ?? 'unstarted';
    },
    malform(id, patch) {
      Object.assign(find(id).patch, patch);
    },
    failNext(...f) {
      failures.push(...f);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
