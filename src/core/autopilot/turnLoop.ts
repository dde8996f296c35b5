// The worker side of the Autopilot (SPEC §16.5): watch each dispatched attempt, run continuation turns, decide when a worker exits.

import type { NormalizedIssue, TaskSource } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { afterTurn, attemptEnd, workerExit, type AttemptEnd } from './decisions';
import type { AutopilotHost } from './host';
import type { PromptBuilder } from './prompts';

export interface Worker {
  turn: number;
  end: AttemptEnd | null;
  busy: boolean;
  note: string | null;
}

/** One dispatched issue (SPEC §16.4 running entry); its attempts are the "worker". */
export interface RunningEntry {
  issue: NormalizedIssue;
  taskId: string | null;
  attempts: Map<string, Worker>;
  retryAttempt: number | null;
  startedAtMs: number;
  launching: boolean;
  cancel: { cleanup: boolean; why: string } | null;
}

export interface TurnLoopDeps {
  source: TaskSource;
  host: AutopilotHost;
  config(): AutopilotConfig;
  prompts: PromptBuilder;
  /** False once the entry left the running map or the Autopilot was stopped since `gen`. */
  isCurrent(entry: RunningEntry, gen?: number): boolean;
  generation(): number;
  /** Every attempt of the entry has ended: how the worker exited, with the attempts' notes. */
  onExit(entry: RunningEntry, outcome: 'normal' | 'abnormal' | 'stopped_by_user', notes: string): void;
  note(text: string, issue: string | null): void;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class TurnLoop {
  constructor(private readonly deps: TurnLoopDeps) {}

  /** Reacts to attempt phases: a finished turn may continue; attempts that ended are recorded; a worker whose attempts all ended exits. */
  check(entries: RunningEntry[]): void {
    for (const entry of entries) {
      if (entry.launching) continue;
      for (const [id, w] of entry.attempts) {
        if (w.end || w.busy) continue;
        const a = this.deps.host.attempt(id);
        const end = a ? attemptEnd(a.phase, a.reason) : 'failed';
        if (end === 'running') continue;
        if (end === 'turn_done') {
          void this.afterTurn(entry, id, w);
          continue;
        }
        w.end = end;
        w.note = a
          ? `${id} ${a.phase}${a.reason ? ` (${a.reason})` : ''}${a.lastError ? `: ${a.lastError}` : ''}`
          : `${id} vanished`;
      }
      this.maybeExit(entry);
    }
  }

  /**
   * After a clean turn: refresh the issue; while it stays active and routable, another turn on the same thread
   * (a follow-up, awaited until committed and scored), up to maxTurns (SPEC §16.5).
   */
  private async afterTurn(entry: RunningEntry, attemptId: string, w: Worker): Promise<void> {
    w.busy = true;
    const gen = this.deps.generation();
    for (;;) {
      let refreshed: NormalizedIssue | undefined;
      let failure: string | null = null;
      try {
        refreshed = (await this.deps.source.fetchIssuesByIds([entry.issue.id])).find((i) => i.id === entry.issue.id);
      } catch (err) {
        failure = `issue state refresh error: ${message(err)}`;
      }
      if (!this.deps.isCurrent(entry, gen)) return;
      if (refreshed) entry.issue = refreshed;
      const d = failure ? null : afterTurn(refreshed, w.turn, this.deps.config());
      if (!d || d.next === 'exit') {
        w.end = d ? 'normal' : 'failed';
        w.note = d?.next === 'exit' ? `${attemptId} done after turn ${w.turn}: ${d.why}` : failure;
        break;
      }
      w.turn = d.turn;
      this.deps.note(
        `${attemptId}: continuation turn ${d.turn} (${entry.issue.identifier} is still ${entry.issue.state})`,
        entry.issue.identifier,
      );
      let status: string;
      try {
        status = await this.deps.host.continueAttempt(
          attemptId,
          this.deps.prompts.continuation(entry.issue, d.turn, this.deps.config().maxTurns),
        );
      } catch (err) {
        status = `could not start: ${message(err)}`;
      }
      if (!this.deps.isCurrent(entry, gen)) return;
      if (status !== 'completed') {
        // The attempt keeps its earlier result; the worker failed and is retried (or held for review).
        w.end = 'failed';
        w.note = `${attemptId}: continuation turn ${d.turn} ${status}`;
        break;
      }
    }
    w.busy = false;
    this.maybeExit(entry);
  }

  private maybeExit(entry: RunningEntry): void {
    const workers = [...entry.attempts.values()];
    if (entry.launching || !this.deps.isCurrent(entry) || workers.some((w) => !w.end)) return;
    const notes = workers
      .map((w) => w.note)
      .filter(Boolean)
      .join('; ');
    this.deps.onExit(entry, workerExit(workers.map((w) => w.end as AttemptEnd)), notes);
  }
}
