// The Autopilot's snapshot (SPEC §13.3/§13.7 running rows, retry rows, totals) and its bounded event log.

import type { AutopilotEvent, AutopilotIssueRow, AutopilotSnapshot, AutopilotStatus } from '../../shared/autopilot';
import type { NormalizedIssue } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { eligibility, sortForDispatch, type DispatchContext } from './scheduling';
import type { RetryKind } from './decisions';

const MAX_EVENTS = 200;
const MAX_ISSUE_ROWS = 300;

/** Recent events with increasing sequence numbers, so a client prints only what it has not seen. */
export class EventLog {
  private seq = 0;
  private readonly items: AutopilotEvent[] = [];

  push(at: number, message: string, issue: string | null): AutopilotEvent {
    const e = { seq: ++this.seq, at: new Date(at).toISOString(), message, issue };
    this.items.push(e);
    if (this.items.length > MAX_EVENTS) this.items.splice(0, this.items.length - MAX_EVENTS);
    return e;
  }

  list(): AutopilotEvent[] {
    return this.items.map((e) => ({ ...e }));
  }
}

export interface RunningView {
  issue: NormalizedIssue;
  taskId: string | null;
  attempts: Map<string, { turn: number }>;
  retryAttempt: number | null;
  startedAtMs: number;
}

export interface RetryView {
  issueId: string;
  identifier: string;
  url: string | null;
  attempt: number;
  dueAtMs: number;
  error: string | null;
  kind: RetryKind;
}

export interface ViewInput {
  configured: boolean;
  status: AutopilotStatus;
  source: string | null;
  config: AutopilotConfig;
  now: number;
  startedAt: number | null;
  lastPollAt: number | null;
  nextPollAt: number | null;
  lastPollError: string | null;
  running: RunningView[];
  retries: RetryView[];
  claimed: string[];
  known: NormalizedIssue[];
  ctx: DispatchContext;
  taskOf(issueId: string): string | null;
  totals: { dispatched: number; completed: number; failed: number; secondsRunning: number };
  events: AutopilotEvent[];
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

function issueRow(i: NormalizedIssue, input: ViewInput): AutopilotIssueRow {
  const running = input.running.some((r) => r.issue.id === i.id);
  const retry = input.retries.find((r) => r.issueId === i.id);
  const e = running || retry ? null : eligibility(i, input.ctx, input.config);
  const status = running ? 'running' : retry ? 'retrying' : e?.eligible ? 'eligible' : (e?.status ?? 'ineligible');
  const note = retry
    ? (retry.error ?? (retry.kind === 'continuation' ? 're-checking after a clean exit' : null))
    : e && !e.eligible
      ? e.why
      : null;
  return {
    id: i.id,
    identifier: i.identifier,
    title: i.title,
    state: i.state,
    labels: [...i.labels],
    url: i.url,
    priority: i.priority,
    status,
    note,
    taskId: input.taskOf(i.id),
  };
}

export function buildAutopilotSnapshot(input: ViewInput): AutopilotSnapshot {
  const liveSeconds = input.running.reduce((n, r) => n + Math.max(0, input.now - r.startedAtMs) / 1000, 0);
  return {
    configured: input.configured,
    status: input.status,
    source: input.source,
    startedAt: iso(input.startedAt),
    lastPollAt: iso(input.lastPollAt),
    nextPollAt: iso(input.nextPollAt),
    lastPollError: input.lastPollError,
    pollIntervalMs: input.config.pollIntervalMs,
    running: input.running.map((r) => ({
      issueId: r.issue.id,
      identifier: r.issue.identifier,
      title: r.issue.title,
      state: r.issue.state,
      url: r.issue.url,
      taskId: r.taskId,
      attemptIds: [...r.attempts.keys()],
      turn: Math.max(0, ...[...r.attempts.values()].map((a) => a.turn)),
      retryAttempt: r.retryAttempt,
      startedAt: new Date(r.startedAtMs).toISOString(),
    })),
    retrying: input.retries.map((r) => ({
      issueId: r.issueId,
      identifier: r.identifier,
      url: r.url,
      attempt: r.attempt,
      dueAt: new Date(r.dueAtMs).toISOString(),
      error: r.error,
      kind: r.kind,
    })),
    claimed: [...input.claimed],
    issues: sortForDispatch(input.known)
      .slice(0, MAX_ISSUE_ROWS)
      .map((i) => issueRow(i, input)),
    totals: { ...input.totals, secondsRunning: Math.round((input.totals.secondsRunning + liveSeconds) * 10) / 10 },
    events: input.events,
  };
}
