// The supervisor's API on a user-only Unix socket: Symphony §13.7 routes, Quartet's control calls, an SSE stream.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { UsageError } from '../orchestrator/validation';
import type { LaunchRequest, SupervisorSettings } from '../client/api';
import { attemptView, issueView, stateView, taskForIssue } from './symphonyApi';
import { decideProposals, runDistillFor } from './distillRoutes';
import { landSkillsFor, skillsOverviewFor } from './skillsRoutes';
import { ReviewStore } from '../distill/reviewStore';
import { autopilotRoute, refreshRoute } from './autopilotRoutes';
import type { AutopilotService } from './autopilotService';
import { landOptions, reworkGithub } from './landRoute';
import type { SupervisorIdentity } from './supervisorIdentity';
import { describeBusy, isBusy, type BusyReport } from './busy';
import { SnapshotFeed } from './snapshotFeed';

export interface ServerHooks {
  onShutdown(): void;
  /** Number of live event-stream subscribers changed (used for "stop when the last client leaves"). */
  onSubscribers(count: number): void;
  /** Who this supervisor is (GET /api/v1/hello); it sees every request's client build. */
  identity: SupervisorIdentity;
  /** What the supervisor is in the middle of, requests being served included. */
  busy(): BusyReport;
}

/** A supervisor's HTTP server and the number of requests it is serving (work, not the event stream or the handshake). */
export interface SupervisorServer extends Server {
  activeRequests(): number;
}

/** Requests that are no work a restart could cut off: the live stream, the handshake, the request to stop. */
const NOT_WORK = new Set(['events', 'hello', 'shutdown']);

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > 4 * 1024 * 1024) throw new HttpError(413, 'too_large', 'request body over 4 MiB');
    chunks.push(c as Buffer);
  }
  if (!chunks.length) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'bad_json', 'request body is not JSON');
  }
}

export function createSupervisorServer(orch: Orchestrator, hooks: ServerHooks, autopilot: AutopilotService | null = null): SupervisorServer {
  const feed = new SnapshotFeed(orch);
  orch.on('change', () => feed.changed());
  const reviews = new ReviewStore(orch.stateDir);

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://quartet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1') throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
    const [, , head, id, action] = parts;
    const method = req.method ?? 'GET';
    const only = (m: string): void => {
      if (method !== m) throw new HttpError(405, 'method_not_allowed', `${method} not allowed on ${url.pathname}`);
    };
    switch (head) {
      case 'hello':
        only('GET');
        return send(res, 200, hooks.identity.hello(hooks.busy()));
      case 'state':
        only('GET');
        return send(res, 200, { ...stateView(orch.snapshot()), quartet: orch.snapshot() });
      case 'autopilot':
        if (autopilot && (await autopilotRoute(autopilot, orch, req, res, parts.slice(3), { send, readBody, only }))) return;
        throw new HttpError(404, 'not_found', autopilot ? `no route ${url.pathname}` : 'this supervisor has no Autopilot');
      case 'snapshot':
        only('GET');
        // `?versioned=1`: a stream client that saw a version gap resyncs from this.
        return send(res, 200, url.searchParams.has('versioned') ? feed.full() : orch.snapshot());
      case 'refresh':
        only('POST');
        return send(res, 202, refreshRoute(orch, autopilot));
      case 'events': {
        only('GET');
        // `?deltas=1`: a full snapshot, then changes (snapshotFeed.ts); without it, a full snapshot per change.
        return feed.subscribe(req, res, url.searchParams.has('deltas'), (n) => hooks.onSubscribers(n));
      }
      case 'tasks':
        only('POST');
        if (id && action === 'delete') return send(res, 200, await orch.deleteTask(id));
        if (id && action === 'undo-land') return send(res, 200, await orch.undoLand(id));
        return send(res, 201, await orch.launch((await readBody(req)) as unknown as LaunchRequest));
      case 'settings':
        only('POST');
        orch.configure((await readBody(req)) as Partial<SupervisorSettings>);
        return send(res, 200, { ok: true });
      case 'distill':
        only('POST');
        if (id === 'decide') return send(res, 200, await decideProposals(orch, reviews, await readBody(req)));
        return send(res, 200, await runDistillFor(orch, reviews, await readBody(req)));
      case 'skills':
        if (id === 'land') {
          only('POST');
          return send(res, 200, await landSkillsFor(orch, await readBody(req)));
        }
        only('GET');
        return send(res, 200, await skillsOverviewFor(orch, reviews));
      case 'cleanup': {
        if (method === 'GET') return send(res, 200, await orch.cleanup.plan());
        only('POST');
        const body = await readBody(req);
        return send(res, 200, await orch.cleanup.apply(body.ids as string[]));
      }
      case 'diagnostics':
        only('GET');
        return send(res, 200, orch.diagnostics());
      case 'score':
        only('GET');
        return send(res, 200, orch.score(id ?? ''));
      case 'shutdown': {
        only('POST');
        // `ifIdle` (a newer client replacing this supervisor): decided here, in one turn of the event loop, so
        // work started between the client's hello and this request is never cut off.
        const busy = (await readBody(req)).ifIdle === true ? hooks.busy() : null;
        if (busy && isBusy(busy)) throw new HttpError(409, 'busy', `the supervisor is busy: ${describeBusy(busy)}`);
        send(res, 202, { ok: true });
        return hooks.onShutdown();
      }
      case 'attempts':
        return attemptRoute(orch, req, res, method, id ?? '', action ?? '', url);
      default: {
        only('GET');
        const s = orch.snapshot();
        for (const t of s.tasks) {
          const a = t.attempts.find((x) => x.id === head);
          if (a) return send(res, 200, attemptView(a, t.title));
          if (t.id === head) return send(res, 200, { task: t });
        }
        // A tracker identifier (`/api/v1/%2312`, `/api/v1/MT-649`): the task working that issue.
        const issueTask = taskForIssue(s, head ?? '');
        if (issueTask) return send(res, 200, issueView(issueTask, s.autopilot));
        throw new HttpError(404, 'issue_not_found', `no task, attempt or tracker issue ${head ?? ''}`);
      }
    }
  };

  let active = 0;
  const server = createServer((req, res) => {
    hooks.identity.observe(req.headers);
    const head = new URL(req.url ?? '/', 'http://quartet').pathname.split('/')[3] ?? '';
    if (!NOT_WORK.has(head)) {
      active++;
      res.once('close', () => active--);
    }
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message } });
      if (err instanceof UsageError) return send(res, 400, { error: { code: 'usage', message: err.message } });
      send(res, 500, { error: { code: 'internal', message: (err as Error).message } });
    });
  });
  return Object.assign(server, { activeRequests: () => active });
}

