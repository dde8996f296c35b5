// The only owner of task/attempt state: launch, dispatch under a concurrency limit, stop, retry, stall, recover.

import { join, resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import { ATTEMPT_EXTRAS, isActive, isTerminal, ZERO_TOKENS, type Phase, type Reason, type Snapshot, type TaskSnapshot } from '../../shared/model';
import type { AgentEvent } from '../../shared/events';
import { DEFAULT_LAUNCH_OPTIONS, DEFAULT_RETENTION, type AnswerDecision, type LaunchRequest, type SupervisorSettings } from '../client/api';
import { attemptId, branchName, newTaskId, taskKey } from './ids';
import { buildSnapshot, isPersistedState, normalizeTask, taskSnapshot, type AttemptRecord, type PersistedState, type TaskRecord } from './records';
import { phaseForOutcome, retryDelayMs, stopSummary, transition } from './transitions';
import { StateStore } from '../observability/stateStore';
import { Journal, readJournal } from '../observability/journal';
import { humanize } from '../observability/humanize';
import { attemptTotal } from '../observability/tokens';
import { redact, scrubSecrets, secretValues } from '../config/secrets';
import { AttemptRunner, ATTEMPT_TAG, type AgentTools, type RunOutcome } from '../execution/attemptRunner';
import { killTree } from '../execution/processTree';
import { resolveCodexBinary } from '../execution/codexBinary';
import { commitWorktree, createWorktree, defaultWorktreeRoot, filesChangedSince, removeWorktree, repoWorktreeDir } from '../execution/worktrees';
import { headInfo, resolveCommit } from '../execution/gitRepo';
import { commitMessage } from '../policy/defaultPrompt';
import { WorkflowRuntime } from '../workflow/workflowRuntime';
import { AttemptSetupError } from '../workflow/attemptHooks';
import { validateLaunch, UsageError } from './validation';
import { DEMO_PROVIDER_ID } from './demoProvider';
import { Watchdog } from './watchdog';
import { CleanupService } from './cleanup';
import { branchTip, originOf, recoverState } from './reconstruct';
import { checkWorktreeRoot, validRetention } from './settings';
import { QuartetError } from '../execution/errors';
import { PortAllocator, resourceEnv } from '../execution/ports';
import { Landing } from './landing';
import { deleteTask, type DeletedTask } from './deleteTask';
import { FollowUps, type FollowUpOptions, type FollowUpResult } from './followUp';
import { resolveWithAgent } from './resolveConflicts';
import { giveSkills } from '../skills/giveSkills';
import type { LandProgress } from '../../shared/model';
import type { LandOptions, ReworkResult, TaskScore } from '../client/api';
import type { GithubCredentials } from '../land/closePr';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import { issueTaskKey, validateIssueSource } from './issueTasks';
import type { NormalizedIssue } from '../tracker/types';

export interface OrchestratorDeps {
  repo: string;
  stateDir: string;
  /** The supervisor's own environment (already without secrets); a task's request env overrides it. */
  env: Record<string, string>;
  /** Values of declared secrets in the supervisor's own environment: redacted from prompts and journals. */
  secrets?: readonly string[];
  log(line: string): void;
  /** Secret values held elsewhere in the supervisor (tracker credentials): redacted from journals like the task's own. */
  secretValues?: () => readonly string[];
}

/** What a fresh-thread run of a task made from an issue starts from (an Autopilot re-dispatch). */
export interface RetryInput {
  /** Task text for this run when the workflow has no template. */
  prompt?: string;
  /** The issue as refreshed now: the template renders it. */
  issue?: NormalizedIssue;
  /** The template's `attempt` (SPEC §12.3). */
  attempt?: number | null;
}

const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Thrown inside runAttempt when the user stopped the attempt before Codex started. */
class StoppedBeforeStart extends Error {}

export class Orchestrator extends EventEmitter {
  private tasks: TaskRecord[] = [];
  private warnings: string[] = [];
  private settings: SupervisorSettings = { maxConcurrent: null, worktreeRoot: null, stopWhenLastClientDisconnects: false, workflowPath: null, retention: { ...DEFAULT_RETENTION } };
  /** The repo's WORKFLOW.md: launch defaults, prompt, hooks; hot-reloaded, invalid edits keep the last good one. */
  readonly workflow: WorkflowRuntime;
  private readonly store: StateStore<PersistedState>;
  private readonly runners = new Map<string, AttemptRunner>();
  private readonly journals = new Map<string, Journal>();
  private readonly lastActivity = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly taskEnv = new Map<string, Record<string, string>>();
  /** Secret values a client sent by mistake: redacted from that task's journals. */
  private readonly secretsByTask = new Map<string, string[]>();
  private readonly ports = new PortAllocator();
  private readonly landing: Landing;
  private readonly followUps: FollowUps;
  private readonly watchdog: Watchdog;
  readonly cleanup: CleanupService;
  private stallTimer: NodeJS.Timeout | null = null;
  /** The Autopilot's view, merged into every snapshot (set by the supervisor). */
  private autopilotView: (() => AutopilotSnapshot) | null = null;
  private changeTimer: NodeJS.Timeout | null = null;
  /** Provider-native tools for tasks made from tracker issues (set by the supervisor's Autopilot service). */
  private agentTools: ((task: TaskRecord) => AgentTools | null) | null = null;

  constructor(private readonly deps: OrchestratorDeps) {
    super();
    this.store = new StateStore(deps.stateDir, isPersistedState);
    this.workflow = new WorkflowRuntime({
      repo: deps.repo,
      env: deps.env,
      log: deps.log,
      onChange: () => {
        this.changed();
        void this.dispatch();
      },
    });
    this.landing = new Landing({
      repo: deps.repo,
      stateDir: deps.stateDir,
      worktreeRoot: () => this.worktreeRoot(),
      tasks: () => this.tasks,
      updateAttempt: (id, change) => this.update(id, change),
      updateTask: (id, change) => this.updateTask(id, change),
      envFor: (taskId) => this.taskEnv.get(taskId) ?? this.deps.env,
      stop: (id) => this.stopAndWait(id),
      addAttempt: (task, addendum, reworkOf) => this.addAttempt(task, addendum, reworkOf),
      beforeRemove: (a) => this.workflow.hook('before_remove', { attemptId: a.id, taskId: a.taskId, worktree: a.worktree, branch: a.branch, env: this.taskEnv.get(a.taskId) ?? deps.env, journal: a.journal }).then(() => undefined),
      followUp: (id, prompt, options) => this.followUp(id, prompt, options),
      addSecret: (taskId, value) => this.secretsByTask.set(taskId, [...(this.secretsByTask.get(taskId) ?? []), value]),
      // A GitHub error could echo what a client sent: the log never shows a known secret.
      log: (line) => deps.log(redact(line, [...this.secretsByTask.values()].flat())),
    });
    this.followUps = new FollowUps({
      attempt: (id) => this.attempt(id),
      task: (id) => this.taskOf(id),
      update: (id, change) => this.update(id, change),
      dispatch: () => void this.dispatch(),
      finish: (id, message, journal) => this.finishRun(this.taskOf(id), id, message, journal),
      log: deps.log,
    });
    this.watchdog = new Watchdog({ halt: (id, reason, message) => this.halt(id, reason, message), log: deps.log });
    this.cleanup = new CleanupService({
      repo: deps.repo,
      stateDir: deps.stateDir,
      tasks: () => this.tasks,
      retention: () => this.settings.retention,
      updateAttempt: (id, change) => this.update(id, change),
      log: deps.log,
    });
  }

  land(attemptId: string, options: LandOptions = {}): Promise<LandProgress> {
    return options.pr ? this.landing.landAsPr(attemptId, options.github) : this.landing.land(attemptId);
  }

  /** One more turn on the attempt's own thread (see followUp.ts); settles once it ended, was committed and scored. */
  followUp(attemptId: string, prompt: string, options: FollowUpOptions): Promise<FollowUpResult> {
    return this.followUps.request(attemptId, prompt, options);
  }

  /** "Resolve with agent": merge the base into the attempt's worktree, a follow-up turn resolves the conflicts, then land. */
  resolve(attemptId: string): Promise<LandProgress> {
    return resolveWithAgent({
      repo: this.deps.repo,
      stateDir: this.deps.stateDir,
      attempt: (id) => this.attempt(id),
      task: (id) => this.taskOf(id),
      updateTask: (id, change) => this.updateTask(id, change),
      updateAttempt: (id, change) => this.update(id, change),
      followUp: (id, prompt, options) => this.followUp(id, prompt, options),
      land: (id, carried) => this.landing.land(id, carried),
      checkCommand: (task, worktree) => this.landing.checkCommand(task, worktree),
      log: this.deps.log,
    }, attemptId);
  }

  private taskOf(attemptId: string): TaskRecord {
    const t = this.tasks.find((x) => x.attempts.some((a) => a.id === attemptId));
    if (!t) throw new UsageError(`no attempt ${attemptId} in ${this.deps.repo}`);
    return t;
  }

  rework(attemptId: string, reason: string, github: GithubCredentials | null = null): Promise<ReworkResult> {
    return this.landing.rework(attemptId, reason, github);
  }

  score(taskId: string): TaskScore {
    return this.landing.rescore(taskId);
  }

  private updateTask(id: string, change: (t: TaskRecord) => TaskRecord): void {
    const i = this.tasks.findIndex((t) => t.id === id);
    if (i === -1) return;
    this.tasks[i] = change(this.tasks[i] as TaskRecord);
    this.changed(true);
  }

  /** Stops an attempt and waits until it has settled in a terminal phase. */
  async stopAndWait(id: string, reason: Reason = 'stopped_by_user'): Promise<void> {
    await this.stop(id, reason);
    for (let i = 0; i < 200 && !isTerminal(this.attempt(id).phase); i++) await new Promise((r) => setTimeout(r, 50));
  }

  private addAttempt(task: TaskRecord, promptAddendum: string, reworkOf: string): AttemptRecord {
    const index = Math.max(...task.attempts.map((a) => a.index)) + 1;
    const fresh = { ...this.newAttempt(task.id, task.key, index, task.baseCommit, this.worktreeRoot()), promptAddendum, reworkOf };
    task.attempts.push(fresh);
    this.changed(true);
    void this.dispatch();
    return fresh;
  }

  /** Loads state; attempts that were running when the previous supervisor died become `interrupted`. */
  start(): void {
    const recovered = recoverState(this.store.load(), join(this.deps.stateDir, 'journals'), (ref) => branchTip(this.deps.repo, ref));
    this.warnings.push(...recovered.warnings);
    const state = recovered.state;
    this.tasks = (state?.tasks ?? []).map(normalizeTask);
    if (state?.settings) this.settings = { ...this.settings, ...state.settings };
    this.workflow.setPath(this.settings.workflowPath);
    const now = new Date().toISOString();
    for (const t of this.tasks) {
      t.attempts = t.attempts.map((a) => {
        if (!isActive(a.phase)) return a;
        this.deps.log(`attempt=${a.id} phase=interrupted reason=supervisor_restart`);
        return { ...transition(a, 'interrupted', 'supervisor_restart', now), pending: null, lastEvent: 'interrupted: Quartet restarted while it ran' };
      });
    }
    this.persist();
    this.store.flush();
    // Checks cut off by the restart would show "running" forever: run them again.
    for (const a of this.tasks.flatMap((t) => t.attempts)) if (a.phase === 'finished' && a.checks?.state === 'running') void this.landing.afterFinish(a.id).catch(() => undefined);
    this.stallTimer = setInterval(() => this.checkStalls(), 1000);
    this.stallTimer.unref();
    void this.dispatch();
  }

  get currentSettings(): SupervisorSettings {
    return { ...this.settings, retention: { ...this.settings.retention } };
  }

  configure(settings: Partial<SupervisorSettings>): void {
    if (settings.maxConcurrent === null || (settings.maxConcurrent !== undefined && settings.maxConcurrent >= 1)) this.settings.maxConcurrent = settings.maxConcurrent === null ? null : Math.floor(settings.maxConcurrent);
    if (settings.worktreeRoot) checkWorktreeRoot(settings.worktreeRoot, this.deps.repo);
    if (settings.worktreeRoot !== undefined) this.settings.worktreeRoot = settings.worktreeRoot || null;
    if (settings.workflowPath !== undefined) this.workflow.setPath((this.settings.workflowPath = settings.workflowPath || null));
    if (settings.retention) this.settings.retention = validRetention(settings.retention, this.settings.retention);
    if (settings.stopWhenLastClientDisconnects !== undefined) this.settings.stopWhenLastClientDisconnects = settings.stopWhenLastClientDisconnects;
    this.emit('settings', { ...this.settings });
    this.persist();
    void this.dispatch();
  }

  snapshot(): Snapshot {
    const journalWarnings = [...this.journals.values(), this.store].map((j) => j.error).filter((e): e is string => !!e);
    const s = { ...buildSnapshot(this.deps.repo, this.tasks, [...this.warnings, ...this.workflow.warnings(), ...journalWarnings], new Date()), workflow: this.workflow.summary() };
    return this.autopilotView ? { ...s, autopilot: this.autopilotView() } : s;
  }

  /** The supervisor's Autopilot shows its state in every snapshot; `notify` re-broadcasts after it changed. */
  setAutopilotView(view: (() => AutopilotSnapshot) | null): void {
    this.autopilotView = view;
  }

  notify(): void {
    this.changed();
  }

  /** The tools a task's next Codex session gets (built once per session, so a reload never changes a running one). */
  setAgentTools(tools: ((task: TaskRecord) => AgentTools | null) | null): void {
    this.agentTools = tools;
  }

  /** Delete Task: stops its attempts, archives their work, removes worktrees and branches, forgets the task. */
  deleteTask(taskId: string): Promise<DeletedTask> {
    return deleteTask(
      {
        task: (id) => this.tasks.find((t) => t.id === id),
        stopAndWait: (id) => this.stopAndWait(id),
        archive: (id, reason) => this.landing.archive(id, reason),
        forget: (id) => {
          this.tasks = this.tasks.filter((t) => t.id !== id);
          this.taskEnv.delete(id);
          this.changed(true);
        },
        log: this.deps.log,
      },
      taskId,
    );
  }

  /** Archives an ended attempt (patch + post-mortem) and removes its worktree and branch (Autopilot: issue closed). */
  archiveAttempt(id: string, reason: string): Promise<AttemptRecord> {
    return this.landing.archive(id, reason);
  }

  /** Read-only view of the records (distill reads journals and rework notes from them). */
  records(): readonly TaskRecord[] {
    return this.tasks;
  }

  get repo(): string {
    return this.deps.repo;
  }

  get env(): Record<string, string> {
    return this.deps.env;
  }

  get stateDir(): string {
    return this.deps.stateDir;
  }

  worktreeRoot(): string {
    return this.settings.worktreeRoot ?? this.workflow.worktreeRoot() ?? defaultWorktreeRoot();
  }

  /** `issue`: a task made from a tracker issue (the template renders it; never taken from a client's request). */
  async launch(request: LaunchRequest, internal: { issue?: NormalizedIssue } = {}): Promise<TaskSnapshot> {
    this.workflow.refresh();
    // Precedence: Quartet's defaults < WORKFLOW.md < what the request says explicitly.
    const options = { ...DEFAULT_LAUNCH_OPTIONS, ...this.workflow.launchDefaults(), ...(request.options ?? {}) };
    // Scrub again here: a client that forgot to is no reason for a token to reach an agent.
    const sent = { ...this.deps.env, ...(request.env ?? {}) };
    const secretNames = [...this.workflow.secretNames(), ...(request.secretEnvNames ?? [])];
    const env = scrubSecrets(sent, secretNames);
    const sentSecrets = [...secretValues(sent, secretNames), ...(this.deps.secrets ?? [])];
    // A token pasted into a title or prompt would go to the model, the state file and every journal.
    const input = validateLaunch({ ...request, attempts: request.attempts ?? this.workflow.attempts() ?? undefined, title: redact(String(request.title ?? ''), sentSecrets), prompt: redact(String(request.prompt ?? ''), sentSecrets) });
    // Preflight before any worktree exists: a missing Codex must not leave half a task behind.
    const codex = await resolveCodexBinary({ env, repo: this.deps.repo });
    if (!codex.ok && /^codex(\s|$)/.test(options.codexCommand.trim())) throw new UsageError(codex.error);
    const head = await headInfo(this.deps.repo);
    const baseRef = options.base ?? head.branch ?? head.commit;
    if (!head.commit && !options.base) throw new UsageError(`${this.deps.repo} has no commits yet; commit something first so attempts have a base`);
    if (!baseRef) throw new UsageError('could not determine a base ref; pass --base');
    let baseCommit: string;
    try {
      baseCommit = await resolveCommit(this.deps.repo, baseRef);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const source = request.source ? validateIssueSource(request.source) : null;
    const root = this.worktreeRoot();
    checkWorktreeRoot(root, this.deps.repo);
    const id = newTaskId();
    const key = source ? issueTaskKey(source.identifier, input.title, id) : taskKey(input.title, id);
    const now = new Date().toISOString();
    const task: TaskRecord = {
      id, key, title: input.title, prompt: input.prompt, createdAt: now, state: 'open', baseRef, baseCommit, options, recommended: null, landing: null, source, issue: source ? (internal.issue ?? null) : null,
      attempts: Array.from({ length: input.attempts }, (_, i) => this.newAttempt(id, key, i + 1, baseCommit, root)),
    };
    this.tasks.push(task);
    this.taskEnv.set(id, env);
    this.persist();
    this.store.flush();
    this.secretsByTask.set(id, sentSecrets);
    this.deps.log(`task=${id} launched attempts=${input.attempts} base=${baseRef}@${baseCommit.slice(0, 10)}`);
    this.changed();
    void this.dispatch();
    return taskSnapshot(task);
  }

  private newAttempt(taskId: string, key: string, index: number, base: string, root: string): AttemptRecord {
    const id = attemptId(taskId, index);
    return {
      id, taskId, index, branch: branchName(key, index), base,
      // The final path is decided (and checked) when the worktree is created; this is where it will be.
      worktree: join(repoWorktreeDir(root, this.deps.repo), key, String(index)),
      phase: 'queued', reason: null, tokens: { ...ZERO_TOKENS }, tokensByThread: {},
      startedAt: null, endedAt: null, lastEvent: 'queued', lastEventAt: null, lastError: null,
      journal: join(this.deps.stateDir, 'journals', `${id}.jsonl`),
      threadId: null, threadIds: [], model: null, modelProvider: null, demoModel: false, pending: null,
      retries: 0, nextRetryAt: null, resultCommit: null, filesChanged: 0, ...ATTEMPT_EXTRAS,
    };
  }

  async stop(id: string, reason: Reason = 'stopped_by_user'): Promise<void> {
    const a = this.attempt(id);
    this.clearRetry(id);
    if (a.phase === 'queued') {
      if (this.followUps.cancel(id)) return;
      return this.update(id, (x) => transition(x, 'stopped', reason, new Date().toISOString()));
    }
    if (isTerminal(a.phase)) {
      if (a.nextRetryAt) this.update(id, (x) => ({ ...x, nextRetryAt: null }));
      return;
    }
    const runner = this.runners.get(id);
    if (runner) return runner.stop(reason);
    this.update(id, (x) => transition(x, 'stopped', reason, new Date().toISOString()));
    // Before Codex starts, what runs is a WORKFLOW.md hook: its processes carry the attempt's tag.
    await killTree(null, { name: ATTEMPT_TAG, value: id });
  }

  /** Retry: same worktree and branch, a new thread; `next` (an Autopilot re-dispatch) sets this run's prompt input. */
  retry(id: string, next: RetryInput = {}): void {
    const a = this.attempt(id);
    if (!isTerminal(a.phase) || a.phase === 'finished') throw new UsageError(`attempt ${id} is ${a.phase}; only failed, stalled, stopped or interrupted attempts can be retried`);
    this.clearRetry(id);
    this.update(id, (x) => ({ ...transition(x, 'queued', null, new Date().toISOString()), retries: x.retries + 1, nextRetryAt: null, lastEvent: 'queued for retry', lastError: null, resumeThread: null, nextPrompt: next.prompt ?? null, nextAttempt: next.attempt }));
    if (next.issue) this.updateTask(a.taskId, (t) => ({ ...t, issue: next.issue }));
    void this.dispatch();
  }


  /** Resume: same attempt, worktree, branch and Codex thread (`thread/resume`); for interrupted or stopped work. */
  resume(id: string): void {
    const a = this.attempt(id);
    if (!isTerminal(a.phase) || a.phase === 'finished' || !a.threadId) {
      throw new UsageError(`attempt ${id} is ${a.phase}${a.threadId ? '' : ' and never started a Codex thread'}; only interrupted, stopped, stalled or failed attempts with a thread can be resumed (use retry for a new thread)`);
    }
    this.clearRetry(id);
    this.update(id, (x) => ({ ...transition(x, 'queued', null, new Date().toISOString()), resumeThread: x.threadId, nextPrompt: null, nextRetryAt: null, lastEvent: 'queued to resume', lastError: null }));
    void this.dispatch();
  }

  answer(id: string, decision: AnswerDecision, text?: string): void {
    const a = this.attempt(id);
    const runner = this.runners.get(id);
    if (a.phase !== 'needs-you' || !runner || !runner.answer(decision, text)) throw new UsageError(`attempt ${id} is not waiting for an answer (phase ${a.phase})`);
  }

  journalRecords(id: string, from = 0): ReturnType<typeof readJournal> {
    return readJournal(this.attempt(id).journal, from);
  }

  attemptRecord(id: string): AttemptRecord | undefined {
    return this.tasks.flatMap((t) => t.attempts).find((a) => a.id === id);
  }

  taskRecord(id: string): TaskRecord | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  /** Stops every running attempt (used on shutdown when configured, and by tests). */
  async stopAll(reason: Reason = 'stopped_by_user'): Promise<void> {
    for (const t of this.retryTimers.keys()) this.clearRetry(t);
    await Promise.all([...this.runners.values()].map((r) => r.stop(reason)));
    for (const a of this.tasks.flatMap((t) => t.attempts)) {
      if (a.phase === 'queued' && !this.followUps.cancel(a.id)) this.update(a.id, (x) => transition(x, 'stopped', reason, new Date().toISOString()));
    }
  }

  /** What the supervisor holds right now (bench and tests: leaked ports, live runners). */
  diagnostics(): { pid: number; runners: string[]; ports: Record<string, { first: number; count: number }> } {
    return { pid: process.pid, runners: [...this.runners.keys()], ports: this.ports.snapshot() };
  }

  dispose(): void {
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.workflow.dispose();
    for (const t of this.retryTimers.values()) clearTimeout(t);
    this.store.close();
  }

  private attempt(id: string): AttemptRecord {
    const a = this.attemptRecord(id);
    if (!a) throw new UsageError(`no attempt ${id} in ${this.deps.repo}`);
    return a;
  }

  private update(id: string, change: (a: AttemptRecord) => AttemptRecord): void {
    for (const t of this.tasks) {
      const i = t.attempts.findIndex((a) => a.id === id);
      if (i === -1) continue;
      const before = t.attempts[i] as AttemptRecord;
      const after = change(before);
      t.attempts[i] = after;
      if (before.phase !== after.phase) {
        this.deps.log(`task=${t.id} attempt=${id} session=${after.threadId ?? '-'} phase=${after.phase}${after.reason ? ` reason=${after.reason}` : ''}`);
      }
      // Phases and threads must survive a crash at any moment; token and event churn may wait for the debounce.
      this.changed(before.phase !== after.phase || before.threadId !== after.threadId || before.worktree !== after.worktree);
      return;
    }
  }

  private changed(urgent = false): void {
    this.persist();
    if (urgent) this.store.flush();
    if (this.changeTimer) return;
    // Coalesce bursts (token updates, deltas) into at most ~10 snapshots a second.
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      this.emit('change', this.snapshot());
    }, 100);
  }

  /** Interrupts a running attempt's turn for a reason of its own (budget, looping, journal); false if it does not run. */
  private halt(id: string, reason: Reason, message: string): boolean {
    const runner = this.runners.get(id);
    if (!runner) return false;
    this.update(id, (x) => ({ ...x, lastError: message }));
    void runner.stop(reason);
    return true;
  }

  private persist(): void {
    this.store.save({ version: 1, tasks: this.tasks, settings: this.settings });
  }

  private activeCount(): number {
    return this.tasks.flatMap((t) => t.attempts).filter((a) => isActive(a.phase)).length;
  }

  private async dispatch(): Promise<void> {
    // SPEC §6.2: re-read defensively before dispatching, in case a watch event was missed (first: it may dispatch itself).
    this.workflow.refresh();
    const queued = this.tasks.flatMap((t) => t.attempts.filter((a) => a.phase === 'queued').map((a) => ({ t, a })));
    for (const { t, a } of queued) {
      if (this.activeCount() >= (this.settings.maxConcurrent ?? this.workflow.maxConcurrent() ?? 4)) return;
      this.update(a.id, (x) => ({ ...transition(x, 'preparing', null, new Date().toISOString()), lastEvent: 'preparing worktree', lastEventAt: new Date().toISOString() }));
      void this.runAttempt(t, a.id);
    }
  }

  private async runAttempt(task: TaskRecord, id: string): Promise<void> {
    const env = this.taskEnv.get(task.id) ?? this.deps.env;
    const existing = this.attempt(id).worktree;
    // A retry or resume keeps its worktree even if the root setting changed since (or was lost in a restart).
    const root = existsSync(existing) ? resolve(existing, '..', '..', '..') : this.worktreeRoot();
    let outcome: RunOutcome;
    const journal = new Journal(this.attempt(id).journal, [...secretValues(env), ...(this.secretsByTask.get(task.id) ?? []), ...(this.deps.secretValues?.() ?? [])], MAX_LINE_BYTES, {
      // A journal that cannot be written (full disk) ends the attempt: running on without a record would lose work silently.
      onError: (message) => this.halt(id, 'journal_failed', message),
    });
    this.journals.set(id, journal);
    try {
      const a = this.attempt(id);
      journal.event({ type: 'phase', phase: 'preparing', reason: null, message: 'preparing worktree', origin: originOf(task, a) });
      const wtStarted = Date.now();
      const wt = await createWorktree({ repo: this.deps.repo, root, taskKey: task.key, index: a.index, branch: a.branch, baseCommit: task.baseCommit });
      this.update(id, (x) => ({ ...x, worktree: wt.path }));
      const hookCtx = { attemptId: id, taskId: task.id, worktree: wt.path, branch: a.branch, env, journal };
      // A failed after_create leaves no half-prepared worktree: the retry creates it (and runs the hook) again.
      if (!wt.reused) await this.workflow.requireHook('after_create', hookCtx, () => removeWorktree(this.deps.repo, wt.path));
      const codex = await resolveCodexBinary({ env, repo: this.deps.repo });
      // Stopped while its worktree was being made: keep the worktree, start nothing.
      const current = this.attempt(id);
      if (isTerminal(current.phase)) throw new StoppedBeforeStart();
      const skills = await giveSkills({ worktree: wt.path, repo: this.deps.repo, base: task.baseCommit, journal, log: (line) => this.deps.log(`attempt=${id} ${line}`) });
      this.update(id, (x) => ({ ...x, skills }));
      const prompt = current.resumeThread ? '' : this.workflow.prompt({ task: current.nextPrompt ? { ...task, prompt: current.nextPrompt } : task, issue: task.issue ?? null, templateAttempt: current.nextAttempt, index: a.index, attempts: task.attempts.length, worktree: wt.path, branch: a.branch, retries: current.retries, addendum: current.promptAddendum ?? null });
      await this.workflow.requireHook('before_run', hookCtx);
      if (isTerminal(this.attempt(id).phase)) throw new StoppedBeforeStart();
      const ports = await this.ports.allocate(id);
      this.update(id, (x) => ({ ...transition(x, 'starting', null, new Date().toISOString()), lastEvent: 'starting Codex', lastEventAt: new Date().toISOString() }));
      journal.event({ type: 'phase', phase: 'starting', reason: null, message: `worktree ${wt.path}${wt.reused ? ' (reused)' : ` (ready in ${Date.now() - wtStarted} ms)`}${wt.copied.length ? `, copied ${wt.copied.join(', ')}` : ''}` });
      const runner = new AttemptRunner({
        attemptId: id,
        worktree: wt.path,
        worktreeRoot: repoWorktreeDir(root, this.deps.repo),
        prompt,
        developerInstructions: null,
        options: task.options,
        env: { ...env, ...resourceEnv(id, ports), QUARTET_TASK_ID: task.id, QUARTET_WORKTREE: wt.path },
        codexPath: codex.ok ? codex.path : null,
        journal,
        maxLineBytes: MAX_LINE_BYTES,
        resumeThreadId: current.resumeThread ?? null,
        resumePrompt: this.followUps.promptFor(id),
        tools: task.source ? (this.agentTools?.(task) ?? null) : null,
        hooks: {
          onEvent: (e) => this.onEvent(id, e),
          onActivity: () => this.lastActivity.set(id, Date.now()),
          onPending: (q) => this.update(id, (x) => (isTerminal(x.phase) ? x : { ...transition(x, q ? 'needs-you' : 'working', null, new Date().toISOString()), pending: q })),
        },
      });
      this.runners.set(id, runner);
      this.lastActivity.set(id, Date.now());
      if (journal.error) throw new QuartetError(journal.error, 'journal_failed');
      outcome = await runner.run();
      await this.workflow.hook('after_run', hookCtx);
    } catch (err) {
      outcome = err instanceof StoppedBeforeStart
        ? { status: 'stopped', reason: 'stopped_by_user' }
        : { status: 'failed', reason: err instanceof AttemptSetupError || err instanceof QuartetError ? err.reason : 'worktree_failed', message: (err as Error).message };
    } finally {
      this.runners.delete(id);
      this.lastActivity.delete(id);
      this.ports.release(id);
      this.watchdog.reset(id);
    }
    await this.settle(task, id, outcome, journal);
    journal.close();
    this.journals.delete(id);
    void this.dispatch();
  }

  private async settle(task: TaskRecord, id: string, outcome: RunOutcome, journal: Journal): Promise<void> {
    if (this.followUps.has(id)) return this.followUps.settle(id, outcome, journal);
    const a = this.attempt(id);
    if (isTerminal(a.phase)) return;
    const now = (): string => new Date().toISOString();
    if (outcome.status === 'completed') {
      try {
        await this.finishRun(task, id, outcome.finalMessage, journal);
      } catch (err) {
        this.fail(id, 'commit_failed', `could not commit the attempt's result: ${(err as Error).message}`);
      }
      return;
    }
    if (outcome.status === 'failed') return this.fail(id, outcome.reason, outcome.message);
    const phase: Phase = phaseForOutcome('stopped', outcome.reason);
    journal.event({ type: 'phase', phase, reason: outcome.reason });
    this.update(id, (x) => ({ ...transition(x, phase, outcome.reason, now()), pending: null, lastEvent: stopSummary(phase, outcome.reason), lastEventAt: now() }));
    if (phase === 'stalled') this.scheduleAutoRetry(task, id);
  }

  /** Commits what the agent left, marks the attempt finished and starts the scorecard (`scored`); throws when the commit fails. */
  private async finishRun(task: TaskRecord, id: string, finalMessage: string | null, journal: Journal): Promise<{ scored: Promise<void> }> {
    const a = this.attempt(id);
    const msg = commitMessage(finalMessage, task.title, id);
    const c = await commitWorktree(a.worktree, msg);
    const files = await filesChangedSince(a.worktree, a.base);
    const tip = c.commit ?? (files > 0 ? await resolveCommit(a.worktree, 'HEAD') : null);
    if (c.commit) {
      const committed: AgentEvent = { type: 'committed', commit: c.commit, files: c.files, message: msg.split('\n')[0] ?? '' };
      journal.event(committed); // the journal alone must be able to say what the result is
      this.onEvent(id, committed);
    }
    journal.event({ type: 'phase', phase: 'finished', reason: null, message: tip ? `result ${tip} (${files} files)` : 'no changes' });
    this.update(id, (x) => ({ ...transition(x, 'finished', null, new Date().toISOString()), resultCommit: tip, filesChanged: files, pending: null }));
    return { scored: this.landing.afterFinish(id).catch((err: unknown) => this.deps.log(`attempt=${id} scorecard failed: ${(err as Error).message}`)) };
  }

  private fail(id: string, reason: Reason, message: string): void {
    const now = new Date().toISOString();
    this.journals.get(id)?.event({ type: 'phase', phase: 'failed', reason, message });
    this.update(id, (x) => ({ ...transition(x, 'failed', reason, now), pending: null, lastError: message, lastEvent: `failed: ${message.slice(0, 100)}`, lastEventAt: now }));
    const task = this.tasks.find((t) => t.attempts.some((a) => a.id === id));
    if (task) this.scheduleAutoRetry(task, id);
  }

  private scheduleAutoRetry(task: TaskRecord, id: string): void {
    const a = this.attempt(id);
    if (a.retries >= task.options.maxRetries) return;
    const delay = retryDelayMs(a.retries + 1, task.options.maxRetryBackoffMs);
    this.update(id, (x) => ({ ...x, nextRetryAt: new Date(Date.now() + delay).toISOString() }));
    const timer = setTimeout(() => {
      this.retryTimers.delete(id);
      const cur = this.attemptRecord(id);
      if (cur && isTerminal(cur.phase) && cur.nextRetryAt) this.retry(id);
    }, delay);
    this.retryTimers.set(id, timer);
  }

  private clearRetry(id: string): void {
    const t = this.retryTimers.get(id);
    if (t) clearTimeout(t);
    this.retryTimers.delete(id);
  }

  private onEvent(id: string, e: AgentEvent): void {
    const task = this.tasks.find((t) => t.attempts.some((a) => a.id === id));
    if (task && this.runners.has(id)) this.watchdog.onEvent(task, this.attempt(id), e);
    const summary = humanize(e);
    const at = new Date().toISOString();
    this.update(id, (x) => {
      let next: AttemptRecord = summary ? { ...x, lastEvent: summary, lastEventAt: at } : x;
      if (e.type === 'session_started') {
        next = {
          ...transition(next, next.phase === 'starting' ? 'working' : next.phase, null, at),
          threadId: e.threadId, threadIds: next.threadIds.includes(e.threadId) ? next.threadIds : [...next.threadIds, e.threadId],
          model: e.model, modelProvider: e.modelProvider, resumeThread: null, nextPrompt: null, nextAttempt: undefined,
          demoModel: e.modelProvider === DEMO_PROVIDER_ID,
        };
      }
      if (e.type === 'tokens') {
        const byThread = { ...next.tokensByThread, [e.threadId]: e.totals };
        next = { ...next, tokensByThread: byThread, tokens: attemptTotal(byThread) };
      }
      if (e.type === 'error' && !e.willRetry) next = { ...next, lastError: e.message };
      return next;
    });
  }

  /** Stall detection (SPEC §8.5): silence longer than the task's stall timeout, paused while waiting on a person. */
  private checkStalls(): void {
    const now = Date.now();
    for (const t of this.tasks) {
      for (const a of t.attempts) {
        // SPEC §5.3.6: a stall timeout <= 0 disables stall detection.
        if ((a.phase !== 'working' && a.phase !== 'starting') || t.options.stallTimeoutMs <= 0) continue;
        const last = this.lastActivity.get(a.id);
        if (last === undefined || now - last < t.options.stallTimeoutMs) continue;
        this.lastActivity.set(a.id, now);
        this.deps.log(`task=${t.id} attempt=${a.id} stalled after ${t.options.stallTimeoutMs} ms of silence`);
        void this.runners.get(a.id)?.stop('stall_timeout');
      }
    }
  }
}
