// What a Codex event does to an attempt's record, and stall detection over the running attempts; state only via the host.

import type { AgentEvent } from '../../shared/events';
import type { AttemptRecord, TaskRecord } from './records';
import type { AttemptRunner } from '../execution/attemptRunner';
import type { Watchdog } from './watchdog';
import { transition } from './transitions';
import { humanize } from '../observability/humanize';
import { attemptTotal } from '../observability/tokens';
import { DEMO_PROVIDER_ID } from '../../shared/demoProvider';

/** What event handling needs from the orchestrator (the only owner of run state). */
export interface EventHost {
  tasks(): readonly TaskRecord[];
  attempt(id: string): AttemptRecord;
  update(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  log(line: string): void;
  readonly watchdog: Watchdog;
  readonly runners: Map<string, AttemptRunner>;
  readonly lastActivity: Map<string, number>;
}

/** The attempt's record after event `e` arrived at `at` (`summary`: the event as shown, if it shows). */
export function withEvent(x: AttemptRecord, e: AgentEvent, summary: string | null, at: string): AttemptRecord {
  let next: AttemptRecord = summary ? { ...x, lastEvent: summary, lastEventAt: at } : x;
  if (e.type === 'session_started') {
    next = {
      ...transition(next, next.phase === 'starting' ? 'working' : next.phase, null, at),
      threadId: e.threadId,
      threadIds: next.threadIds.includes(e.threadId) ? next.threadIds : [...next.threadIds, e.threadId],
      model: e.model,
      modelProvider: e.modelProvider,
      resumeThread: null,
      nextPrompt: null,
      nextAttempt: undefined,
      demoModel: e.modelProvider === DEMO_PROVIDER_ID,
    };
  }
  if (e.type === 'tokens') {
    const byThread = { ...next.tokensByThread, [e.threadId]: e.totals };
    next = { ...next, tokensByThread: byThread, tokens: attemptTotal(byThread) };
  }
  if (e.type === 'error' && !e.willRetry) next = { ...next, lastError: e.message };
  return next;
}

/** Records an attempt's event; a running attempt's watchdog sees it first (budgets, loops). */
export function onAttemptEvent(host: EventHost, id: string, e: AgentEvent): void {
  const task = host.tasks().find((t) => t.attempts.some((a) => a.id === id));
  if (task && host.runners.has(id)) host.watchdog.onEvent(task, host.attempt(id), e);
  const summary = humanize(e);
  const at = new Date().toISOString();
  host.update(id, (x) => withEvent(x, e, summary, at));
}

/** Stall detection (SPEC §8.5): silence longer than the task's stall timeout, paused while waiting on a person. */
export function checkStalls(host: EventHost): void {
  const now = Date.now();
  for (const t of host.tasks()) {
    for (const a of t.attempts) {
      // SPEC §5.3.6: a stall timeout <= 0 disables stall detection.
      if ((a.phase !== 'working' && a.phase !== 'starting') || t.options.stallTimeoutMs <= 0) continue;
      const last = host.lastActivity.get(a.id);
      if (last === undefined || now - last < t.options.stallTimeoutMs) continue;
      host.lastActivity.set(a.id, now);
      host.log(`task=${t.id} attempt=${a.id} stalled after ${t.options.stallTimeoutMs} ms of silence`);
      void host.runners.get(a.id)?.stop('stall_timeout');
    }
  }
}

/** Fields every event touches: worth a snapshot to the clients, not a state file write of their own. */
const CHURN_FIELDS: ReadonlySet<string> = new Set(['lastEvent', 'lastEventAt', 'tokens', 'tokensByThread']);

/** Whether `after` differs from `before` only in churn fields. */
export function onlyChurn(before: AttemptRecord, after: AttemptRecord): boolean {
  const b = before as unknown as Record<string, unknown>;
  const a = after as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(b), ...Object.keys(a)]))
    if (b[k] !== a[k] && !CHURN_FIELDS.has(k)) return false;
  return true;
}
