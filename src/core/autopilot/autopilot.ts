// The Autopilot: polls a task source and works its issues as Quartet tasks — dispatch, turns, reconcile, retry (SPEC §7, §8, §16).

import type { AutopilotSnapshot, AutopilotStatus } from '../../shared/autopilot';
import type { NormalizedIssue, TaskSource } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { afterTurn, attemptEnd, issueHold, nextRetryAttempt, reconcileRunning, retryDelay, workerExit, type AttemptEnd, type RetryKind } from './decisions';
import { eligibility, hasSlotFor, isTerminalState, selectForDispatch, type DispatchContext } from './scheduling';
import { DEFAULT_PROMPTS, type PromptBuilder } from './prompts';
import { systemClock, type AutopilotHost, type Clock, type TimerHandle } from './host';
import { buildAutopilotSnapshot, EventLog, type RetryView } from './autopilotView';

export interface AutopilotDeps {
  source: TaskSource;
  host: AutopilotHost;
  config: AutopilotConfig;
  prompts?: PromptBuilder;
  clock?: Clock;
  /** Per-tick dispatch preflight (SPEC §6.3); a message skips dispatch for that tick. */
  preflight?: () => string | null;
  /** The snapshot changed (the supervisor re-broadcasts). */
  onChange?: () => void;
}

interface Worker {
  turn: number;
  end: AttemptEnd | null;
  busy: boolean;
  note: string | null;
}

