// One attempt's run from queued to settled: dispatch, worktree, hooks, Codex, commit, failure and auto-retry; state only via the host.

import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { isActive, isTerminal, type Phase, type Reason } from '../../shared/model';
import type { AgentEvent } from '../../shared/events';
import type { AttemptRecord, TaskRecord } from './records';
import { phaseForOutcome, retryDelayMs, stopSummary, transition } from './transitions';
import { Journal } from '../observability/journal';
import { secretValues } from '../config/secrets';
import { AttemptRunner, type AgentTools, type RunOutcome } from '../execution/attemptRunner';
import { resolveCodexBinary } from '../execution/codexBinary';
import { sandboxPlan } from '../execution/sandbox';
import { bringDependencies, describeDependencies } from '../execution/dependencies';
import type { DependencyCopyMode, DependencyDirRule } from '../execution/dependencyRules';
import {
  commitWorktree,
  fillWorktree,
  filesChangedSince,
  registerWorktree,
  removeWorktree,
  repoWorktreeDir,
} from '../git/worktrees';
import { resolveCommit } from '../git/gitRepo';
import { commitMessage } from '../policy/defaultPrompt';
import type { WorkflowRuntime } from '../workflow/workflowRuntime';
import { AttemptSetupError } from '../workflow/attemptHooks';
import { originOf } from './reconstruct';
import { QuartetError } from '../execution/errors';
import { resourceEnv, type PortAllocator } from '../execution/ports';
import type { Scoring } from './scoring';
import type { FollowUps } from './followUp';
import type { Watchdog } from './watchdog';
import { giveSkills } from '../skills/giveSkills';
import type { WorktreePool } from '../git/worktreePool';

export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Thrown inside run when the user stopped the attempt before Codex started. */
class StoppedBeforeStart extends Error {}

/**
 * What the pipeline needs from the orchestrator (the only owner of run state). The maps are the
 * orchestrator's own runtime resources, shared by reference; records change only through `update`.
 */
export interface PipelineHost {
  readonly repo: string;
  tasks(): readonly TaskRecord[];
  attempt(id: string): AttemptRecord;
  attemptRecord(id: string): AttemptRecord | undefined;
  update(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  worktreeRoot(): string;
  maxConcurrent(): number;
  envFor(taskId: string): Record<string, string>;
  /** Every secret value to redact from this task's journal besides those in its env. */
  journalSecrets(taskId: string): string[];
  /** `quartet.journal.maxBytesPerAttempt`. */
  journalBudget(): number;
  /** `quartet.dependencyDirs` / `quartet.dependencyCopy`: what a fresh worktree takes from the checkout. */
  dependencies(): { rules: DependencyDirRule[]; mode: DependencyCopyMode };
  halt(id: string, reason: Reason, message: string): boolean;
  retry(id: string): void;
  onEvent(id: string, e: AgentEvent): void;
  agentTools(task: TaskRecord): AgentTools | null;
  /** The user's "always allow" command prefixes, current at each approval request. */
  allowedCommandPrefixes(): readonly string[];
  log(line: string): void;
  readonly workflow: WorkflowRuntime;
  readonly followUps: FollowUps;
  readonly scoring: Scoring;
  readonly watchdog: Watchdog;
  readonly ports: PortAllocator;
  /** Warm worktrees: a launch takes one when the pool has it, else checks out a fresh one. */
  readonly pool: WorktreePool;
  readonly runners: Map<string, AttemptRunner>;
  readonly journals: Map<string, Journal>;
  readonly lastActivity: Map<string, number>;
  readonly retryTimers: Map<string, NodeJS.Timeout>;
}

export class AttemptPipeline {
  constructor(private readonly host: PipelineHost) {}

  private activeCount(): number {
    return this.host
      .tasks()
      .flatMap((t) => t.attempts)
      .filter((a) => isActive(a.phase)).length;
  }

  async dispatch(): Promise<void> {
    const h = this.host;
    // SPEC §6.2: re-read defensively before dispatching, in case a watch event was missed (first: it may dispatch itself).
    h.workflow.refresh();
    const queued = h.tasks().flatMap((t) => t.attempts.filter((a) => a.phase === 'queued').map((a) => ({ t, a })));
    for (const { t, a } of queued) {
      if (this.activeCount() >= h.maxConcurrent()) return;
      h.update(a.id, (x) => ({
        ...transition(x, 'preparing', null, new Date().toISOString()),
        lastEvent: 'preparing worktree',
        lastEventAt: new Date().toISOString(),
      }));
      void this.run(t, a.id);
    }
  }

