// Symphony SPEC §13.7 views of Quartet's state: `GET /api/v1/state` and `GET /api/v1/<id>` shapes.

import { isActive, type AttemptSnapshot, type Snapshot } from '../../shared/model';

function tokens(a: AttemptSnapshot): Record<string, number> {
  return { input_tokens: a.tokens.input, output_tokens: a.tokens.output, total_tokens: a.tokens.total };
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
    retrying: retrying.map(({ a }) => ({ issue_id: a.id, issue_identifier: a.id, attempt: a.retries + 1, due_at: a.nextRetryAt, error: a.lastError })),
    codex_totals: {
      input_tokens: sum((a) => a.tokens.input),
      output_tokens: sum((a) => a.tokens.output),
      total_tokens: sum((a) => a.tokens.total),
      seconds_running: Math.round(sum((a) => seconds(a, now)) * 10) / 10,
    },
    rate_limits: null,
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
    running: isActive(a.phase)
      ? { session_id: a.threadId, state: a.phase, started_at: a.startedAt, last_event: a.lastEvent, last_event_at: a.lastEventAt, tokens: tokens(a) }
      : null,
    retry: a.nextRetryAt ? { due_at: a.nextRetryAt } : null,
    logs: { codex_session_logs: [{ label: 'journal', path: a.journal, url: null }] },
    last_error: a.lastError,
    tracked: { attempt: a },
  };
}
