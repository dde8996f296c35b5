// The only owner of task/attempt state: launch, dispatch under a concurrency limit, stop, retry, stall, recover.

import { join } from 'node:path';
import { EventEmitter } from 'node:events';
import {
  isActive,
  isTerminal,
  type Reason,
  type Snapshot,
  type TaskSnapshot,
  type LandProgress,
  type WorkerView,
} from '../../shared/model';
import { DEFAULT_RETENTION, type SupervisorSettings } from '../contract/settings';
import type { AnswerDecision, DeletedTask, FollowUpResult } from '../contract/replies';
import type { LaunchRequest } from '../contract/launch';
import {
  buildSnapshot,
  snapshotCounts,
  isPersistedState,
  normalizeTask,
  taskSnapshot,
  type AttemptRecord,
  type PersistedState,
  type TaskRecord,
} from './records';
import { transition } from './transitions';
import { StateStore } from '../observability/stateStore';
import { DEFAULT_JOURNAL_BUDGET, readJournal, type Journal } from '../observability/journal';
import { readIndexedPage, type JournalPage } from '../observability/journalIndex';
import { redact } from '../config/secrets';
import type { AgentTools, AttemptRunner } from '../execution/attemptRunner';
import { defaultWorktreeRoot } from '../git/worktrees';
import { WorkflowRuntime } from '../workflow/workflowRuntime';
import { UsageError } from './validation';
import { Watchdog } from './watchdog';
import { budgetStop, hasTaskBudget, taskBudgetBreach, unfinished } from './earlyStop';
import { WorktreePool } from '../git/worktreePool';
import { CleanupService } from './cleanup';
import { branchTip, recoverState } from './reconstruct';
import { dependencyDirRules } from '../execution/dependencyRules';
import { WorkerPool } from '../workers/workerPool';
import { removeRemoteRun } from '../workers/remoteRun';
import {
  checkWorktreeRoot,
  validCommandPrefixes,
  validDependencyCopy,
  validWorkers,
  validWorktreePool,
  validDependencyDirs,
  validJournalBudget,
  validRetention,
} from './settings';
import { PortAllocator } from '../execution/ports';
import { Scoring } from './scoring';
import { Archiving } from './archiving';
import { reworkAttempt } from './rework';
import { asUsage, flagOtherTasks, recordLanded, type LandedHost } from './landed';
import { landAttempt } from '../land/landAttempt';
import { landAttemptAsPr } from '../land/prLanding';
import { undoTaskLand } from '../land/undoTask';
import type { LandFlowHost } from '../land/landFlow';
import { deleteTask } from './deleteTask';
import type { UndoLandResult, LandOptions, ReworkResult, TaskScore, GithubCredentials } from '../contract/land';
import { FollowUps, type FollowUpOptions } from './followUp';
import { resolveWithAgent } from '../land/resolve';
import type { SnapshotHead } from '../../shared/snapshotDelta';
import type { AutopilotSnapshot } from '../../shared/autopilot';
import type { NormalizedIssue } from '../tracker/types';
import { AttemptPipeline, type PipelineHost } from './attemptPipeline';
import { checkStalls, onAttemptEvent, onlyChurn } from './attemptEvents';
import { newAttempt, planLaunch } from './launchPlan';
import {
  resumeAttempt,
  retryAttempt,
  stopAllAttempts,
  stopAttempt,
  type ControlHost,
  type RetryInput,
} from './attemptControls';

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

export type { RetryInput } from './attemptControls';