interface RunningEntry {
  issue: NormalizedIssue;
  taskId: string | null;
  attempts: Map<string, Worker>;
  retryAttempt: number | null;
  startedAtMs: number;
  launching: boolean;
  cancel: { cleanup: boolean; why: string } | null;
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Autopilot {
  private status: AutopilotStatus = 'stopped';
  private readonly running = new Map<string, RunningEntry>();
  private readonly claimed = new Set<string>();
  private readonly retries = new Map<string, RetryView & { timer: TimerHandle }>();
  private readonly completed = new Set<string>();
  private readonly known = new Map<string, NormalizedIssue>();
  private readonly events = new EventLog();
  private readonly totals = { dispatched: 0, completed: 0, failed: 0, secondsRunning: 0 };
  private readonly clock: Clock;
  private readonly prompts: PromptBuilder;
  private pollTimer: TimerHandle | null = null;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  /** Bumped by stop(): async work begun by an earlier run ignores its results. */
  private generation = 0;
  private unsubscribe: (() => void) | null = null;
  private startedAt: number | null = null;
  private lastPollAt: number | null = null;
  private nextPollAt: number | null = null;
  private lastPollError: string | null = null;

  constructor(private readonly deps: AutopilotDeps) {
    this.clock = deps.clock ?? systemClock;
    this.prompts = deps.prompts ?? DEFAULT_PROMPTS;
  }

  get isRunning(): boolean {
    return this.status === 'running';
  }

  /** SPEC §16.1: startup cleanup of terminal issues, then an immediate tick; `once` stops after it. */
  async start(opts: { once?: boolean } = {}): Promise<void> {
    if (this.status === 'running') return;
    this.status = 'running';
    this.generation++;
    this.startedAt = this.clock.now();
    this.unsubscribe = this.deps.host.onChange(() => this.checkWorkers());
    this.note(`started on ${this.deps.source.label}`);
    await this.startupCleanup();
    await this.tick();
    if (opts.once) this.stop('one tick done (--once)');
  }

  /** Stops polling, retries and continuation turns; attempts already running go on as ordinary tasks. */
  stop(why = 'stopped'): void {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.generation++;
    this.clearPollTimer();
    for (const r of this.retries.values()) this.clock.clearTimeout(r.timer);
    this.retries.clear();
    for (const e of this.running.values()) this.addRuntime(e);
    this.running.clear();
    this.claimed.clear();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.nextPollAt = null;
    this.note(`stopped: ${why}`);
  }

  /** SPEC §13.7 `POST /refresh`: an immediate poll + reconcile, coalesced with one already under way. */
  refresh(): { queued: boolean; coalesced: boolean } {
    if (this.status !== 'running') return { queued: false, coalesced: false };
    const coalesced = this.ticking !== null;
    void this.tick();
    return { queued: true, coalesced };
  }

  /** One poll-and-dispatch tick (SPEC §16.2); concurrent calls share the tick under way plus one more. */
  tick(): Promise<void> {
    if (this.status !== 'running') return Promise.resolve();
    if (this.ticking) {
      this.tickAgain = true;
      return this.ticking;
    }
    this.clearPollTimer();
    const gen = this.generation;
    this.ticking = this.runTick(gen)
      .catch((err: unknown) => this.note(`tick failed: ${message(err)}`))
      .finally(() => {
        this.ticking = null;
        if (gen !== this.generation) return;
        if (this.tickAgain) {
          this.tickAgain = false;
          void this.tick();
        } else this.schedulePoll();
        this.changed();
      });
    return this.ticking;
  }

  snapshot(configured = true): AutopilotSnapshot {
    return buildAutopilotSnapshot({
      configured, status: this.status, source: this.deps.source.label, config: this.deps.config, now: this.clock.now(),
      startedAt: this.startedAt, lastPollAt: this.lastPollAt, nextPollAt: this.nextPollAt, lastPollError: this.lastPollError,
      running: [...this.running.values()], retries: [...this.retries.values()], claimed: [...this.claimed], known: [...this.known.values()],
      ctx: this.ctx(), taskOf: (id) => this.running.get(id)?.taskId ?? this.deps.host.issueTask(id)?.taskId ?? null,
      totals: this.totals, events: this.events.list(),
    });
  }

  private async runTick(gen: number): Promise<void> {
    await this.reconcile(gen);
    if (gen !== this.generation) return;
    const problem = this.deps.preflight?.() ?? null;
    if (problem) {
      this.lastPollError = problem;
      return this.note(`dispatch skipped: ${problem}`);
    }
    let issues: NormalizedIssue[];
    try {
      issues = await this.deps.source.fetchIssuesByStates(this.deps.config.activeStates);
    } catch (err) {
      this.lastPollError = `tracker: ${message(err)}`;
      this.lastPollAt = this.clock.now();
      return this.note(`poll failed, trying again next tick: ${message(err)}`);
    }
    if (gen !== this.generation) return;
    this.lastPollAt = this.clock.now();
    this.lastPollError = null;
    for (const id of [...this.known.keys()]) if (!this.running.has(id) && !this.retries.has(id)) this.known.delete(id);
    for (const i of issues) this.known.set(i.id, i);
    const picked = selectForDispatch(issues, this.ctx(), this.runningStates(), this.deps.config);
    this.note(`poll: ${issues.length} active issue(s), dispatching ${picked.length}`);
    for (const issue of picked) this.dispatch(issue, null);
  }

  /** SPEC §8.5 part B (stalls are the orchestrator's: a stalled attempt ends the worker as a failure). */
  private async reconcile(gen: number): Promise<void> {
    const entries = [...this.running.values()];
    if (!entries.length) return;
    let refreshed: NormalizedIssue[];
    try {
      refreshed = await this.deps.source.fetchIssuesByIds(entries.map((e) => e.issue.id));
    } catch (err) {
      return this.note(`reconcile: tracker refresh failed, ${entries.length} issue(s) keep running: ${message(err)}`);
    }
    if (gen !== this.generation) return;
    const byId = new Map(refreshed.map((i) => [i.id, i]));
    await Promise.all(
      entries.map(async (entry) => {
        if (this.running.get(entry.issue.id) !== entry) return;
        const d = reconcileRunning(byId.get(entry.issue.id), this.deps.config);
        if (d.action === 'keep') {
          entry.issue = d.issue;
          this.known.set(d.issue.id, d.issue);
        } else await this.terminate(entry, d.cleanup, d.why);
      }),
    );
  }

  private dispatch(issue: NormalizedIssue, attempt: number | null): void {
    const entry: RunningEntry = { issue, taskId: null, attempts: new Map(), retryAttempt: attempt, startedAtMs: this.clock.now(), launching: true, cancel: null };
    this.running.set(issue.id, entry);
    this.claimed.add(issue.id);
    this.cancelRetry(issue.id);
    this.known.set(issue.id, issue);
    this.totals.dispatched++;
    this.note(`dispatching ${issue.identifier}${attempt === null ? '' : ` (retry attempt ${attempt})`}: ${issue.title}`, issue.identifier);
    void this.launch(entry, attempt, this.generation);
  }

  private async launch(entry: RunningEntry, attempt: number | null, gen: number): Promise<void> {
    const { issue } = entry;
    let launched: { taskId: string; attemptIds: string[] };
    try {
      launched = await this.deps.host.launchForIssue(issue, this.prompts.first(issue, attempt), attempt);
    } catch (err) {
      if (gen !== this.generation || this.running.get(issue.id) !== entry) return;
      this.dropRunning(entry);
      this.scheduleRetry(issue, nextRetryAttempt(attempt), 'failure', `failed to spawn agent: ${message(err)}`);
      return this.changed();
    }
    entry.launching = false;
    entry.taskId = launched.taskId;
    for (const id of launched.attemptIds) entry.attempts.set(id, { turn: 1, end: null, busy: false, note: null });
    // Reconciled while launching: the new attempts must not run for an issue nobody tracks.
    if (entry.cancel && gen === this.generation) return this.cancelEntry(entry);
    if (gen !== this.generation) return;
    this.note(`${issue.identifier} → task ${launched.taskId} (${launched.attemptIds.join(', ')})`, issue.identifier);
    this.checkWorkers();
  }

  /** Reacts to attempt phases: a finished turn may continue (SPEC §16.5); a worker whose attempts all ended exits. */
  private checkWorkers(): void {
    if (this.status !== 'running') return;
    for (const entry of [...this.running.values()]) {
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
        w.note = a ? `${id} ${a.phase}${a.reason ? ` (${a.reason})` : ''}${a.lastError ? `: ${a.lastError}` : ''}` : `${id} vanished`;
      }
      this.maybeExit(entry);
    }
  }

