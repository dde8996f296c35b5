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
  ) {}

  /** Cancels any retry of the same issue, then schedules this one; returns the delay used. */
  schedule(issue: Pick<NormalizedIssue, 'id' | 'identifier' | 'url'>, attempt: number, kind: RetryKind, error: string | null): number {
    this.cancel(issue.id);
    const delay = retryDelay(kind, attempt, this.config());
    const entry: RetryView = { issueId: issue.id, identifier: issue.identifier, url: issue.url, attempt, dueAtMs: this.clock.now() + delay, error, kind };
    const timer = this.clock.setTimeout(() => {
      if (this.entries.get(issue.id)?.timer !== timer) return;
      this.entries.delete(issue.id);
      this.onDue(entry);
    }, delay);
    this.entries.set(issue.id, { ...entry, timer });
    return delay;
  }

  cancel(issueId: string): void {
    const r = this.entries.get(issueId);
    if (r) this.clock.clearTimeout(r.timer);
    this.entries.delete(issueId);
  }

  clear(): void {
    for (const id of [...this.entries.keys()]) this.cancel(id);
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
