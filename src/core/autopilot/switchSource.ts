// A TaskSource whose adapter can be replaced: a reloaded WORKFLOW.md with a new tracker config applies to the next tick.

import type { NormalizedIssue, TaskSource } from '../tracker/types';
import type { TrackerRateLimits } from '../../shared/autopilot';

export class SwitchSource implements TaskSource {
  constructor(private inner: TaskSource) {}

  /** From now on, reads go to `next` (reads under way finish on the old adapter). */
  set(next: TaskSource): void {
    this.inner = next;
  }

  get kind(): string {
    return this.inner.kind;
  }

  get label(): string {
    return this.inner.label;
  }

  get secretEnvNames(): readonly string[] {
    return this.inner.secretEnvNames ?? [];
  }

  fetchIssuesByStates(stateNames: string[]): Promise<NormalizedIssue[]> {
    return this.inner.fetchIssuesByStates(stateNames);
  }

  fetchIssuesByIds(ids: string[]): Promise<NormalizedIssue[]> {
    return this.inner.fetchIssuesByIds(ids);
  }

  async preflight(): Promise<void> {
    await this.inner.preflight?.();
  }

  rateLimits(): TrackerRateLimits | null {
    return this.inner.rateLimits?.() ?? null;
  }
}
