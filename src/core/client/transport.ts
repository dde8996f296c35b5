// One HTTP request to a supervisor over its Unix socket, carrying this client's build; typed errors for its failures.

import { request as httpRequest } from 'node:http';
import { currentBuild, stampHeaders } from '../contract/buildStamp';
import type { RouteName, Routes } from '../contract/routes';
import type { ReplyOf } from '../contract/route';
import type { RouteRequest } from './routeRequest';

export class SupervisorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SupervisorError';
  }
}

/** Sent with every request: the supervisor learns that a newer client exists (and makes way once idle). */
export const BUILD_HEADERS: Readonly<Record<string, string>> = stampHeaders(currentBuild());

export function call(
  socket: string,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 60_000,
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload
      ? { ...BUILD_HEADERS, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
      : BUILD_HEADERS;
    const req = httpRequest(
      // No keep-alive pool: a pooled connection to a supervisor that has since exited would fail the next call with ECONNRESET.
      { socketPath: socket, method, path, agent: false, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown = null;
          try {
            json = text ? JSON.parse(text) : null;
          } catch {
            return reject(
              new SupervisorError(
                res.statusCode ?? 0,
                'bad_reply',
                `unreadable reply from the supervisor: ${text.slice(0, 200)}`,
              ),
            );
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const e = (json as { error?: { code?: string; message?: string } })?.error;
            return reject(
              new SupervisorError(status, e?.code ?? 'error', e?.message ?? `supervisor answered ${status}`),
            );
          }
          resolve(json);
        });
      },
    );
    req.setTimeout(timeoutMs, () =>
      req.destroy(new Error(`supervisor did not answer ${method} ${path} within ${timeoutMs} ms`)),
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * One call of a route of the contract's table. The supervisor answering was built from the same table (the
 * handshake refuses another API version), so its JSON is the route's reply: the only place that is assumed.
 */
export async function callRoute<K extends RouteName>(
  socket: string,
  _name: K,
  r: RouteRequest,
): Promise<ReplyOf<Routes[K]>> {
  return (await call(socket, r.method, r.path, r.body, r.timeoutMs)) as ReplyOf<Routes[K]>;
}

/** Nobody listens on the socket (gone, or refused): the request never reached a supervisor, so sending it again is safe. */
export function notDelivered(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED';
}