  private async run(task: TaskRecord, id: string): Promise<void> {
    const h = this.host;
    const env = h.envFor(task.id);
    const existing = h.attempt(id).worktree;
    // A retry or resume keeps its worktree even if the root setting changed since (or was lost in a restart).
    const root = existsSync(existing) ? resolve(existing, '..', '..', '..') : h.worktreeRoot();
    let outcome: RunOutcome;
    const journal = new Journal(
      h.attempt(id).journal,
      [...secretValues(env), ...h.journalSecrets(task.id)],
      MAX_LINE_BYTES,
      {
        // A journal that cannot be written (full disk) ends the attempt: running on without a record would lose work silently.
        onError: (message) => h.halt(id, 'journal_failed', message),
        // An agent printing forever must not fill the disk: past the budget output is summarized and the attempt stops.
        maxBytes: h.journalBudget(),
        onBudget: (message) => h.halt(id, 'journal_budget', message),
      },
    );
    h.journals.set(id, journal);
    let runner: AttemptRunner | null = null;
    let ran = false;
    try {
      const a = h.attempt(id);
      journal.event({
        type: 'phase',
        phase: 'preparing',
        reason: null,
        message: 'preparing worktree',
        origin: originOf(task, a),
      });
      const wtStarted = Date.now();
      const wtInput = {
        repo: h.repo,
        root,
        taskKey: task.key,
        index: a.index,
        branch: a.branch,
        baseCommit: task.baseCommit,
      };
      const registered = (await h.pool.adopt(wtInput)) ?? (await registerWorktree(wtInput));
      h.update(id, (x) => ({ ...x, worktree: registered.path }));
      const codex = await resolveCodexBinary({ env, repo: h.repo });
      // Probed once per supervisor: where the loopback profile works, the agent gets it as the checks do.
      const plan = codex.ok ? await sandboxPlan(env, h.repo, false) : null;
      const ports = await h.ports.allocate(id);
      const current0 = h.attempt(id);
      runner = new AttemptRunner({
        attemptId: id,
        worktree: registered.path,
        worktreeRoot: repoWorktreeDir(root, h.repo),
        developerInstructions: null,
        options: task.options,
        env: { ...env, ...resourceEnv(id, ports), QUARTET_TASK_ID: task.id, QUARTET_WORKTREE: registered.path },
        codexPath: codex.ok ? codex.path : null,
        sandboxPlan: plan,
        journal,
        maxLineBytes: MAX_LINE_BYTES,
        resumeThreadId: current0.resumeThread ?? null,
        resumePrompt: h.followUps.promptFor(id),
        tools: task.source ? h.agentTools(task) : null,
        allowedCommandPrefixes: () => h.allowedCommandPrefixes(),
        hooks: {
          onEvent: (e) => h.onEvent(id, e),
          onActivity: () => h.lastActivity.set(id, Date.now()),
          onPending: (q) =>
            h.update(id, (x) =>
              isTerminal(x.phase)
                ? x
                : { ...transition(x, q ? 'needs-you' : 'working', null, new Date().toISOString()), pending: q },
            ),
        },
      });
      // Codex starts while the files are checked out; it reads nothing of the worktree before thread/start.
      void runner.start();
      const wt = await fillWorktree(wtInput, registered);
      // Before after_create, so a hook that installs finds the folders already there.
      const deps = wt.reused
        ? null
        : describeDependencies(
            await bringDependencies({
              repo: h.repo,
              worktree: wt.path,
              baseCommit: task.baseCommit,
              ...h.dependencies(),
            }),
          );
      if (deps) h.log(`attempt=${id} dependencies: ${deps}`);
      const hookCtx = { attemptId: id, taskId: task.id, worktree: wt.path, branch: a.branch, env, journal };
      // A failed after_create leaves no half-prepared worktree: the retry creates it (and runs the hook) again.
      if (!wt.reused) await h.workflow.requireHook('after_create', hookCtx, () => removeWorktree(h.repo, wt.path));
      // Stopped while its worktree was being made: keep the worktree, start nothing.
      const current = h.attempt(id);
      if (isTerminal(current.phase)) throw new StoppedBeforeStart();
      const skills = await giveSkills({
        worktree: wt.path,
        repo: h.repo,
        base: task.baseCommit,
        journal,
        log: (line) => h.log(`attempt=${id} ${line}`),
      });
      h.update(id, (x) => ({ ...x, skills }));
      const prompt = current.resumeThread
        ? ''
        : h.workflow.prompt({
            task: current.nextPrompt ? { ...task, prompt: current.nextPrompt } : task,
            issue: task.issue ?? null,
            templateAttempt: current.nextAttempt,
            index: a.index,
            attempts: task.attempts.length,
            worktree: wt.path,
            branch: a.branch,
            retries: current.retries,
            addendum: current.promptAddendum ?? null,
          });
      await h.workflow.requireHook('before_run', hookCtx);
      if (isTerminal(h.attempt(id).phase)) throw new StoppedBeforeStart();
      h.update(id, (x) => ({
        ...transition(x, 'starting', null, new Date().toISOString()),
        lastEvent: 'starting Codex',
        lastEventAt: new Date().toISOString(),
      }));
      journal.event({
        type: 'phase',
        phase: 'starting',
        reason: null,
        message: `worktree ${wt.path}${wt.reused ? ' (reused)' : ` (${wt.warm ? 'warm, ' : ''}ready in ${Date.now() - wtStarted} ms)`}${wt.copied.length ? `, copied ${wt.copied.join(', ')}` : ''}${deps ? `; ${deps}` : ''}`,
      });
      h.runners.set(id, runner);
      h.lastActivity.set(id, Date.now());
      if (journal.error) throw new QuartetError(journal.error, 'journal_failed');
      // Reached before the runner existed (a retry of an attempt already over it): stop as soon as it starts.
      if (journal.budgetReached) {
        h.update(id, (x) => ({ ...x, lastError: journal.budgetReached }));
        void runner.stop('journal_budget');
      }
      ran = true;
      outcome = await runner.run(prompt);
      await h.workflow.hook('after_run', hookCtx);
    } catch (err) {
      outcome =
        err instanceof StoppedBeforeStart
          ? { status: 'stopped', reason: 'stopped_by_user' }
          : {
              status: 'failed',
              reason: err instanceof AttemptSetupError || err instanceof QuartetError ? err.reason : 'worktree_failed',
              message: (err as Error).message,
            };
    } finally {
      // Started early for a run that never came (stopped, a hook failed): its session ends here.
      if (runner && !ran) await runner.dispose();
      h.runners.delete(id);
      h.lastActivity.delete(id);
      h.ports.release(id);
      h.watchdog.reset(id);
    }
    await this.settle(task, id, outcome, journal);
    journal.close();
    h.journals.delete(id);
    void this.dispatch();
  }

