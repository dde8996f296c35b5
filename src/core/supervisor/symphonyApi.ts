// Symphony SPEC §13.7 views of Quartet's state: `GET /api/v1/state` and `GET /api/v1/<id>` shapes.

import { isActive, type AttemptSnapshot, type Snapshot, type TaskSnapshot } from '../../shared/model';
import type { AutopilotSnapshot } from '../../shared/autopilot';

function tokens(a: AttemptSnapshot): Record<string, number> {
  return { input_tokens: a.tokens.input, output_tokens: a.tokens.output, total_tokens: a.tokens.total };
}

/** SPEC §13.7's view of one live session (an attempt's Codex thread). */
function session(a: AttemptSnapshot): Record<string, unknown> {
  return {
    session_id: a.threadId,
    state: a.phase,
    started_at: a.startedAt,
    last_event: a.lastEvent,
    last_event_at: a.lastEventAt,
    tokens: tokens(a),
  };
}

function seconds(a: AttemptSnapshot, now: number): number {
  if (!a.startedAt) return 0;
  const end = a.endedAt ? Date.parse(a.endedAt) : now;
  return Math.max(0, (end - Date.parse(a.startedAt)) / 1000);
}

export function stateView(s: Snapshot): Record<string, unknown> {
  const now = Date.now();
  const attempts = s.tasks.flatMap((t) => t.attempts.map((a) => ({ t, a })));
  const running = attempts.filter(({ a }) => isActive(a.phase));
  const retrying = attempts.filter(({ a }) => a.nextRetryAt);
  const sum = (f: (a: AttemptSnapshot) => number): number => attempts.reduce((n, { a }) => n + f(a), 0);
  return {
    generated_at: s.generatedAt,
    counts: { running: running.length, retrying: retrying.length },
    running: running.map(({ t, a }) => ({
      issue_id: a.id,
      issue_identifier: a.id,
      title: t.title,
      state: a.phase,
      session_id: a.threadId,
      last_event: a.lastEvent,
      started_at: a.startedAt,
      last_event_at: a.lastEventAt,
      tokens: tokens(a),
    })),
    retrying: retrying.map(({ a }) => ({
      issue_id: a.id,
      issue_identifier: a.id,
      attempt: a.retries + 1,
      due_at: a.nextRetryAt,
      error: a.lastError,
    })),
    codex_totals: {
      input_tokens: sum((a) => a.tokens.input),
      output_tokens: sum((a) => a.tokens.output),
      total_tokens: sum((a) => a.tokens.total),
      seconds_running: Math.round(sum((a) => seconds(a, now)) * 10) / 10,
    },
    // The tracker's latest stated budget (GitHub x-ratelimit-*, Linear x-ratelimit-requests-*); null before any response.
    rate_limits: s.autopilot?.rateLimits ?? null,
    ...(s.autopilot ? { autopilot: autopilotView(s.autopilot, s) } : {}),
  };
}

/** The Autopilot in the SPEC §13.7 shape: one running row per tracker issue, retry rows with due times. */
function autopilotView(ap: AutopilotSnapshot, s: Snapshot): Record<string, unknown> {
  const attempts = new Map(s.tasks.flatMap((t) => t.attempts.map((a) => [a.id, a] as const)));
  return {
    status: ap.status,
    source: ap.source,
    last_poll_at: ap.lastPollAt,
    next_poll_at: ap.nextPollAt,
    last_error: ap.lastPollError,
    counts: { running: ap.running.length, retrying: ap.retrying.length },
    running: ap.running.map((r) => {
      const live = r.attemptIds.map((id) => attempts.get(id)).filter((a): a is AttemptSnapshot => !!a);
      const latest = [...live].sort((a, b) => (b.lastEventAt ?? '').localeCompare(a.lastEventAt ?? ''))[0];
      return {
        issue_id: r.issueId,
        issue_identifier: r.identifier,
        issue_url: r.url,
        state: r.state,
        task_id: r.taskId,
        attempt_ids: r.attemptIds,
        session_id: latest?.threadId ?? null,
        turn_count: r.turn,
        last_event: latest?.lastEvent ?? null,
        last_message: latest?.lastEvent ?? null,
        recent_events: ap.events
          .filter((e) => e.issue === r.identifier)
          .slice(-5)
          .map((e) => ({ at: e.at, message: e.message })),
        started_at: r.startedAt,
        last_event_at: latest?.lastEventAt ?? null,
        tokens: {
          input_tokens: live.reduce((n, a) => n + a.tokens.input, 0),
          output_tokens: live.reduce((n, a) => n + a.tokens.output, 0),
          total_tokens: live.reduce((n, a) => n + a.tokens.total, 0),
        },
      };
    }),
    retrying: ap.retrying.map((r) => ({
      issue_id: r.issueId,
      issue_identifier: r.identifier,
      issue_url: r.url,
      attempt: r.attempt,
      due_at: r.dueAt,
      error: r.error,
    })),
    totals: ap.totals,
  };
}

