// Runs at most one verdict per task at a time, stores it on the task and rescores; a newer basis supersedes an older run.

import type { AttemptReviewView, AttemptSnapshot, TaskVerdict } from '../../shared/model';
import { reviewAttempt, type ReviewDeps } from '../verdict/runReview';
import { runSandboxedChecks } from '../land/checkRun';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import type { CrossTestCell } from '../verdict/crossTest';
import { judgeTask, verdictBasis } from '../verdict/judgeTask';
import type { ScoringHost } from './scoring';
import type { TaskRecord } from './records';
import type { CheckCommand } from '../land/checkRun';

export interface VerdictRunnerHost {
  scoring: ScoringHost;
  checkCommand(task: TaskRecord, base: string): Promise<CheckCommand | null>;
  /** How to review the task's attempts (its Codex, env, model); null: reviews are off or Codex is missing. */
  reviewer(task: TaskRecord): Promise<ReviewDeps | null>;
  rescore(taskId: string): void;
}

const now = (): string => new Date().toISOString();

export class VerdictRunner {
  /** Per task: the basis being judged right now. */
  private readonly running = new Map<string, string>();
  /** Cross-test results by (code commit, tests commit): a retry or a late attempt re-runs only the new pairings. */
  private readonly cache = new Map<string, CrossTestCell>();
  /**
   * Reviews by `<attempt>:<result commit>`, started or done: a rescore never asks the model twice about the
   * same diff, and a review started when its attempt finished is the one the verdict waits for.
   */
  private readonly reviews = new Map<string, Promise<AttemptReviewView>>();

  /** Set when the supervisor shuts down: nothing new (a cross-test, a review) starts after its last sweep. */
  private closed = false;

  constructor(private readonly host: VerdictRunnerHost) {}

  close(): void {
    this.closed = true;
  }

  /** Starts judging `basis` unless that exact basis is being judged already. */
  schedule(taskId: string, basis: string): void {
    if (this.closed || this.running.get(taskId) === basis) return;
    this.running.set(taskId, basis);
    const h = this.host.scoring;
    h.log(`task=${taskId} verdict: judging ${basis}`);
    h.updateTask(taskId, (t) => ({ ...t, verdict: cross(t.verdict ?? null, basis) }));
    void this.judge(taskId, basis)
      .catch((err: unknown) => h.log(`task=${taskId} verdict failed: ${(err as Error).message}`))
      // A judgement that failed or found its task gone is over too: `judging` must not count it forever.
      .finally(() => {
        if (this.running.get(taskId) === basis) this.running.delete(taskId);
      });
  }

  /** Tasks being judged now (a supervisor restart would cut their cross-tests and reviews off). */
  get judging(): number {
    return this.running.size;
  }

  private async judge(taskId: string, basis: string): Promise<void> {
    const h = this.host.scoring;
    const task = h.tasks().find((t) => t.id === taskId);
    if (!task) return;
    const check = await this.host.checkCommand(task, task.baseCommit).catch(() => null);
    const reviewer = await this.host.reviewer(task).catch(() => null);
    const verdict = await judgeTask(
      {
        repo: h.repo,
        worktreeRoot: h.worktreeRoot(),
        cache: this.cache,
        concurrency: 2,
        // No check command: nothing to cross-run; the verdict weighs own checks, conflicts, size.
        run: check
          ? (dir, codeAttempt) =>
              // Tagged under the attempt whose code runs (`<id>/cross`): the shutdown sweep ends a pairing still running,
              // and a Codex client of that attempt shutting down (killing by its own exact value) leaves it alone.
              runSandboxedChecks({
                repo: h.repo,
                cwd: dir,
                command: check.command,
                timeoutMs: task.options.checkTimeoutMs,
                env: h.envFor(task.id),
                tag: { [ATTEMPT_TAG]: `${codeAttempt}/cross` },
                allowUnsandboxed: h.allowUnsandboxed(),
              })
          : null,
        review: reviewer ? (a) => this.review(reviewer, task, a) : null,
      },
      task.attempts,
      now,
    );
    if (this.running.get(taskId) !== basis) return; // a newer basis took over
    this.running.delete(taskId);
    const current = h.tasks().find((t) => t.id === taskId);
    if (!current || verdictBasis(current.attempts) !== basis) {
      h.log(`task=${taskId} verdict: stale (${basis}), the attempts changed meanwhile`);
      return;
    }
    h.log(
      `task=${taskId} verdict: ${verdict.headline} (${verdict.confidence}, ${verdict.matrix.length} cross-test runs)`,
    );
    h.updateTask(taskId, (t) => ({ ...t, verdict }));
    this.host.rescore(taskId);
  }

  /**
   * Starts the review of an attempt as soon as it finished with a result: while the others still run, so
   * the verdict does not wait for it later. Never throws.
   */
  async prefetchReview(taskId: string, attemptId: string): Promise<void> {
    const task = this.host.scoring.tasks().find((t) => t.id === taskId);
    const a = task?.attempts.find((x) => x.id === attemptId);
    if (this.closed || !task || !a?.resultCommit || a.archived) return;
    const deps = await this.host.reviewer(task).catch(() => null);
    if (deps) await this.review(deps, task, { ...a, resultCommit: a.resultCommit });
  }

  private review(
    deps: ReviewDeps,
    task: TaskRecord,
    a: AttemptSnapshot & { resultCommit: string },
  ): Promise<AttemptReviewView> {
    const key = `${a.id}:${a.resultCommit}`;
    if (this.closed)
      return Promise.resolve({
        attemptId: a.id,
        commit: a.resultCommit,
        state: 'failed',
        requirements: [],
        findings: [],
        uncited: 0,
        error: 'the supervisor is shutting down',
        tokens: 0,
        durationMs: 0,
      });
    const kept = task.verdict?.reviews?.find(
      (r) => r.attemptId === a.id && r.commit === a.resultCommit && r.state === 'done',
    );
    if (kept) return Promise.resolve(kept);
    const running = this.reviews.get(key);
    if (running) return running;
    const started = reviewAttempt(deps, task, a).then((r) => {
      this.host.scoring.log(
        `attempt=${a.id} review: ${r.state === 'done' ? `${r.requirements.length} requirements, ${r.findings.length} findings, ${r.uncited} uncited, ${r.tokens} tokens` : `failed: ${r.error ?? ''}`} (${r.durationMs} ms)`,
      );
      // A failed review is asked again next time (Codex may have been restarting, the model busy).
      if (r.state !== 'done') this.reviews.delete(key);
      return r;
    });
    this.reviews.set(key, started);
    return started;
  }
}

/** The visible "cross-testing" state: the previous evidence stays readable until the new verdict replaces it. */
function cross(previous: TaskVerdict | null, basis: string): TaskVerdict {
  return {
    state: 'cross-testing',
    confidence: 'waiting',
    recommended: null,
    headline: 'judging the attempts',
    entries: previous?.entries ?? [],
    matrix: previous?.matrix ?? [],
    ...(previous?.reviews ? { reviews: previous.reviews } : {}),
    basis,
    at: now(),
  };
}
