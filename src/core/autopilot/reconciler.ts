// Reconciliation of running issues with the tracker (SPEC §8.5 part B, §16.3) and startup cleanup of terminal issues (§8.6).

import type { NormalizedIssue, TaskSource } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { reconcileRunning } from './decisions';
import type { AutopilotHost } from './host';
import { isTerminalState } from './scheduling';
import type { RunningEntry } from './turnLoop';

export interface ReconcilerDeps {
  source: TaskSource;
  host: AutopilotHost;
  config(): AutopilotConfig;
  running(): RunningEntry[];
  isCurrent(entry: RunningEntry, gen?: number): boolean;
  /** Removes the entry from the running map and releases its claim and retry. */
  release(entry: RunningEntry): void;
  refreshed(issue: NormalizedIssue): void;
  note(text: string, issue?: string | null): void;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Reconciler {
  constructor(private readonly deps: ReconcilerDeps) {}

  /** Terminal → stop and clean; neither active nor terminal, unroutable or invisible → stop and keep; failure → keep all. */
  async reconcile(gen: number): Promise<void> {
    const entries = this.deps.running();
    if (!entries.length) return;
    let refreshed: NormalizedIssue[];
    try {
      refreshed = await this.deps.source.fetchIssuesByIds(entries.map((e) => e.issue.id));
    } catch (err) {
      return this.deps.note(
        `reconcile: tracker refresh failed, ${entries.length} issue(s) keep running: ${message(err)}`,
      );
    }
    const byId = new Map(refreshed.map((i) => [i.id, i]));
    await Promise.all(
      entries.map(async (entry) => {
        if (!this.deps.isCurrent(entry, gen)) return;
        const d = reconcileRunning(byId.get(entry.issue.id), this.deps.config());
        if (d.action === 'keep') {
          entry.issue = d.issue;
          this.deps.refreshed(d.issue);
        } else await this.terminate(entry, d.cleanup, d.why);
      }),
    );
  }

  async terminate(entry: RunningEntry, cleanup: boolean, why: string): Promise<void> {
    this.deps.release(entry);
    entry.cancel = { cleanup, why };
    this.deps.note(
      `stopping ${entry.issue.identifier}: ${why}${cleanup ? '; its worktrees are archived and removed' : ''}`,
      entry.issue.identifier,
    );
    // A launch still under way finishes the cancel itself once it knows the attempt ids.
    if (!entry.launching) await this.cancel(entry);
  }

  /** Stops the entry's attempts (reason canceled_by_reconciliation) and, for terminal issues, cleans their worktrees. */
  async cancel(entry: RunningEntry): Promise<void> {
    const fail = (err: unknown): void =>
      this.deps.note(`${entry.issue.identifier}: ${message(err)}`, entry.issue.identifier);
    await Promise.all([...entry.attempts.keys()].map((id) => this.deps.host.stopAttempt(id).catch(fail)));
    if (entry.cancel?.cleanup) await this.deps.host.cleanIssue(entry.issue.id, entry.cancel.why).catch(fail);
  }

  /**
   * SPEC §8.6. Asks the tracker only about issues that still have worktrees here rather than listing every
   * terminal issue: same effect, and a tracker with thousands of closed issues costs one small request.
   */
  async startupCleanup(): Promise<void> {
    const ids = this.deps.host.issuesWithWorktrees();
    if (!ids.length) return;
    try {
      for (const i of await this.deps.source.fetchIssuesByIds(ids)) {
        if (isTerminalState(i.state, this.deps.config()))
          await this.deps.host.cleanIssue(i.id, `${i.identifier} is ${i.state}`);
      }
    } catch (err) {
      this.deps.note(`startup cleanup skipped: ${message(err)}`);
    }
  }
}