export function attemptView(a: AttemptSnapshot, title: string): Record<string, unknown> {
  return {
    issue_identifier: a.id,
    issue_id: a.id,
    title,
    status: a.phase,
    reason: a.reason,
    workspace: { path: a.worktree, branch: a.branch, base: a.base },
    attempts: { restart_count: a.retries, current_retry_attempt: a.nextRetryAt ? a.retries + 1 : null },
    running: isActive(a.phase) ? session(a) : null,
    retry: a.nextRetryAt ? { due_at: a.nextRetryAt } : null,
    logs: { codex_session_logs: [{ label: 'journal', path: a.journal, url: null }] },
    last_error: a.lastError,
    tracked: { attempt: a },
  };
}

/** The task working a tracker issue named by its identifier (`#12`, `MT-649`, any case) or its id; the newest one. */
export function taskForIssue(s: Snapshot, key: string): TaskSnapshot | null {
  const k = key.trim().toLowerCase();
  const matches = s.tasks.filter(
    (t) => t.source && (t.source.identifier.toLowerCase() === k || t.source.issueId === key),
  );
  return matches.sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0] ?? null;
}

/** SPEC §13.7 `GET /api/v1/<issue_identifier>` for a tracker issue: its task's attempts, its retry, its recent events. */
export function issueView(t: TaskSnapshot, ap: AutopilotSnapshot | undefined): Record<string, unknown> {
  const src = t.source as NonNullable<TaskSnapshot['source']>;
  const live = t.attempts.filter((a) => isActive(a.phase));
  const retry = ap?.retrying.find((r) => r.issueId === src.issueId) ?? null;
  const worker = ap?.running.find((r) => r.issueId === src.issueId) ?? null;
  const latest = [...t.attempts].sort((a, b) => (b.lastEventAt ?? '').localeCompare(a.lastEventAt ?? ''))[0];
  return {
    issue_identifier: src.identifier,
    issue_id: src.issueId,
    issue_url: src.url,
    title: t.title,
    status: live.length ? 'running' : retry ? 'retrying' : t.state,
    task_id: t.id,
    attempts: {
      restart_count: t.attempts.reduce((n, a) => n + a.retries, 0),
      current_retry_attempt: retry?.attempt ?? null,
    },
    running: live.length
      ? {
          turn_count: worker?.turn ?? null,
          sessions: live.map((a) => ({ attempt_id: a.id, ...session(a) })),
        }
      : null,
    retry: retry ? { attempt: retry.attempt, due_at: retry.dueAt, error: retry.error } : null,
    workspaces: t.attempts.map((a) => ({ attempt_id: a.id, path: a.worktree, branch: a.branch, status: a.phase })),
    logs: {
      codex_session_logs: t.attempts.map((a) => ({ label: `attempt ${a.index} journal`, path: a.journal, url: null })),
    },
    last_message: latest?.lastEvent ?? null,
    recent_events: (ap?.events ?? [])
      .filter((e) => e.issue === src.identifier)
      .slice(-20)
      .map((e) => ({ at: e.at, message: e.message })),
    last_error: latest?.lastError ?? null,
  };
}