  private async afterTurn(entry: RunningEntry, attemptId: string, w: Worker): Promise<void> {
    w.busy = true;
    const gen = this.generation;
    let refreshed: NormalizedIssue | undefined;
    let failure: string | null = null;
    try {
      refreshed = (await this.deps.source.fetchIssuesByIds([entry.issue.id])).find((i) => i.id === entry.issue.id);
    } catch (err) {
      failure = `issue state refresh error: ${message(err)}`;
    }
    if (gen !== this.generation || this.running.get(entry.issue.id) !== entry) return;
    if (refreshed) entry.issue = refreshed;
    const d = failure ? null : afterTurn(refreshed, w.turn, this.deps.config);
    if (!d || d.next === 'exit') {
      w.end = failure ? 'failed' : 'normal';
      w.note = failure ?? (d?.next === 'exit' ? `${attemptId} done after turn ${w.turn}: ${d.why}` : null);
    } else {
      try {
        await this.deps.host.continueAttempt(attemptId, this.prompts.continuation(entry.issue, d.turn, this.deps.config.maxTurns));
        w.turn = d.turn;
        this.note(`${attemptId}: continuation turn ${d.turn} (${entry.issue.identifier} is still ${entry.issue.state})`, entry.issue.identifier);
      } catch (err) {
        w.end = 'failed';
        w.note = `${attemptId} could not continue: ${message(err)}`;
      }
    }
    w.busy = false;
    this.maybeExit(entry);
    this.changed();
  }

  /** SPEC §16.6: normal exit → continuation retry (1 s); failure → backoff retry; stopped by a person → released. */
  private maybeExit(entry: RunningEntry): void {
    const workers = [...entry.attempts.values()];
    if (entry.launching || this.running.get(entry.issue.id) !== entry || workers.some((w) => !w.end)) return;
    this.dropRunning(entry);
    const notes = workers.map((w) => w.note).filter(Boolean).join('; ');
    const outcome = workerExit(workers.map((w) => w.end as AttemptEnd));
    if (outcome === 'normal') {
      this.completed.add(entry.issue.id);
      this.totals.completed++;
      this.scheduleRetry(entry.issue, 1, 'continuation', null, notes);
    } else if (outcome === 'stopped_by_user') {
      this.claimed.delete(entry.issue.id);
      this.note(`${entry.issue.identifier}: stopped by you; not picked up again until its task is retried or reworked`, entry.issue.identifier);
    } else {
      this.totals.failed++;
      this.scheduleRetry(entry.issue, nextRetryAttempt(entry.retryAttempt), 'failure', `worker exited: ${notes || 'no attempt ran'}`);
    }
    this.changed();
  }

  private scheduleRetry(issue: Pick<NormalizedIssue, 'id' | 'identifier' | 'url'>, attempt: number, kind: RetryKind, error: string | null, why?: string): void {
    this.cancelRetry(issue.id);
    const delay = retryDelay(kind, attempt, this.deps.config);
    const timer = this.clock.setTimeout(() => void this.onRetry(issue.id), delay);
    this.retries.set(issue.id, { issueId: issue.id, identifier: issue.identifier, url: issue.url, attempt, dueAtMs: this.clock.now() + delay, error, kind, timer });
    this.claimed.add(issue.id);
    this.note(`${issue.identifier}: ${kind === 'continuation' ? 're-check' : `retry ${attempt}`} in ${delay / 1000} s${error ? ` (${error})` : why ? ` (${why})` : ''}`, issue.identifier);
  }

