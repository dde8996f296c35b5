// The Autopilot: polls a task source and works its issues as Quartet tasks — dispatch, turns, reconcile, retry (SPEC §7, §8, §16).

import type { AutopilotSnapshot, AutopilotStatus } from '../../shared/autopilot';
import type { NormalizedIssue, TaskSource } from '../tracker/types';
import type { AutopilotConfig } from './config';
import { issueHold, nextRetryAttempt, type RetryKind } from './decisions';
import { eligibility, hasSlotFor, isTerminalState, selectForDispatch, type DispatchContext } from './scheduling';
import { DEFAULT_PROMPTS, type PromptBuilder } from './prompts';
import { systemClock, type Clock } from '../execution/clock';
import type { AutopilotHost } from './host';
import { Ticker } from './ticker';
import { buildAutopilotSnapshot, EventLog, type RetryView } from './autopilotView';
import { RetryQueue } from './retryQueue';
import { TurnLoop, type RunningEntry } from './turnLoop';
import { Reconciler } from './reconciler';

export interface AutopilotDeps {
  source: TaskSource;
  host: AutopilotHost;
  config: AutopilotConfig;
  prompts?: PromptBuilder;
  clock?: Clock;
  /**
   * Per-tick dispatch preflight (SPEC §6.3; it may also apply a reloaded WORKFLOW.md through `reconfigure`, §6.2);
   * a message skips dispatch for that tick.
   */
  preflight?: () => string | null | Promise<string | null>;
  /** The snapshot changed (the supervisor re-broadcasts). */
  onChange?: () => void;
  /**
   * Where the retry queue outlives the process (`<state>/autopilot/retries`): what an earlier supervisor left is
   * resumed on start, and every change is saved. Absent: in memory only (SPEC §14.3's default).
   */
  queue?: { saved(): RetryView[]; save(entries: RetryView[]): void };
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class Autopilot {
  private status: AutopilotStatus = 'stopped';
  private readonly running = new Map<string, RunningEntry>();
  private readonly claimed = new Set<string>();
  private readonly retries: RetryQueue;
  private readonly turns: TurnLoop;
  private readonly reconciler: Reconciler;
  private readonly known = new Map<string, NormalizedIssue>();
  private readonly events = new EventLog();
  private readonly totals = { dispatched: 0, completed: 0, failed: 0, secondsRunning: 0 };
  private readonly clock: Clock;
  private readonly prompts: PromptBuilder;
  private readonly ticker: Ticker;
  /** Launches under way (`--once` waits for them so its answer names the tasks). */
  private readonly launching = new Set<Promise<void>>();
  /** Bumped by stop(): async work begun by an earlier run ignores its results. */
  private generation = 0;
  private unsubscribe: (() => void) | null = null;
  private startedAt: number | null = null;
  private lastPollAt: number | null = null;
  private lastPollError: string | null = null;

  constructor(private readonly deps: AutopilotDeps) {
    this.clock = deps.clock ?? systemClock;
    this.prompts = deps.prompts ?? DEFAULT_PROMPTS;
    this.ticker = new Ticker(
      this.clock,
      () => this.deps.config.pollIntervalMs,
      () => this.runTick(this.generation),
    );
    this.retries = new RetryQueue(
      this.clock,
      () => this.deps.config,
      (r) => void this.onRetry(r),
      () => this.deps.queue?.save(this.retries.list()),
    );
    this.turns = new TurnLoop({
      source: deps.source,
      host: deps.host,
      prompts: this.prompts,
      config: () => this.deps.config,
      isCurrent: (entry, gen) => this.isCurrent(entry, gen),
      generation: () => this.generation,
      onExit: (entry, outcome, notes) => this.onExit(entry, outcome, notes),
      note: (text, issue) => this.note(text, issue),
    });
    this.reconciler = new Reconciler({
      source: deps.source,
      host: deps.host,
      config: () => this.deps.config,
      running: () => [...this.running.values()],
      isCurrent: (entry, gen) => this.isCurrent(entry, gen),
      release: (entry) => {
        this.dropRunning(entry);
        this.claimed.delete(entry.issue.id);
        this.retries.cancel(entry.issue.id);
      },
      refreshed: (issue) => this.known.set(issue.id, issue),
      note: (text, issue) => this.note(text, issue ?? null),
    });
  }

  private isCurrent(entry: RunningEntry, gen?: number): boolean {
    return (gen === undefined || gen === this.generation) && this.running.get(entry.issue.id) === entry;
  }

  private checkWorkers(): void {
    if (this.status === 'running') this.turns.check([...this.running.values()]);
  }

  /** A reloaded configuration (SPEC §6.2): applies from now on — the next dispatch, retry and reconciliation. */
  reconfigure(config: AutopilotConfig, why?: string): void {
    this.deps.config = config;
    if (why) this.note(why);
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
    this.ticker.start();
    this.unsubscribe = this.deps.host.onChange(() => this.checkWorkers());
    this.note(`started on ${this.deps.source.label}`);
    this.resumeRetries();
    await this.reconciler.startupCleanup();
    await this.tick();
    if (!opts.once) return;
    await Promise.all([...this.launching]);
    this.stop('one tick done (--once)');
  }

  /** Retries an earlier supervisor saved: claimed again and due when they were due (SPEC §8.4's timers, restored). */
  private resumeRetries(): void {
    const saved = this.deps.queue?.saved() ?? [];
    for (const r of saved) {
      this.retries.restore(r);
      this.claimed.add(r.issueId);
    }
    if (saved.length)
      this.note(
        `resumed ${saved.length} retr${saved.length === 1 ? 'y' : 'ies'} from before the restart: ${saved.map((r) => r.identifier).join(', ')}`,
      );
  }

  /**
   * Stops polling, retries and continuation turns; attempts already running go on as ordinary tasks.
   * `keepQueue`: a supervisor shutting down leaves the saved retry queue for the next one to resume.
   */
  stop(why = 'stopped', opts: { keepQueue?: boolean } = {}): void {
    if (this.status === 'stopped') return;
    this.status = 'stopped';
    this.generation++;
    this.ticker.stop();
    this.retries.clear(opts.keepQueue === true);
    for (const e of this.running.values()) this.addRuntime(e);
    this.running.clear();
    this.claimed.clear();
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.note(`stopped: ${why}`);
  }

  /** SPEC §13.7 `POST /refresh`: an immediate poll + reconcile, coalesced with one already under way. */
  refresh(): { queued: boolean; coalesced: boolean } {
    if (this.status !== 'running') return { queued: false, coalesced: false };
    const coalesced = this.ticker.busy;
    void this.tick();
    return { queued: true, coalesced };
  }

  /** One poll-and-dispatch tick (SPEC §16.2); concurrent calls share the tick under way plus one more. */
  tick(): Promise<void> {
    return this.ticker.now();
  }

  snapshot(configured = true): AutopilotSnapshot {
    return buildAutopilotSnapshot({
      configured,
      status: this.status,
      source: this.deps.source.label,
      config: this.deps.config,
      now: this.clock.now(),
      startedAt: this.startedAt,
      lastPollAt: this.lastPollAt,
      nextPollAt: this.ticker.nextAt,
      lastPollError: this.lastPollError,
      running: [...this.running.values()],
      retries: this.retries.list(),
      claimed: [...this.claimed],
      known: [...this.known.values()],
      ctx: this.ctx(),
      taskOf: (id) => this.running.get(id)?.taskId ?? this.deps.host.issueTask(id)?.taskId ?? null,
      totals: this.totals,
      events: this.events.list(),
    });
  }

  private async runTick(gen: number): Promise<void> {
    try {
      await this.pollOnce(gen);
    } catch (err) {
      this.note(`tick failed: ${message(err)}`);
    }
    this.changed();
  }

  private async pollOnce(gen: number): Promise<void> {
    await this.reconciler.reconcile(gen);
    if (gen !== this.generation) return;
    const problem = (await this.deps.preflight?.()) ?? null;
    if (gen !== this.generation) return;
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

  private dispatch(issue: NormalizedIssue, attempt: number | null): void {
    const entry: RunningEntry = {
      issue,
      taskId: null,
      attempts: new Map(),
      retryAttempt: attempt,
      startedAtMs: this.clock.now(),
      launching: true,
      cancel: null,
    };
    this.running.set(issue.id, entry);
    this.claimed.add(issue.id);
    this.retries.cancel(issue.id);
    this.known.set(issue.id, issue);
    this.totals.dispatched++;
    this.note(
      `dispatching ${issue.identifier}${attempt === null ? '' : ` (retry attempt ${attempt})`}: ${issue.title}`,
      issue.identifier,
    );
    const launch = this.launch(entry, attempt, this.generation).finally(() => this.launching.delete(launch));
    this.launching.add(launch);
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
    if (entry.cancel && gen === this.generation) return this.reconciler.cancel(entry);
    if (gen !== this.generation) return;
    this.note(`${issue.identifier} → task ${launched.taskId} (${launched.attemptIds.join(', ')})`, issue.identifier);
    this.checkWorkers();
  }

  /** SPEC §16.6: normal exit → continuation retry (1 s); failure → backoff retry; stopped by a person → released. */
  private onExit(entry: RunningEntry, outcome: 'normal' | 'abnormal' | 'stopped_by_user', notes: string): void {
    this.dropRunning(entry);
    if (outcome === 'normal') {
      this.totals.completed++;
      if (this.deps.config.landPolicy === 'auto' && entry.taskId) this.autoLand(entry.issue, entry.taskId);
      this.scheduleRetry(entry.issue, 1, 'continuation', null, notes);
    } else if (outcome === 'stopped_by_user') {
      this.claimed.delete(entry.issue.id);
      this.note(
        `${entry.issue.identifier}: stopped by you; not picked up again until its task is retried or reworked`,
        entry.issue.identifier,
      );
    } else {
      this.totals.failed++;
      this.scheduleRetry(
        entry.issue,
        nextRetryAttempt(entry.retryAttempt),
        'failure',
        `worker exited: ${notes || 'no attempt ran'}`,
      );
    }
  }

  /** Quartet extension: `land.policy: auto` lands the result once its checks pass; otherwise it waits for a person. */
  private autoLand(issue: NormalizedIssue, taskId: string): void {
    const land = this.deps.host.landIssueTask;
    if (!land) return;
    const gen = this.generation;
    land
      .call(this.deps.host, taskId, () => gen === this.generation)
      .then(
        (what) => gen === this.generation && this.note(`${issue.identifier}: ${what}`, issue.identifier),
        (err: unknown) =>
          gen === this.generation &&
          this.note(`${issue.identifier}: auto land failed: ${message(err)}`, issue.identifier),
      );
  }

  private scheduleRetry(
    issue: Pick<NormalizedIssue, 'id' | 'identifier' | 'url'>,
    attempt: number,
    kind: RetryKind,
    error: string | null,
    why?: string,
  ): void {
    const delay = this.retries.schedule(issue, attempt, kind, error);
    this.claimed.add(issue.id);
    this.note(
      `${issue.identifier}: ${kind === 'continuation' ? 're-check' : `retry ${attempt}`} in ${delay / 1000} s${error ? ` (${error})` : why ? ` (${why})` : ''}`,
      issue.identifier,
    );
  }

  /** SPEC §16.6 `on_retry_timer`. */
  private async onRetry(r: RetryView): Promise<void> {
    if (this.status !== 'running') return;
    const issueId = r.issueId;
    const gen = this.generation;
    let issue: NormalizedIssue | undefined;
    try {
      issue = (await this.deps.source.fetchIssuesByIds([issueId])).find((i) => i.id === issueId);
    } catch (err) {
      if (gen === this.generation)
        this.scheduleRetry(
          { id: issueId, identifier: r.identifier, url: r.url },
          r.attempt + 1,
          'failure',
          `retry refresh failed: ${message(err)}`,
        );
      return this.changed();
    }
    if (gen !== this.generation) return;
    if (!issue) return this.release(issueId, `${r.identifier} is no longer visible`);
    this.known.set(issue.id, issue);
    if (isTerminalState(issue.state, this.deps.config)) {
      this.release(issueId, `${issue.identifier} is ${issue.state}; cleaning its worktrees`);
      return this.deps.host
        .cleanIssue(issueId, `${issue.identifier} is ${issue.state}`)
        .catch((err: unknown) => this.note(`cleanup of ${issue?.identifier} failed: ${message(err)}`));
    }
    const e = eligibility(issue, this.ctx(), this.deps.config, true);
    if (!e.eligible) return this.release(issueId, `${issue.identifier} released: ${e.why}`);
    if (!hasSlotFor(issue.state, this.runningStates(), this.deps.config))
      return this.scheduleRetry(issue, r.attempt + 1, 'failure', 'no available orchestrator slots');
    this.dispatch(issue, r.attempt);
  }

  private ctx(): DispatchContext {
    return {
      running: new Set(this.running.keys()),
      claimed: this.claimed,
      retrying: this.retries.ids(),
      hold: (id) => issueHold(this.deps.host.issueTask(id)),
    };
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

  private note(text: string, issue: string | null = null): void {
    this.events.push(this.clock.now(), text, issue);
    this.deps.host.log(`autopilot: ${text}`);
    this.changed();
  }

  private changed(): void {
    this.deps.onChange?.();
  }
}