/** Default and largest page of the journal route: an endless journal never becomes one endless reply. */
export const JOURNAL_PAGE_BYTES = 4 * 1024 * 1024;
const MAX_JOURNAL_PAGE_BYTES = 64 * 1024 * 1024;

/**
 * `?from=N` answers a plain array (one page: follow with the last seq + 1 until empty); `&maxBytes=M`
 * answers `{records, next}`, `next` being the `from` of the following page or null at the end.
 */
function journalRoute(orch: Orchestrator, res: ServerResponse, id: string, url: URL): void {
  const from = Number(url.searchParams.get('from') ?? 0);
  if (!Number.isInteger(from) || from < 0) throw new HttpError(400, 'bad_request', `from must be a whole number ≥ 0, not ${url.searchParams.get('from')}`);
  const asked = url.searchParams.get('maxBytes');
  const maxBytes = asked === null ? JOURNAL_PAGE_BYTES : Number(asked);
  if (!Number.isInteger(maxBytes) || maxBytes < 1) throw new HttpError(400, 'bad_request', `maxBytes must be a whole number ≥ 1, not ${asked}`);
  const page = orch.journalPage(id, from, Math.min(maxBytes, MAX_JOURNAL_PAGE_BYTES));
  send(res, 200, asked === null ? page.records : page);
}

async function attemptRoute(orch: Orchestrator, req: IncomingMessage, res: ServerResponse, method: string, id: string, action: string, url: URL): Promise<void> {
  if (!orch.attemptRecord(id)) throw new HttpError(404, 'attempt_not_found', `no attempt ${id}`);
  if (action === 'journal' && method === 'GET') return journalRoute(orch, res, id, url);
  if (method !== 'POST') throw new HttpError(405, 'method_not_allowed', `${method} not allowed`);
  if (action === 'stop') {
    await orch.stop(id);
    return send(res, 200, { ok: true });
  }
  if (action === 'retry') {
    orch.retry(id);
    return send(res, 200, { ok: true });
  }
  if (action === 'land') return send(res, 200, await orch.land(id, landOptions(await readBody(req))));
  // Resolve with agent, then land: blocks until the land ends (like land), the follow-up turn included.
  if (action === 'resolve') return send(res, 200, await orch.resolve(id));
  if (action === 'follow-up') {
    const body = await readBody(req);
    if (typeof body.prompt !== 'string') throw new HttpError(400, 'usage', 'a follow-up needs {"prompt": "…", "reason": "…"}');
    return send(res, 200, await orch.followUp(id, body.prompt, { reason: typeof body.reason === 'string' ? body.reason : 'follow-up' }));
  }
  if (action === 'rework') {
    const body = await readBody(req);
    return send(res, 200, await orch.rework(id, typeof body.reason === 'string' ? body.reason : '', reworkGithub(body)));
  }
  if (action === 'resume') {
    orch.resume(id);
    return send(res, 200, { ok: true });
  }
  if (action === 'answer') {
    const body = await readBody(req);
    const decision = body.decision === 'accept' || body.decision === 'acceptForSession' || body.decision === 'decline' ? body.decision : null;
    if (!decision) throw new HttpError(400, 'usage', 'decision must be accept, acceptForSession or decline');
    orch.answer(id, decision, typeof body.text === 'string' ? body.text : undefined);
    return send(res, 200, { ok: true });
  }
  throw new HttpError(404, 'not_found', `no action ${action}`);
}
