// A call of the contract's route table as one HTTP request: method, path with its parameters filled in, query, body, timeout.

import { ROUTES, type RouteName, type Routes } from '../contract/routes';
import { buildPath, type InputOf, type RouteDef } from '../contract/route';

/** The arguments of a route's call: none when nothing is required. */
export type RouteArgs<K extends RouteName> =
  object extends InputOf<Routes[K]> ? [input?: InputOf<Routes[K]>] : [input: InputOf<Routes[K]>];

export interface RouteRequest {
  name: RouteName;
  method: 'GET' | 'POST';
  path: string;
  body: unknown;
  timeoutMs: number | undefined;
}

/** `input` is a route's InputOf (checked where the call is written); read here without knowing which route. */
export function routeRequest(name: RouteName, input: unknown = {}): RouteRequest {
  const r: RouteDef = ROUTES[name];
  const part = (key: string): unknown =>
    typeof input === 'object' && input !== null ? Object.entries(input).find(([k]) => k === key)?.[1] : undefined;
  const object = (v: unknown): object | undefined => (typeof v === 'object' && v !== null ? v : undefined);
  // A route with a body schema always gets a JSON body (`{}` when nothing is said), one without never does.
  const body = r.body ? (part('body') ?? {}) : undefined;
  return {
    name,
    method: r.method,
    path: buildPath(r.path, object(part('params')), object(part('query'))),
    body,
    timeoutMs: r.timeoutMs,
  };
}
