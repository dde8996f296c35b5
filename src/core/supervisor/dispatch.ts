// Finds a request's route in the contract's table, checks its params, query and body with the route's schemas, runs its handler.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { ROUTES, type RouteName, type Routes } from '../contract/routes';
import { describeIssues, matchPath, paramCount, type ParsedOf, type ReplyOf, type RouteDef } from '../contract/route';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
}

/** One handler per route, typed by the table: it gets the parsed input and must return the route's reply. */
export type Handlers = {
  [K in RouteName]: (input: ParsedOf<Routes[K]>, ctx: RouteContext) => ReplyOf<Routes[K]> | Promise<ReplyOf<Routes[K]>>;
};

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 4 * 1024 * 1024) throw new HttpError(413, 'too_large', 'request body over 4 MiB');
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'bad_json', 'request body is not JSON');
  }
}

/** A mistake in what the client sent: 400 with code `usage` (the CLI's exit code 2), naming each field. */
function parse(schema: z.ZodType, value: unknown, where: string): unknown {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, 'usage', describeIssues(where, r.error));
  return r.data;
}

/** The route for a method and path: a literal path wins over a `:param` one; a known path with another method is 405. */
export function findRoute(
  method: string,
  parts: readonly string[],
  pathname: string,
): { name: RouteName; params: Record<string, string> } {
  const matches = (Object.keys(ROUTES) as RouteName[]).flatMap((name) => {
    const params = matchPath(ROUTES[name].path, parts);
    return params ? [{ name, params, rank: paramCount(ROUTES[name].path) }] : [];
  });
  if (!matches.length) throw new HttpError(404, 'not_found', `no route ${pathname}`);
  const best = Math.min(...matches.map((m) => m.rank));
  const found = matches.find((m) => m.rank === best && ROUTES[m.name].method === method);
  if (!found) throw new HttpError(405, 'method_not_allowed', `${method} not allowed on ${pathname}`);
  return found;
}

export async function dispatch(handlers: Handlers, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://quartet');
  const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] !== 'api' || parts[1] !== 'v1') throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
  const { name, params } = findRoute(req.method ?? 'GET', parts, url.pathname);
  const r: RouteDef = ROUTES[name];
  const input: Record<string, unknown> = {};
  if (r.params) input.params = parse(r.params, params, 'params');
  if (r.query) input.query = parse(r.query, Object.fromEntries(url.searchParams), 'query');
  if (r.body) input.body = parse(r.body, await readBody(req), 'body');
  // The one place a checked input meets its handler: the schema that parsed it is the one its type comes from.
  const handler = handlers[name] as (input: unknown, ctx: RouteContext) => unknown;
  const reply = await handler(input, { req, res });
  if (!res.headersSent) send(res, r.status ?? 200, reply);
}