  private async settle(task: TaskRecord, id: string, outcome: RunOutcome, journal: Journal): Promise<void> {
    const h = this.host;
    if (h.followUps.has(id)) return h.followUps.settle(id, outcome, journal);
    const a = h.attempt(id);
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
    h.update(id, (x) => ({
      ...transition(x, phase, outcome.reason, now()),
      pending: null,
      lastEvent: stopSummary(phase, outcome.reason),
      lastEventAt: now(),
    }));
    if (phase === 'stalled') this.scheduleAutoRetry(task, id);
  }

  /** Commits what the agent left, marks the attempt finished and starts the scorecard (`scored`); throws when the commit fails. */
  async finishRun(
    task: TaskRecord,
    id: string,
    finalMessage: string | null,
    journal: Journal,
  ): Promise<{ scored: Promise<void> }> {
    const h = this.host;
    const a = h.attempt(id);
    const msg = commitMessage(finalMessage, task.title, id);
    const c = await commitWorktree(a.worktree, msg);
    const files = await filesChangedSince(a.worktree, a.base);
    const tip = c.commit ?? (files > 0 ? await resolveCommit(a.worktree, 'HEAD') : null);
    if (c.commit) {
      const committed: AgentEvent = {
        type: 'committed',
        commit: c.commit,
        files: c.files,
        message: msg.split('\n')[0] ?? '',
      };
      journal.event(committed); // the journal alone must be able to say what the result is
      h.onEvent(id, committed);
    }
    journal.event({
      type: 'phase',
      phase: 'finished',
      reason: null,
      message: tip ? `result ${tip} (${files} file${files === 1 ? '' : 's'})` : 'no changes',
    });
    h.update(id, (x) => ({
      ...transition(x, 'finished', null, new Date().toISOString()),
      resultCommit: tip,
      filesChanged: files,
      pending: null,
    }));
    return {
      scored: h.scoring
        .afterFinish(id)
        .catch((err: unknown) => h.log(`attempt=${id} scorecard failed: ${(err as Error).message}`)),
    };
  }

  private fail(id: string, reason: Reason, message: string): void {
    const h = this.host;
    const now = new Date().toISOString();
    h.journals.get(id)?.event({ type: 'phase', phase: 'failed', reason, message });
    h.update(id, (x) => ({
      ...transition(x, 'failed', reason, now),
      pending: null,
      lastError: message,
      lastEvent: `failed: ${message.slice(0, 100)}`,
      lastEventAt: now,
    }));
    const task = h.tasks().find((t) => t.attempts.some((a) => a.id === id));
    if (task) this.scheduleAutoRetry(task, id);
  }

  private scheduleAutoRetry(task: TaskRecord, id: string): void {
    const h = this.host;
    const a = h.attempt(id);
    if (a.retries >= task.options.maxRetries) return;
    const delay = retryDelayMs(a.retries + 1, task.options.maxRetryBackoffMs);
    h.update(id, (x) => ({ ...x, nextRetryAt: new Date(Date.now() + delay).toISOString() }));
    const timer = setTimeout(() => {
      h.retryTimers.delete(id);
      const cur = h.attemptRecord(id);
      if (cur && isTerminal(cur.phase) && cur.nextRetryAt) h.retry(id);
    }, delay);
    h.retryTimers.set(id, timer);
  }

  clearRetry(id: string): void {
    const t = this.host.retryTimers.get(id);
    if (t) clearTimeout(t);
    this.host.retryTimers.delete(id);
  }
}
