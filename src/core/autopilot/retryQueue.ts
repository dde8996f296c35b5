// The Autopilot's retry queue (SPEC §4.1.7, §8.4): one timer per issue, replaced on reschedule, due times for the snapshot.

import type { NormalizedIssue } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { retryDelay, type RetryKind } from './decisions';
import type { Clock, TimerHandle } from '../execution/clock';
import type { RetryView } from './autopilotView';

export class RetryQueue {
  private readonly entries = new Map<string, RetryView & { timer: TimerHandle }>();

  constructor(
    private readonly clock: Clock,
    private readonly config: () => AutopilotConfig,
    private readonly onDue: (entry: RetryView) => void,
    /** The entries changed (scheduled, cancelled, due): where the queue is persisted, it is saved here. */
    private readonly onChanged: () => void = () => undefined,
  ) {}

  /** Cancels any retry of the same issue, then schedules this one; returns the delay used. */
  schedule(
    issue: Pick<NormalizedIssue, 'id' | 'identifier' | 'url'>,
    attempt: number,
    kind: RetryKind,
    error: string | null,
  ): number {
    const delay = retryDelay(kind, attempt, this.config());
    this.put({
      issueId: issue.id,
      identifier: issue.identifier,
      url: issue.url,
      attempt,
      dueAtMs: this.clock.now() + delay,
      error,
      kind,
    });
    return delay;
  }

  /** A retry saved by an earlier supervisor: due when it was due (at once if that time has passed). */
  restore(entry: RetryView): void {
    this.put(entry);
  }

  private put(entry: RetryView): void {
    this.drop(entry.issueId);
    const timer = this.clock.setTimeout(
      () => {
        if (this.entries.get(entry.issueId)?.timer !== timer) return;
        this.entries.delete(entry.issueId);
        this.onChanged();
        this.onDue(entry);
      },
      Math.max(0, entry.dueAtMs - this.clock.now()),
    );
    this.entries.set(entry.issueId, { ...entry, timer });
    this.onChanged();
  }

  cancel(issueId: string): void {
    if (this.drop(issueId)) this.onChanged();
  }

  private drop(issueId: string): boolean {
    const r = this.entries.get(issueId);
    if (r) this.clock.clearTimeout(r.timer);
    return this.entries.delete(issueId);
  }

  /** Cancels every retry; `quiet`: without telling the store (a shutdown keeps the saved queue for the next supervisor). */
  clear(quiet = false): void {
    const had = this.entries.size > 0;
    for (const id of [...this.entries.keys()]) this.drop(id);
    if (had && !quiet) this.onChanged();
  }

  has(issueId: string): boolean {
    return this.entries.has(issueId);
  }

  ids(): Set<string> {
    return new Set(this.entries.keys());
  }

  list(): RetryView[] {
    return [...this.entries.values()].map(({ timer: _t, ...r }) => r);
  }
}
