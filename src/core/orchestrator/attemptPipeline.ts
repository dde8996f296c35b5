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
import type { WorkerPool } from '../workers/workerPool';
import { LOCAL_HOST } from '../workers/placement';
import { placeQueued, placementText } from '../workers/placeAttempt';
import { RemoteWorktreeError } from '../workers/remoteWorktree';
import {
  finishRemoteRun,
  hostReachable,
  locateRemoteRun,
  readyRemoteRun,
  type RemoteAttemptInput,
} from '../workers/remoteRun';
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
  /** Worker hosts (SPEC Appendix A): where queued attempts may be placed besides this machine. */
  readonly workers: WorkerPool;
}

export class AttemptPipeline {
  constructor(private readonly host: PipelineHost) {}

  /** Active attempts on `host` ('' = this machine). */
  private runningOn(host: string): number {
    return this.host
      .tasks()
      .flatMap((t) => t.attempts)
      .filter((a) => isActive(a.phase) && (a.host ?? LOCAL_HOST) === host).length;
  }

  async dispatch(): Promise<void> {
    const h = this.host;
    // SPEC §6.2: re-read defensively before dispatching, in case a watch event was missed (first: it may dispatch itself).
    h.workflow.refresh();
    const queued = h.tasks().flatMap((t) => t.attempts.filter((a) => a.phase === 'queued').map((a) => ({ t, a })));
    const local = h.maxConcurrent();
    const hooks = h.workers.configured.length ? h.workflow.hookNames() : [];
    for (const { t, a } of queued) {
      // The orchestrator alone places (SPEC Appendix A): this machine is one host, capacity maxConcurrent.
      const p = placeQueued(
        a,
        h.workers.slots(local, (x) => this.runningOn(x)),
        local,
        hooks,
      );
      if (p.kind === 'wait') {
        if (p.why === 'global-limit') return;
        const text = placementText(p, a.host, hooks);
        if (a.lastEvent !== text)
          h.update(a.id, (x) => ({ ...x, lastEvent: text, lastEventAt: new Date().toISOString() }));
        continue;
      }
      const now = new Date().toISOString();
      if (p.kind !== 'place') {
        // Never rerun elsewhere what left work on a host that is gone: a person starts a new attempt.
        const text = placementText(p, a.host, hooks);
        h.update(a.id, (x) => ({
          ...transition(x, 'interrupted', 'worker_lost', now),
          lastError: text,
          lastEvent: text,
        }));
        continue;
      }
      h.update(a.id, (x) => ({
        ...transition(x, 'preparing', null, now),
        host: p.host === LOCAL_HOST ? null : p.host,
        lastEvent: p.host === LOCAL_HOST ? 'preparing worktree' : `preparing worktree on ${p.host}`,
        lastEventAt: now,
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
    let remoteIn: RemoteAttemptInput | null = null;
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
      // On a worker host the agent works in a worktree there; the local one receives the skills and, at the end, the result.
      const onHost = a.host ?? null;
      remoteIn = onHost
        ? { repo: h.repo, host: onHost, attemptId: id, taskKey: task.key, index: a.index, branch: a.branch }
        : null;
      const far = remoteIn ? await locateRemoteRun(h.workers, remoteIn) : null;
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
        // Only Quartet's own variables travel to a host: it has its own login environment and Codex login.
        env: far
          ? { QUARTET_TASK_ID: task.id, QUARTET_WORKTREE: far.remote.worktree }
          : { ...env, ...resourceEnv(id, ports), QUARTET_TASK_ID: task.id, QUARTET_WORKTREE: registered.path },
        remote: far?.spawn ?? null,
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
      // On a host it starts once its worktree exists there (run() starts it).
      if (!far) void runner.start();
      const wt = await fillWorktree(wtInput, registered);
      // Before after_create, so a hook that installs finds the folders already there.
      const deps = far
        ? `dependencies: not carried to ${far.remote.host} (quartet.dependencyDirs applies on this machine only)`
        : wt.reused
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
      const ready =
        far && remoteIn
          ? await readyRemoteRun(h.workers, far, {
              ...remoteIn,
              commit: await resolveCommit(wt.path, 'HEAD'),
              localWorktree: wt.path,
            })
          : null;
      const agentWorktree = far?.remote.worktree ?? wt.path;
      const prompt = current.resumeThread
        ? ''
        : h.workflow.prompt({
            task: current.nextPrompt ? { ...task, prompt: current.nextPrompt } : task,
            issue: task.issue ?? null,
            templateAttempt: current.nextAttempt,
            index: a.index,
            attempts: task.attempts.length,
            worktree: agentWorktree,
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
        message: `worktree ${far ? `${far.remote.host}:${agentWorktree}${ready?.reused ? ' (reused)' : ''}, local copy ` : ''}${wt.path}${wt.reused ? ' (reused)' : ` (${wt.warm ? 'warm, ' : ''}ready in ${Date.now() - wtStarted} ms)`}${wt.copied.length ? `, copied ${wt.copied.join(', ')}` : ''}${deps ? `; ${deps}` : ''}`,
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
      if (remoteIn && outcome.status === 'failed') outcome = await this.lostWorker(remoteIn.host, outcome);
      await h.workflow.hook('after_run', hookCtx);
    } catch (err) {
      outcome =
        err instanceof RemoteWorktreeError && err.unreachable && remoteIn
          ? await this.lostWorker(remoteIn.host, { status: 'failed', reason: 'worktree_failed', message: err.message })
          : err instanceof StoppedBeforeStart
            ? { status: 'stopped', reason: 'stopped_by_user' }
            : {
                status: 'failed',
                reason:
                  err instanceof AttemptSetupError || err instanceof QuartetError ? err.reason : 'worktree_failed',
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

  /** A run on a host failed: if the host (not the agent) went away, the attempt is `worker_lost` and the host rests. */
  private async lostWorker(host: string, failed: RunOutcome): Promise<RunOutcome> {
    if (await hostReachable(this.host.workers, host)) return failed;
    const why = failed.status === 'failed' ? failed.message : 'unreachable';
    this.host.workers.lost(host, `the ssh connection dropped: ${why}`);
    return { status: 'stopped', reason: 'worker_lost' };
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
    // On a host: committed there and fetched back into the local worktree, which then serves diff, checks and land.
    const c = a.host
      ? await finishRemoteRun(h.workers, {
          repo: h.repo,
          host: a.host,
          attemptId: id,
          taskKey: task.key,
          index: a.index,
          branch: a.branch,
          localWorktree: a.worktree,
          message: msg,
        })
      : await commitWorktree(a.worktree, msg);
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