  /** SPEC §16.6 `on_retry_timer`. */
  private async onRetry(issueId: string): Promise<void> {
    const r = this.retries.get(issueId);
    if (!r || this.status !== 'running') return;
    this.retries.delete(issueId);
    const gen = this.generation;
    let issue: NormalizedIssue | undefined;
    try {
      issue = (await this.deps.source.fetchIssuesByIds([issueId])).find((i) => i.id === issueId);
    } catch (err) {
      if (gen === this.generation) this.scheduleRetry({ id: issueId, identifier: r.identifier, url: r.url }, r.attempt + 1, 'failure', `retry refresh failed: ${message(err)}`);
      return this.changed();
    }
    if (gen !== this.generation) return;
    if (!issue) return this.release(issueId, `${r.identifier} is no longer visible`);
    this.known.set(issue.id, issue);
    if (isTerminalState(issue.state, this.deps.config)) {
      this.release(issueId, `${issue.identifier} is ${issue.state}; cleaning its worktrees`);
      return this.deps.host.cleanIssue(issueId, `${issue.identifier} is ${issue.state}`).catch((err: unknown) => this.note(`cleanup of ${issue?.identifier} failed: ${message(err)}`));
    }
    const e = eligibility(issue, this.ctx(), this.deps.config, true);
    if (!e.eligible) return this.release(issueId, `${issue.identifier} released: ${e.why}`);
    if (!hasSlotFor(issue.state, this.runningStates(), this.deps.config)) return this.scheduleRetry(issue, r.attempt + 1, 'failure', 'no available orchestrator slots');
    this.dispatch(issue, r.attempt);
  }

  private async terminate(entry: RunningEntry, cleanup: boolean, why: string): Promise<void> {
    this.dropRunning(entry);
    this.claimed.delete(entry.issue.id);
    this.cancelRetry(entry.issue.id);
    entry.cancel = { cleanup, why };
    this.note(`stopping ${entry.issue.identifier}: ${why}${cleanup ? '; its worktrees are archived and removed' : ''}`, entry.issue.identifier);
    if (!entry.launching) await this.cancelEntry(entry);
  }

  private async cancelEntry(entry: RunningEntry): Promise<void> {
    const fail = (err: unknown): void => this.note(`${entry.issue.identifier}: ${message(err)}`, entry.issue.identifier);
    await Promise.all([...entry.attempts.keys()].map((id) => this.deps.host.stopAttempt(id).catch(fail)));
    if (entry.cancel?.cleanup) await this.deps.host.cleanIssue(entry.issue.id, entry.cancel.why).catch(fail);
    this.changed();
  }

  /** SPEC §8.6, asking the tracker only about issues that still have worktrees here. */
  private async startupCleanup(): Promise<void> {
    const ids = this.deps.host.issuesWithWorktrees();
    if (!ids.length) return;
    try {
      for (const i of await this.deps.source.fetchIssuesByIds(ids)) {
        if (isTerminalState(i.state, this.deps.config)) await this.deps.host.cleanIssue(i.id, `${i.identifier} is ${i.state}`);
      }
    } catch (err) {
      this.note(`startup cleanup skipped: ${message(err)}`);
    }
  }

  private ctx(): DispatchContext {
    return { running: new Set(this.running.keys()), claimed: this.claimed, retrying: new Set(this.retries.keys()), hold: (id) => issueHold(this.deps.host.issueTask(id)) };
  }

  private runningStates(): string[] {
    return [...this.running.values()].map((e) => e.issue.state);
  }

  private release(issueId: string, why: string): void {
    this.claimed.delete(issueId);
    this.note(why);
    this.changed();
  }

  private dropRunning(entry: RunningEntry): void {
    if (this.running.get(entry.issue.id) !== entry) return;
    this.running.delete(entry.issue.id);
    this.addRuntime(entry);
  }

  private addRuntime(entry: RunningEntry): void {
    this.totals.secondsRunning += Math.max(0, this.clock.now() - entry.startedAtMs) / 1000;
  }

  private cancelRetry(issueId: string): void {
    const r = this.retries.get(issueId);
    if (r) this.clock.clearTimeout(r.timer);
    this.retries.delete(issueId);
  }

  private schedulePoll(): void {
    if (this.status !== 'running') return;
    this.clearPollTimer();
    this.nextPollAt = this.clock.now() + this.deps.config.pollIntervalMs;
    this.pollTimer = this.clock.setTimeout(() => void this.tick(), this.deps.config.pollIntervalMs);
  }

  private clearPollTimer(): void {
    if (this.pollTimer !== null) this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }

  private note(text: string, issue: string | null = null): void {
    this.events.push(this.clock.now(), text, issue);
    this.deps.host.log(`autopilot: ${text}`);
    this.changed();
  }

  private changed(): void {
    this.deps.onChange?.();
  }
}