export class Orchestrator extends EventEmitter {
  private tasks: TaskRecord[] = [];
  private warnings: string[] = [];
  /** The user's "always allow" command prefixes: memory only, sent by a client (VS Code user settings). */
  private allowedCommandPrefixes: string[] = [];
  private settings: SupervisorSettings = {
    maxConcurrent: null,
    worktreeRoot: null,
    stopWhenLastClientDisconnects: false,
    workflowPath: null,
    retention: { ...DEFAULT_RETENTION },
    journalMaxBytesPerAttempt: null,
  };
  /** The repo's WORKFLOW.md: launch defaults, prompt, hooks; hot-reloaded, invalid edits keep the last good one. */
  readonly workflow: WorkflowRuntime;
  /** Worker hosts (the `workers` setting) with their health; placement reads it in dispatch. */
  private readonly workers: WorkerPool;
  private readonly store: StateStore<PersistedState>;
  private readonly runners = new Map<string, AttemptRunner>();
  private readonly journals = new Map<string, Journal>();
  private readonly lastActivity = new Map<string, number>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  private readonly taskEnv = new Map<string, Record<string, string>>();
  /** Secret values a client sent by mistake: redacted from that task's journals. */
  private readonly secretsByTask = new Map<string, string[]>();
  private readonly ports = new PortAllocator();
  /** Scoring (checks, scorecard, verdict, early stops), archiving, what a land changes, and what the land flows see. */
  private readonly scoring: Scoring;
  private readonly archiving: Archiving;
  private readonly landed: LandedHost;
  private readonly lands: LandFlowHost;
  private readonly followUps: FollowUps;
  private readonly watchdog: Watchdog;
  /** The run pipeline and event handling see the state only through this (see attemptPipeline.ts). */
  private readonly host: PipelineHost;
  private readonly pipeline: AttemptPipeline;
  private readonly controls: ControlHost;
  readonly cleanup: CleanupService;
  /** Warm worktrees (`quartet.worktreePool`), adopted by launches; off at size 0. */
  readonly pool: WorktreePool;
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
      allowUnsandboxed: () => this.settings.allowUnsandboxedChecks === true,
      onChange: () => {
        this.changed();
        void this.dispatch();
      },
    });
    this.workers = new WorkerPool({
      env: deps.env,
      onChange: () => {
        this.changed();
        void this.dispatch();
      },
      log: deps.log,
    });
    const removeRemote = (a: AttemptRecord): Promise<void> => this.removeRemote(a);
    // A GitHub error could echo what a client sent: the log never shows a known secret.
    const log = (line: string): void => deps.log(redact(line, [...this.secretsByTask.values()].flat()));
    const envFor = (taskId: string): Record<string, string> => this.taskEnv.get(taskId) ?? deps.env;
    const allowUnsandboxed = (): boolean => this.settings.allowUnsandboxedChecks === true;
    const records = {
      repo: deps.repo,
      stateDir: deps.stateDir,
      worktreeRoot: () => this.worktreeRoot(),
      tasks: () => this.tasks,
      updateAttempt: (id: string, change: (a: AttemptRecord) => AttemptRecord) => this.update(id, change),
      updateTask: (id: string, change: (t: TaskRecord) => TaskRecord) => this.updateTask(id, change),
      log,
    };
    this.archiving = new Archiving({
      ...records,
      removeRemote,
      stop: (id, reason) => this.stopAndWait(id, reason),
      beforeRemove: (a) =>
        this.workflow
          .hook('before_remove', {
            attemptId: a.id,
            taskId: a.taskId,
            worktree: a.worktree,
            branch: a.branch,
            env: envFor(a.taskId),
            journal: a.journal,
          })
          .then(() => undefined),
    });
    this.scoring = new Scoring({
      ...records,
      envFor,
      allowUnsandboxed,
      stop: (id, reason) => this.stopAndWait(id, reason),
      archive: (id, reason) => this.archiving.archive(id, reason),
    });
    this.landed = {
      ...records,
      cleanupAfterLand: (taskId, landedId, github) => this.archiving.cleanupAfterLand(taskId, landedId, github),
      rescore: (id) => void this.scoring.rescore(id),
    };
    this.lands = {
      ...records,
      envFor,
      allowUnsandboxed,
      task: (id) => this.taskOf(id),
      attempt: (id) => this.attempt(id),
      setLanding: (taskId, landing) => this.updateTask(taskId, (t) => ({ ...t, landing })),
      patchAttempt: (id, change) => this.update(id, (a) => ({ ...a, ...change(a) })),
      followUp: (id, prompt, options) => this.followUp(id, prompt, options),
      addSecret: (taskId, value) => this.addSecret(taskId, value),
      landed: (taskId, attemptId, outcome, final, github) =>
        recordLanded(this.landed, taskId, attemptId, outcome, final, github),
    };
    this.followUps = new FollowUps({
      attempt: (id) => this.attempt(id),
      task: (id) => this.taskOf(id),
      update: (id, change) => this.update(id, change),
      dispatch: () => void this.dispatch(),
      finish: (id, message, journal) => this.pipeline.finishRun(this.taskOf(id), id, message, journal),
      log: deps.log,
    });
    this.watchdog = new Watchdog({ halt: (id, reason, message) => this.halt(id, reason, message), log: deps.log });
    this.pool = new WorktreePool({
      repo: deps.repo,
      root: () => this.worktreeRoot(),
      size: () => this.settings.worktreePool ?? 0,
      log: deps.log,
    });
    this.cleanup = new CleanupService({
      repo: deps.repo,
      stateDir: deps.stateDir,
      pool: this.pool,
      tasks: () => this.tasks,
      retention: () => this.settings.retention,
      updateAttempt: (id, change) => this.update(id, change),
      removeRemote,
      log: deps.log,
    });
    this.host = {
      workers: this.workers,
      repo: deps.repo,
      pool: this.pool,
      workflow: this.workflow,
      followUps: this.followUps,
      scoring: this.scoring,
      watchdog: this.watchdog,
      ports: this.ports,
      runners: this.runners,
      journals: this.journals,
      lastActivity: this.lastActivity,
      retryTimers: this.retryTimers,
      tasks: () => this.tasks,
      attempt: (id) => this.attempt(id),
      attemptRecord: (id) => this.attemptRecord(id),
      update: (id, change) => this.update(id, change),
      worktreeRoot: () => this.worktreeRoot(),
      maxConcurrent: () => this.settings.maxConcurrent ?? this.workflow.maxConcurrent() ?? 4,
      envFor: (taskId) => this.taskEnv.get(taskId) ?? deps.env,
      journalBudget: () => this.settings.journalMaxBytesPerAttempt ?? DEFAULT_JOURNAL_BUDGET,
      dependencies: () => ({
        rules: dependencyDirRules(this.settings.dependencyDirs ?? null),
        mode: this.settings.dependencyCopy ?? 'reflink',
      }),
      journalSecrets: (taskId) => [...(this.secretsByTask.get(taskId) ?? []), ...(deps.secretValues?.() ?? [])],
      halt: (id, reason, message) => this.halt(id, reason, message),
      retry: (id) => this.retry(id),
      onEvent: (id, e) => onAttemptEvent(this.host, id, e),
      agentTools: (task) => this.agentTools?.(task) ?? null,
      allowedCommandPrefixes: () => this.allowedCommandPrefixes,
      log: deps.log,
    };
    this.pipeline = new AttemptPipeline(this.host);
    this.controls = {
      ...this.host,
      updateTask: (id, change) => this.updateTask(id, change),
      clearRetry: (id) => this.pipeline.clearRetry(id),
      dispatch: () => void this.dispatch(),
    };
  }

  /** Undo a local land with a revert commit on the base (refused once something else landed since). */
  async undoLand(taskId: string): Promise<UndoLandResult> {
    const task = this.tasks.find((t) => t.id === taskId);
    if (!task) throw new UsageError(`no task ${taskId}`);
    return asUsage(undoTaskLand(this.lands, task, () => flagOtherTasks(this.landed, taskId)));
  }

  /** Land locally, or as a pull request (that one resolves once it started; follow `task.landing`). */
  land(attemptId: string, options: LandOptions = {}): Promise<LandProgress> {
    return asUsage(
      options.pr ? landAttemptAsPr(this.lands, attemptId, options.github) : landAttempt(this.lands, attemptId),
    );
  }

  /** One more turn on the attempt's own thread (see followUp.ts); settles once it ended, was committed and scored. */
  followUp(attemptId: string, prompt: string, options: FollowUpOptions): Promise<FollowUpResult> {
    // A person's message may carry a pasted token: keep the task's known secrets from the model and the journal.
    const secrets = [
      ...(this.secretsByTask.get(this.attempt(attemptId).taskId) ?? []),
      ...(this.deps.secrets ?? []),
      ...(this.deps.secretValues?.() ?? []),
    ];
    return this.followUps.request(attemptId, redact(prompt, secrets), options);
  }

  /** "Resolve with agent": merge the base into the attempt's worktree, a follow-up turn resolves the conflicts, then land. */
  resolve(attemptId: string): Promise<LandProgress> {
    return asUsage(resolveWithAgent(this.lands, attemptId));
  }

  private taskOf(attemptId: string): TaskRecord {
    const t = this.tasks.find((x) => x.attempts.some((a) => a.id === attemptId));
    if (!t) throw new UsageError(`no attempt ${attemptId} in ${this.deps.repo}`);
    return t;
  }

  private addSecret(taskId: string, value: string): void {
    this.secretsByTask.set(taskId, [...(this.secretsByTask.get(taskId) ?? []), value]);
  }

  rework(attemptId: string, reason: string, github: GithubCredentials | null = null): Promise<ReworkResult> {
    const host = {
      tasks: () => this.tasks,
      addSecret: (taskId: string, value: string) => this.addSecret(taskId, value),
      stop: (id: string) => this.stopAndWait(id),
      archive: (id: string, why: string, gh: GithubCredentials | null) => this.archiving.archive(id, why, gh),
      addAttempt: (task: TaskRecord, addendum: string, reworkOf: string) => this.addAttempt(task, addendum, reworkOf),
      rescore: (id: string) => void this.scoring.rescore(id),
    };
    return reworkAttempt(host, attemptId, reason, github);
  }

  score(taskId: string): TaskScore {
    return this.scoring.rescore(taskId);
  }

  /** A task whose budget (all its attempts, from its launch) is spent: its unfinished attempts stop, reason budget. */
  private checkTaskBudgets(): void {
    const now = Date.now();
    for (const t of this.tasks) {
      if (t.state !== 'open' || t.earlyStop || !hasTaskBudget(t) || !unfinished(t).length) continue;
      const breach = taskBudgetBreach(t, now);
      if (breach) void this.scoring.stopEarly(t.id, budgetStop(t, breach, now));
    }
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
    const fresh = {
      ...newAttempt(this.deps, task.id, task.key, index, task.baseCommit, this.worktreeRoot()),
      promptAddendum,
      reworkOf,
    };
    task.attempts.push(fresh);
    this.changed(true);
    void this.dispatch();
    return fresh;
  }

  /** Loads state; attempts that were running when the previous supervisor died become `interrupted`. */
  start(): void {
    const recovered = recoverState(this.store.load(), join(this.deps.stateDir, 'journals'), (ref) =>
      branchTip(this.deps.repo, ref),
    );
    this.warnings.push(...recovered.warnings);
    const state = recovered.state;
    this.tasks = (state?.tasks ?? []).map(normalizeTask);
    if (state?.settings) this.settings = { ...this.settings, ...state.settings, allowedCommandPrefixes: undefined };
    this.workflow.setPath(this.settings.workflowPath);
    this.configureWorkers();
    const now = new Date().toISOString();
    for (const t of this.tasks) {
      t.attempts = t.attempts.map((a) => {
        if (!isActive(a.phase)) return a;
        this.deps.log(`attempt=${a.id} phase=interrupted reason=supervisor_restart`);
        return {
          ...transition(a, 'interrupted', 'supervisor_restart', now),
          pending: null,
          lastEvent: 'interrupted: Quartet restarted while it ran',
        };
      });
    }
    this.persist();
    this.store.flush();
    // Checks cut off by the restart would show "running" forever: run them again.
    for (const a of this.tasks.flatMap((t) => t.attempts))
      if (a.phase === 'finished' && a.checks?.state === 'running')
        void this.scoring.afterFinish(a.id).catch(() => undefined);
    this.stallTimer = setInterval(() => {
      checkStalls(this.host);
      this.checkTaskBudgets();
    }, 1000);
    this.stallTimer.unref();
    void this.dispatch();
    this.pool.start();
  }

  get currentSettings(): SupervisorSettings {
    return {
      ...this.settings,
      retention: { ...this.settings.retention },
      allowedCommandPrefixes: [...this.allowedCommandPrefixes],
    };
  }

  configure(settings: Partial<SupervisorSettings>): void {
    // Validated before anything changes; kept out of `this.settings` so it is never written to state.json.
    const prefixes =
      settings.allowedCommandPrefixes === undefined ? undefined : validCommandPrefixes(settings.allowedCommandPrefixes);
    const dependencyDirs =
      settings.dependencyDirs === undefined ? undefined : validDependencyDirs(settings.dependencyDirs);
    const dependencyCopy =
      settings.dependencyCopy === undefined ? undefined : validDependencyCopy(settings.dependencyCopy);
    const workers = settings.workers === undefined ? undefined : validWorkers(settings.workers);
    const worktreePool = settings.worktreePool === undefined ? undefined : validWorktreePool(settings.worktreePool);
    if (prefixes) this.allowedCommandPrefixes = prefixes;
    if (settings.maxConcurrent === null || (settings.maxConcurrent !== undefined && settings.maxConcurrent >= 1))
      this.settings.maxConcurrent = settings.maxConcurrent === null ? null : Math.floor(settings.maxConcurrent);
    if (settings.worktreeRoot) checkWorktreeRoot(settings.worktreeRoot, this.deps.repo);
    if (settings.worktreeRoot !== undefined) this.settings.worktreeRoot = settings.worktreeRoot || null;
    if (settings.workflowPath !== undefined)
      this.workflow.setPath((this.settings.workflowPath = settings.workflowPath || null));
    if (settings.retention) this.settings.retention = validRetention(settings.retention, this.settings.retention);
    if (settings.stopWhenLastClientDisconnects !== undefined)
      this.settings.stopWhenLastClientDisconnects = settings.stopWhenLastClientDisconnects;
    if (settings.journalMaxBytesPerAttempt !== undefined)
      this.settings.journalMaxBytesPerAttempt = validJournalBudget(settings.journalMaxBytesPerAttempt);
    if (settings.allowUnsandboxedChecks !== undefined)
      this.settings.allowUnsandboxedChecks = settings.allowUnsandboxedChecks === true;
    if (dependencyDirs !== undefined) this.settings.dependencyDirs = dependencyDirs;
    if (dependencyCopy !== undefined) this.settings.dependencyCopy = dependencyCopy;
    if (workers !== undefined) this.settings.workers = settings.workers;
    if (settings.sshConfig !== undefined) this.settings.sshConfig = settings.sshConfig || null;
    if (workers !== undefined || settings.sshConfig !== undefined) this.configureWorkers();
    if (worktreePool !== undefined) this.settings.worktreePool = worktreePool;
    void this.pool.refill(); // its size or the worktree root may have changed; cheap when nothing did
    this.emit('settings', { ...this.settings });
    this.persist();
    void this.dispatch();
  }

  /** The `workers` setting (checked when it was configured) into the pool. */
  private configureWorkers(): void {
    try {
      this.workers.configure(validWorkers(this.settings.workers ?? []), this.settings.sshConfig ?? null);
    } catch (err) {
      this.deps.log(`workers not used: ${(err as Error).message}`);
    }
  }

  private workerViews(): { workers?: WorkerView[] } {
    if (!this.workers.configured.length) return {};
    const running = (host: string): number =>
      this.tasks.flatMap((t) => t.attempts).filter((a) => isActive(a.phase) && (a.host ?? '') === host).length;
    return { workers: this.workers.views(running) };
  }

  /** Delete Task / Clean Up: the attempt's worktree on its host goes too (a host that is gone is logged, not fatal). */
  private async removeRemote(a: AttemptRecord): Promise<void> {
    if (!a.host) return;
    const task = this.tasks.find((t) => t.id === a.taskId);
    await removeRemoteRun(this.workers, {
      repo: this.deps.repo,
      host: a.host,
      attemptId: a.id,
      taskKey: task?.key ?? a.taskId,
      index: a.index,
      branch: a.branch,
    }).catch((err: unknown) =>
      this.deps.log(`attempt=${a.id} worktree on ${a.host} not removed: ${(err as Error).message}`),
    );
  }

  snapshot(): Snapshot {
    const s = {
      ...buildSnapshot(this.deps.repo, this.tasks, this.allWarnings(), new Date()),
      workflow: this.workflow.summary(),
      ...this.workerViews(),
    };
    return this.autopilotView ? { ...s, autopilot: this.autopilotView() } : s;
  }

  /** The snapshot without its tasks: the event stream sends task and attempt records on their own (snapshotFeed.ts). */
  snapshotHead(): SnapshotHead {
    const head = {
      repo: this.deps.repo,
      counts: snapshotCounts(this.tasks),
      warnings: this.allWarnings(),
      workflow: this.workflow.summary(),
      ...this.workerViews(),
    };
    return this.autopilotView ? { ...head, autopilot: this.autopilotView() } : head;
  }

  private allWarnings(): string[] {
    const journalWarnings = [...this.journals.values(), this.store].map((j) => j.error).filter((e): e is string => !!e);
    return [...this.warnings, ...this.workflow.warnings(), ...journalWarnings];
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
        archive: (id, reason) => this.archiving.archive(id, reason),
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
    return this.archiving.archive(id, reason);
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
    const { task, env, sentSecrets, baseRef } = await planLaunch(
      { ...this.deps, workflow: this.workflow, worktreeRoot: () => this.worktreeRoot() },
      request,
      internal,
    );
    this.tasks.push(task);
    this.taskEnv.set(task.id, env);
    this.persist();
    this.store.flush();
    this.secretsByTask.set(task.id, sentSecrets);
    this.deps.log(
      `task=${task.id} launched attempts=${task.attempts.length} base=${baseRef}@${task.baseCommit.slice(0, 10)}`,
    );
    this.changed();
    void this.dispatch();
    return taskSnapshot(task);
  }

  stop(id: string, reason: Reason = 'stopped_by_user'): Promise<void> {
    return stopAttempt(this.controls, id, reason);
  }

  /** Retry: same worktree and branch, a new thread; `next` (an Autopilot re-dispatch) sets this run's prompt input. */
  retry(id: string, next: RetryInput = {}): void {
    retryAttempt(this.controls, id, next);
  }

  /** Resume: same attempt, worktree, branch and Codex thread (`thread/resume`); for interrupted or stopped work. */
  resume(id: string): void {
    resumeAttempt(this.controls, id);
  }

  answer(id: string, decision: AnswerDecision, text?: string): void {
    const a = this.attempt(id);
    const runner = this.runners.get(id);
    if (decision === 'acceptForSession' && a.phase === 'needs-you' && a.pending?.canAcceptForAttempt === false) {
      throw new UsageError(
        `attempt ${id}: Codex does not offer "accept for this attempt" for this request; accept it once or decline it`,
      );
    }
    if (a.phase !== 'needs-you' || !runner || !runner.answer(decision, text))
      throw new UsageError(`attempt ${id} is not waiting for an answer (phase ${a.phase})`);
  }

  journalRecords(id: string, from = 0): ReturnType<typeof readJournal> {
    return readJournal(this.attempt(id).journal, from);
  }

  /** Where an attempt's journal is (the journal route serves its bytes as they are). */
  journalPath(id: string): string {
    return this.attempt(id).journal;
  }

  /** One page of an attempt's journal: at most `maxBytes` of lines from `from`, and where the next page starts. */
  journalPage(id: string, from: number, maxBytes: number): JournalPage {
    return readIndexedPage(this.attempt(id).journal, from, maxBytes);
  }

  attemptRecord(id: string): AttemptRecord | undefined {
    return this.tasks.flatMap((t) => t.attempts).find((a) => a.id === id);
  }

  taskRecord(id: string): TaskRecord | undefined {
    return this.tasks.find((t) => t.id === id);
  }

  /** Stops every running attempt (used on shutdown when configured, and by tests). */
  stopAll(reason: Reason = 'stopped_by_user'): Promise<void> {
    return stopAllAttempts(this.controls, reason);
  }

  /** What the supervisor holds right now (bench and tests: leaked ports, live runners). */
  diagnostics(): { pid: number; runners: string[]; ports: Record<string, { first: number; count: number }> } {
    return { pid: process.pid, runners: [...this.runners.keys()], ports: this.ports.snapshot() };
  }

  /** Work only this process's memory holds (retry timers, verdicts being judged): a restart would drop it. */
  inMemoryWork(): { retries: number; verdicts: number } {
    return { retries: this.retryTimers.size, verdicts: this.scoring.judging };
  }

  dispose(): void {
    this.pool.stop();
    this.scoring.close();
    if (this.stallTimer) clearInterval(this.stallTimer);
    this.workflow.dispose();
    this.workers.dispose();
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
        this.deps.log(
          `task=${t.id} attempt=${id} session=${after.threadId ?? '-'} phase=${after.phase}${after.reason ? ` reason=${after.reason}` : ''}`,
        );
      }
      // Phases and threads must survive a crash at any moment; token and event churn may wait for the debounce.
      this.changed(
        before.phase !== after.phase || before.threadId !== after.threadId || before.worktree !== after.worktree,
        onlyChurn(before, after),
      );
      return;
    }
  }

  /** `churn`: only what an attempt last said changed; the state file takes it with the next real change. */
  private changed(urgent = false, churn = false): void {
    this.persist(churn);
    if (urgent) this.store.flush();
    if (this.changeTimer) return;
    // Coalesce bursts (token updates, deltas) into at most ~10 snapshots a second.
    this.changeTimer = setTimeout(() => {
      this.changeTimer = null;
      // Listeners read what they need (the stream only the records that changed): no snapshot is built here.
      this.emit('change');
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

  private persist(lazy = false): void {
    this.store.save({ version: 1, tasks: this.tasks, settings: this.settings }, lazy);
  }

  private dispatch(): Promise<void> {
    return this.pipeline.dispatch();
  }
}
