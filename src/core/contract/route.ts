// What one supervisor route is (method, path with :params, schemas, reply type) and the pure path/query helpers both sides use.

import type { z } from 'zod';

/** The reply type of a route, carried by the table without a value (never sent, never read at run time). */
export class ReplyType<R> {
  declare readonly reply: R;
}

export interface RouteDef {
  method: 'GET' | 'POST';
  /** `/api/v1/attempts/:id/stop`: each `:name` segment is a path parameter. */
  path: string;
  params?: z.ZodType<Record<string, string>>;
  query?: z.ZodType<unknown, Record<string, string>>;
  body?: z.ZodType;
  /** The status of a success (200 unless said). */
  status?: number;
  /** How long a client waits for the answer (default 60 s). */
  timeoutMs?: number;
}

/** `route<Reply>()({ … })`: the definition as written, plus its reply type. */
export const route =
  <R>() =>
  <const D extends RouteDef>(def: D): D & { readonly reply: ReplyType<R> } => ({ ...def, reply: new ReplyType<R>() });

export type AnyRoute = RouteDef & { readonly reply: ReplyType<unknown> };
export type ReplyOf<T> = T extends { reply: ReplyType<infer R> } ? R : never;

/** A route's params / query / body: required for a handler; for a client optional when nothing in it is required. */
type Part<T, K extends string, D extends 'in' | 'out'> =
  T extends Record<K, infer S extends z.ZodType>
    ? D extends 'out'
      ? { [P in K]: z.output<S> }
      : undefined extends z.input<S>
        ? { [P in K]?: z.input<S> }
        : object extends z.input<S>
          ? { [P in K]?: z.input<S> }
          : { [P in K]: z.input<S> }
    : unknown;

/** What a client passes: the route's params, query and body as the schemas accept them. */
export type InputOf<T> = Part<T, 'params', 'in'> & Part<T, 'query', 'in'> & Part<T, 'body', 'in'>;
/** What a handler gets: the same, checked and parsed. */
export type ParsedOf<T> = Part<T, 'params', 'out'> & Part<T, 'query', 'out'> & Part<T, 'body', 'out'>;

/** The path parameters of `pattern` in `parts` (decoded segments after the origin), or null when it is another path. */
export function matchPath(pattern: string, parts: readonly string[]): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  if (want.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] as string;
    const got = parts[i] as string;
    if (w.startsWith(':')) params[w.slice(1)] = got;
    else if (w !== got) return null;
  }
  return params;
}

/** The number of `:params` in a pattern: a literal path wins over a parameter (`/api/v1/tasks` over `/api/v1/:identifier`). */
export function paramCount(pattern: string): number {
  return pattern.split('/').filter((s) => s.startsWith(':')).length;
}

/** `pattern` with its parameters filled in (encoded) and the query appended. */
export function buildPath(pattern: string, params: object = {}, query: object = {}): string {
  const path = pattern
    .split('/')
    .map((s) => {
      if (!s.startsWith(':')) return s;
      const v: unknown = Object.entries(params).find(([k]) => k === s.slice(1))?.[1];
      if (typeof v !== 'string') throw new Error(`${pattern}: no value for ${s}`);
      return encodeURIComponent(v);
    })
    .join('/');
  const q = Object.entries(query).filter(
    (e): e is [string, string | number] => typeof e[1] === 'string' || typeof e[1] === 'number',
  );
  return q.length
    ? `${path}?${new URLSearchParams(q.map(([k, v]): [string, string] => [k, String(v)])).toString()}`
    : path;
}

/** One line per problem, each naming its field (`options.sandbox: sandbox must be …`); input values are never quoted. */
export function describeIssues(where: string, error: z.ZodError): string {
  return error.issues
    .map((i) => {
      const field = i.path.map(String).join('.');
      return `${field ? (where === 'body' ? field : `${where}.${field}`) : where}: ${i.message}`;
    })
    .join('; ');
}
