// The supervisor's API, declared once: every route's method, path, schemas and reply. The server validates from it, the client calls from it.

import { z } from 'zod';
import type { LandProgress, Snapshot, TaskSnapshot } from '../../shared/model';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import type { JournalRecord } from '../../shared/events';
import type { VersionedSnapshot } from '../../shared/snapshotDelta';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import { route } from './route';
import { launchIssueSchema, launchRequestSchema } from './launchSchemas';
import * as b from './bodySchemas';
import type { SupervisorHello } from './hello';
import type { LandSkillsResult, ReworkResult, TaskScore, UndoLandResult } from './land';
import type { CleanupPlan, CleanupResult, DeletedTask, FollowUpResult } from './replies';
import type { DistillReply } from './distill';

export interface Ok {
  ok: true;
}
export interface JournalPage {
  records: JournalRecord[];
  next: number | null;
}
export interface Diagnostics {
  pid: number;
  runners: string[];
  ports: Record<string, { first: number; count: number }>;
}
/** SPEC §13.7 refresh: queued for the next poll + reconcile. */
export interface RefreshReply {
  queued: boolean;
  coalesced: boolean;
  requested_at: string;
  operations: string[];
}

const id = z.strictObject({ id: b.idParam });
const attempt = (action: string) => `/api/v1/attempts/:id/${action}` as const;
const MINUTE = 60_000;

export const ROUTES = {
  hello: route<SupervisorHello>()({ method: 'GET', path: '/api/v1/hello' }),
  state: route<Record<string, unknown>>()({ method: 'GET', path: '/api/v1/state' }),
  snapshot: route<Snapshot>()({ method: 'GET', path: '/api/v1/snapshot' }),
  /** The whole state and its stream version: a client that saw a gap in the deltas resyncs from this. */
  versionedSnapshot: route<VersionedSnapshot>()({ method: 'GET', path: '/api/v1/snapshot/versioned' }),
  /** Server-sent events: a full snapshot now, then (with `?deltas=1`) versioned changes, else a snapshot per change (no JSON reply). */
  events: route<void>()({ method: 'GET', path: '/api/v1/events' }),
  refresh: route<RefreshReply>()({ method: 'POST', path: '/api/v1/refresh', body: b.emptyBodySchema, status: 202 }),
  launch: route<TaskSnapshot>()({
    method: 'POST',
    path: '/api/v1/tasks',
    body: launchRequestSchema,
    status: 201,
    timeoutMs: 2 * MINUTE,
  }),
  deleteTask: route<DeletedTask>()({
    method: 'POST',
    path: '/api/v1/tasks/:id/delete',
    params: id,
    body: b.emptyBodySchema,
    timeoutMs: 2 * MINUTE,
  }),
  undoLand: route<UndoLandResult>()({
    method: 'POST',
    path: '/api/v1/tasks/:id/undo-land',
    params: id,
    body: b.emptyBodySchema,
    timeoutMs: 2 * MINUTE,
  }),
  configure: route<Ok>()({ method: 'POST', path: '/api/v1/settings', body: b.settingsBodySchema }),
  distill: route<DistillReply>()({
    method: 'POST',
    path: '/api/v1/distill',
    body: b.distillBodySchema,
    timeoutMs: 15 * MINUTE,
  }),
  decideProposals: route<DistillReviewView>()({
    method: 'POST',
    path: '/api/v1/distill/decide',
    body: b.decideBodySchema,
    timeoutMs: 2 * MINUTE,
  }),
  skills: route<SkillsOverview>()({ method: 'GET', path: '/api/v1/skills' }),
  landSkills: route<LandSkillsResult>()({
    method: 'POST',
    path: '/api/v1/skills/land',
    body: b.landSkillsBodySchema,
    timeoutMs: 5 * MINUTE,
  }),
  // Sizes come from walking every worktree: allow a big repo's worth of time.
  cleanupPlan: route<CleanupPlan>()({ method: 'GET', path: '/api/v1/cleanup', timeoutMs: 10 * MINUTE }),
  cleanup: route<CleanupResult>()({
    method: 'POST',
    path: '/api/v1/cleanup',
    body: b.cleanupBodySchema,
    timeoutMs: 30 * MINUTE,
  }),
  diagnostics: route<Diagnostics>()({ method: 'GET', path: '/api/v1/diagnostics' }),
  score: route<TaskScore>()({ method: 'GET', path: '/api/v1/score/:id', params: id }),
  shutdown: route<Ok>()({ method: 'POST', path: '/api/v1/shutdown', body: b.shutdownBodySchema, status: 202 }),
  autopilot: route<AutopilotSnapshot>()({ method: 'GET', path: '/api/v1/autopilot' }),
  // The first tick (startup cleanup, a poll, launches) may take a while against a real tracker.
  autopilotStart: route<AutopilotSnapshot>()({
    method: 'POST',
    path: '/api/v1/autopilot/start',
    body: b.autopilotStartBodySchema,
    timeoutMs: 5 * MINUTE,
  }),
  autopilotStop: route<AutopilotSnapshot>()({
    method: 'POST',
    path: '/api/v1/autopilot/stop',
    body: b.emptyBodySchema,
  }),
  autopilotRefresh: route<RefreshReply>()({
    method: 'POST',
    path: '/api/v1/autopilot/refresh',
    body: b.emptyBodySchema,
    status: 202,
  }),
  launchIssue: route<TaskSnapshot>()({
    method: 'POST',
    path: '/api/v1/autopilot/issues/:id/launch',
    params: id,
    body: launchIssueSchema,
    status: 201,
    timeoutMs: 2 * MINUTE,
  }),
  stop: route<Ok>()({ method: 'POST', path: attempt('stop'), params: id, body: b.emptyBodySchema }),
  retry: route<Ok>()({ method: 'POST', path: attempt('retry'), params: id, body: b.emptyBodySchema }),
  resume: route<Ok>()({ method: 'POST', path: attempt('resume'), params: id, body: b.emptyBodySchema }),
  answer: route<Ok>()({ method: 'POST', path: attempt('answer'), params: id, body: b.answerBodySchema }),
  // A local land may run the repo's checks: allow it the check timeout and then some. A PR land answers once started.
  land: route<LandProgress>()({
    method: 'POST',
    path: attempt('land'),
    params: id,
    body: b.landBodySchema,
    timeoutMs: 30 * MINUTE,
  }),
  // Resolve with agent, then land: an agent turn and the checks, so it may take a while.
  resolve: route<LandProgress>()({
    method: 'POST',
    path: attempt('resolve'),
    params: id,
    body: b.emptyBodySchema,
    timeoutMs: 180 * MINUTE,
  }),
  followUp: route<FollowUpResult>()({
    method: 'POST',
    path: attempt('follow-up'),
    params: id,
    body: b.followUpBodySchema,
    timeoutMs: 180 * MINUTE,
  }),
  rework: route<ReworkResult>()({
    method: 'POST',
    path: attempt('rework'),
    params: id,
    body: b.reworkBodySchema,
    timeoutMs: 2 * MINUTE,
  }),
  /** Without `maxBytes` a plain array (one page); with it `{records, next}`. */
  journal: route<JournalRecord[] | JournalPage>()({
    method: 'GET',
    path: attempt('journal'),
    params: id,
    query: b.journalQuerySchema,
  }),
  /** SPEC §13.7 `/api/v1/<issue_identifier>`: a task, an attempt, or the task working a tracker issue. */
  issue: route<Record<string, unknown>>()({ method: 'GET', path: '/api/v1/:id', params: id }),
};

export type Routes = typeof ROUTES;
export type RouteName = keyof Routes;
