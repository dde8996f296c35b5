// A tiny local HTTP server replaying recorded REST payloads: routes by method + path, records every request.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path with query string, as received. */
  path: string;
  url: URL;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface RecordedResponse {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless it is a string (sent as is, e.g. a broken payload). */
  body?: unknown;
}

export type Route = (req: RecordedRequest) => RecordedResponse | undefined;

export interface RecordedServer {
  url: string;
  requests: RecordedRequest[];
  /** Routes are tried newest first; the first to answer wins. Unanswered requests get GitHub's 404 body. */
  route(method: string, pathname: string, reply: RecordedResponse | ((req: RecordedRequest) => RecordedResponse)): void;
  routeWhen(match: Route): void;
  reset(): void;
  close(): Promise<void>;
}

const NOT_FOUND = { message: 'Not Found', documentation_url: 'https://docs.github.com/rest', status: '404' };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startRecordedServer(): Promise<RecordedServer> {
  const routes: Route[] = [];
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        url,
        headers: req.headers,
        body,
      };
      requests.push(rec);
      let reply: RecordedResponse | undefined;
      for (let i = routes.length - 1; i >= 0 && !reply; i--) reply = routes[i]?.(rec);
      reply ??= { status: 404, body: NOT_FOUND };
      const text =
        reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(method, pathname, reply) {
      routes.push((req) =>
        req.method === method && req.url.pathname === pathname
          ? typeof reply === 'function'
            ? reply(req)
            : reply
          : undefined,
      );
    },
    routeWhen(match) {
      routes.push(match);
    },
    reset() {
      routes.length = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
