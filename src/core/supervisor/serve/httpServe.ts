// `quartet serve`'s TCP listener: the supervisor's API (read-only without the token) and the web dashboard.

import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Orchestrator } from '../../orchestrator/orchestrator';
import { isLoopbackHost } from '../../config/endpointPolicy';
import { DASHBOARD_PATHS } from '../../../shared/dashboard';
import { dashboardHtml, sendAsset } from './dashboardPage';
import { DashboardSessions } from './dashboardSessions';
import type { ServeConfig } from './serveConfig';

export interface HttpServeDeps {
  config: ServeConfig;
  /** The supervisor's socket server: its request handler answers `/api/v1/*` here too, route for route. */
  api: Server;
  orch: Orchestrator;
  /** The folder holding dist/ and media/ (the dashboard's bundle and theme). */
  root: string;
  log(line: string): void;
}

export interface HttpServe {
  server: Server;
  url: string;
  close(): void;
}

const READ_METHODS = new Set(['GET', 'HEAD']);
const MAX_MESSAGE_BYTES = 1024 * 1024;

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** `Authorization: Bearer <token>`, compared in constant time; never true when the server has no token. */
export function presentsToken(req: IncomingMessage, token: string | null): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return token !== null && m !== null && timingSafeEqual(digest(m[1] as string), digest(token));
}

/**
 * On loopback, a request must name a loopback host: a web page elsewhere that rebinds its own name to 127.0.0.1
 * would otherwise read the API (its own origin, so the browser lets it).
 */
function hostAllowed(req: IncomingMessage, config: ServeConfig): boolean {
  if (!isLoopbackHost(config.host)) return true;
  try {
    return isLoopbackHost(new URL(`http://${req.headers.host ?? ''}`).hostname.replace(/^\[|\]$/g, ''));
  } catch {
    return false;
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_MESSAGE_BYTES) throw new Error('message over 1 MiB');
    chunks.push(c as Buffer);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

export function startHttpServe(deps: HttpServeDeps): Promise<HttpServe> {
  const { config } = deps;
  const sessions = new DashboardSessions(deps.orch, deps.log);
  const unauthorized = (res: ServerResponse): void =>
    json(res, 401, {
      error: {
        code: 'unauthorized',
        message: config.authToken
          ? 'this request changes state: send the server token as "Authorization: Bearer <token>"'
          : 'this server is read-only (started without a token)',
      },
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!hostAllowed(req, config))
      return json(res, 421, {
        error: { code: 'bad_host', message: 'this server answers only to a loopback host name' },
      });
    const url = new URL(req.url ?? '/', 'http://quartet');
    const method = req.method ?? 'GET';
    const authorized = presentsToken(req, config.authToken);
    if (url.pathname.startsWith('/api/')) {
      if (!READ_METHODS.has(method) && !authorized) return unauthorized(res);
      // The socket server's own handler: the same routes, validation and errors as for local clients.
      deps.api.emit('request', req, res);
      return;
    }
    if (url.pathname === '/' || url.pathname === '/index.html') {
      if (!READ_METHODS.has(method))
        return json(res, 405, { error: { code: 'method_not_allowed', message: `${method} not allowed` } });
      const html = dashboardHtml(deps.orch.snapshot(), { tokenRequired: config.authToken !== null });
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
      });
      return void res.end(html);
    }
    // Browsers ask for it unprompted; a 404 would read as a failure in the page's console.
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    if (url.pathname.startsWith(DASHBOARD_PATHS.assets) && READ_METHODS.has(method)) {
      if (sendAsset(res, deps.root, url.pathname.slice(DASHBOARD_PATHS.assets.length))) return;
    } else if (url.pathname === DASHBOARD_PATHS.events && method === 'GET') {
      return sessions.open(res);
    } else if (url.pathname === DASHBOARD_PATHS.message && method === 'POST') {
      let body: unknown;
      try {
        body = await readJson(req);
      } catch (err) {
        return json(res, 400, { error: { code: 'bad_json', message: (err as Error).message } });
      }
      const out = await sessions.message(url.searchParams.get('session') ?? '', body, authorized);
      if (out.body === null) return void res.writeHead(out.status).end();
      return json(res, out.status, out.body);
    }
    json(res, 404, { error: { code: 'not_found', message: `no route ${url.pathname}` } });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      json(res, 500, { error: { code: 'internal', message: (err as Error).message } });
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = config.host.includes(':') ? `[${config.host}]` : config.host;
      resolve({
        server,
        url: `http://${host}:${port}`,
        close: () => {
          sessions.close();
          server.close();
          server.closeAllConnections();
        },
      });
    });
  });
}
