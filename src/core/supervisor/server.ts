// The supervisor's API on a user-only Unix socket: Symphony §13.7 routes, Quartet's control calls, an SSE stream.

import { createServer, type Server } from 'node:http';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { UsageError } from '../orchestrator/validation';
import type { BusyReport } from '../contract/hello';
import { attemptView, issueView, stateView, taskForIssue } from './symphonyApi';
import { decideProposals, runDistillFor } from './distillRoutes';
import { landSkillsFor, skillsOverviewFor } from './skillsRoutes';
import { ReviewStore } from '../distill/reviewStore';
import { autopilotHandlers, refreshRoute } from './autopilotRoutes';
import type { AutopilotService } from './autopilotService';
import { landOptions, reworkGithub } from './landRoute';
import type { SupervisorIdentity } from './supervisorIdentity';
import { describeBusy, isBusy } from '../contract/busy';
import { dispatch, HttpError, send, type Handlers } from './dispatch';
import { SnapshotFeed } from './snapshotFeed';
import { journalReply, sendJson } from './journalRoute';

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

/** Whether a request's query has `name` (the stream's `deltas`): a flag the route table need not type. */
function hasFlag(url: string | undefined, name: string): boolean {
  return new URL(url ?? '/', 'http://quartet').searchParams.has(name);
}

export function createSupervisorServer(
  orch: Orchestrator,
  hooks: ServerHooks,
  autopilot: AutopilotService | null = null,
): SupervisorServer {
  const feed = new SnapshotFeed(orch);
  orch.on('change', () => feed.changed());
  const reviews = new ReviewStore(orch.stateDir);

  const attempt = (id: string): string => {
    if (!orch.attemptRecord(id)) throw new HttpError(404, 'attempt_not_found', `no attempt ${id}`);
    return id;
  };
  const ok = { ok: true } as const;
  const handlers: Handlers = {
    hello: () => hooks.identity.hello(hooks.busy()),
    state: () => ({ ...stateView(orch.snapshot()), quartet: orch.snapshot() }),
    snapshot: () => orch.snapshot(),
    versionedSnapshot: () => feed.full(),
    // `?deltas=1`: a full snapshot, then changes (snapshotFeed.ts); without it, a full snapshot per change.
    events: (_, { req, res }) => feed.subscribe(req, res, hasFlag(req.url, 'deltas'), (n) => hooks.onSubscribers(n)),
    refresh: () => refreshRoute(orch, autopilot),
    launch: ({ body }) => orch.launch(body),
    deleteTask: ({ params }) => orch.deleteTask(params.id),
    undoLand: ({ params }) => orch.undoLand(params.id),
    configure: ({ body }) => {
      orch.configure(body);
      return ok;
    },
    distill: ({ body }) => runDistillFor(orch, reviews, body),
    decideProposals: ({ body }) => decideProposals(orch, reviews, body),
    skills: () => skillsOverviewFor(orch, reviews),
    landSkills: ({ body }) => landSkillsFor(orch, body),
    cleanupPlan: () => orch.cleanup.plan(),
    cleanup: ({ body }) => orch.cleanup.apply(body.ids),
    diagnostics: () => orch.diagnostics(),
    score: ({ params }) => orch.score(params.id),
    shutdown: ({ body }, { res }) => {
      // `ifIdle` (a newer client replacing this supervisor): decided here, in one turn of the event loop, so
      // work started between the client's hello and this request is never cut off.
      const busy = body.ifIdle === true ? hooks.busy() : null;
      if (busy && isBusy(busy)) throw new HttpError(409, 'busy', `the supervisor is busy: ${describeBusy(busy)}`);
      send(res, 202, ok);
      hooks.onShutdown();
      return ok;
    },
    ...autopilotHandlers(orch, autopilot),
    stop: async ({ params }) => {
      await orch.stop(attempt(params.id));
      return ok;
    },
    retry: ({ params }) => {
      orch.retry(attempt(params.id));
      return ok;
    },
    resume: ({ params }) => {
      orch.resume(attempt(params.id));
      return ok;
    },
    answer: ({ params, body }) => {
      orch.answer(attempt(params.id), body.decision, body.text);
      return ok;
    },
    land: ({ params, body }) => orch.land(attempt(params.id), landOptions(body)),
    // Resolve with agent, then land: blocks until the land ends (like land), the follow-up turn included.
    resolve: ({ params }) => orch.resolve(attempt(params.id)),
    followUp: ({ params, body }) =>
      orch.followUp(attempt(params.id), body.prompt, { reason: body.reason ?? 'follow-up' }),
    rework: ({ params, body }) => orch.rework(attempt(params.id), body.reason ?? '', reworkGithub(body)),
    journal: ({ params, query }, { res }) => {
      // The journal's own bytes (already redacted when written), joined into the reply's JSON as they are.
      sendJson(res, journalReply(orch.journalPath(attempt(params.id)), query));
      return [];
    },
    issue: ({ params }) => {
      const s = orch.snapshot();
      for (const t of s.tasks) {
        const a = t.attempts.find((x) => x.id === params.id);
        if (a) return attemptView(a, t.title);
        if (t.id === params.id) return { task: t };
      }
      // A tracker identifier (`/api/v1/%2312`, `/api/v1/MT-649`): the task working that issue.
      const issueTask = taskForIssue(s, params.id);
      if (issueTask) return issueView(issueTask, s.autopilot);
      throw new HttpError(404, 'issue_not_found', `no task, attempt or tracker issue ${params.id}`);
    },
  };

  let active = 0;
  const server = createServer((req, res) => {
    hooks.identity.observe(req.headers);
    const head = new URL(req.url ?? '/', 'http://quartet').pathname.split('/')[3] ?? '';
    if (!NOT_WORK.has(head)) {
      active++;
      res.once('close', () => active--);
    }
    dispatch(handlers, req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return send(res, err.status, { error: { code: err.code, message: err.message } });
      if (err instanceof UsageError) return send(res, 400, { error: { code: 'usage', message: err.message } });
      send(res, 500, { error: { code: 'internal', message: (err as Error).message } });
    });
  });
  return Object.assign(server, { activeRequests: () => active });
}
