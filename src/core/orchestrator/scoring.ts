// Scoring: checks after an attempt finished, its diff and conflicts, the ranked scorecard, the verdict's ★, early stops.

import { existsSync } from 'node:fs';
import type { AttemptRecord, TaskRecord } from './records';
import type { CheckTests, EarlyStop, Reason } from '../../shared/model';
import type { TestReport } from '../verdict/testReport';
import { raceCall } from './earlyStop';
import type { TaskScore } from '../contract/land';
import { appendJournalEvent } from '../observability/journal';
import { checkCommandFor, describeCheckRun, runSandboxedChecks, type CheckCommand } from '../land/checkRun';
import { scoreAttempts, scoreInputOf, diffStat } from '../verdict/scorecard';
import { gatedRecommendation } from '../land/recommendGate';
import { verdictBasis } from '../verdict/judgeTask';
import { VerdictRunner } from './verdictRunner';
import type { ReviewDeps } from '../verdict/runReview';
import { codexArgv, resolveCodexBinary } from '../execution/codexBinary';
import { conflictsWithBase, predictConflicts } from '../land/conflicts';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { UsageError } from './validation';

export interface ScoringHost {
  readonly repo: string;
  worktreeRoot(): string;
  tasks(): TaskRecord[];
  updateAttempt(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  updateTask(id: string, change: (t: TaskRecord) => TaskRecord): void;
  envFor(taskId: string): Record<string, string>;
  /** Stops the attempt (default reason stopped_by_user) and waits until it settled. */
  stop(attemptId: string, reason?: Reason): Promise<void>;
  /** Archives the attempt (patch + post-mortem) and removes its worktree (see archiving.ts). */
  archive(attemptId: string, reason: string): Promise<AttemptRecord>;
  /** The person's machine setting `quartet.checks.allowUnsandboxed`: run checks without the sandbox when it is unavailable. */
  allowUnsandboxed(): boolean;
  log(line: string): void;
}

const now = (): string => new Date().toISOString();

/** The attempt's record of its own tests: counts and up to ten failing names. */
function testsOf(report: TestReport | null): CheckTests | null {
  return report
    ? {
        passed: report.passed,
        total: report.tests.length,
        failed: report.tests
          .filter((t) => !t.ok)
          .map((t) => t.name)
          .slice(0, 10),
      }
    : null;
}
/** A review reads one diff: far less than a turn that writes it. */
const REVIEW_TIMEOUT_MS = 10 * 60_000;

export class Scoring {
  private readonly verdicts: VerdictRunner;

  constructor(private readonly host: ScoringHost) {
    this.verdicts = new VerdictRunner({
      scoring: host,
      checkCommand: (t, b) => this.checkCommand(t, b),
      reviewer: (t) => this.reviewer(t),
      rescore: (id) => void this.rescore(id),
    });
  }

  /** Tasks whose verdict is being judged right now. */
  get judging(): number {
    return this.verdicts.judging;
  }

  /** The supervisor is shutting down: no new cross-test or review starts (running ones are tagged and swept). */
  close(): void {
    this.verdicts.close();
  }

  private find(attemptId: string): { task: TaskRecord; attempt: AttemptRecord } {
    for (const task of this.host.tasks()) {
      const attempt = task.attempts.find((a) => a.id === attemptId);
      if (attempt) return { task, attempt };
    }
    throw new UsageError(`no attempt ${attemptId}`);
  }

  /** The task's check command, read at `base` (a commit) where it is detected: never from what the attempt wrote. */
  checkCommand(task: TaskRecord, base: string): Promise<CheckCommand | null> {
    return checkCommandFor(this.host.repo, task.options.checkCommand, base);
  }

  /** The task's own Codex, environment and model for its reviews; null when the task turned reviews off or Codex is missing. */
  private async reviewer(task: TaskRecord): Promise<ReviewDeps | null> {
    if (task.options.review === false) return null;
    const env = this.host.envFor(task.id);
    const codex = await resolveCodexBinary({ env, repo: this.host.repo });
    if (!codex.ok) return null;
    const timeoutMs = Math.min(task.options.turnTimeoutMs, REVIEW_TIMEOUT_MS);
    return {
      repo: this.host.repo,
      codexArgv: codexArgv(task.options.codexCommand, codex.path),
      env,
      model: task.options.model,
      timeoutMs,
    };
  }

  /** After an attempt finished: run the checks in its worktree, measure its diff, predict conflicts, rescore the task. */
  async afterFinish(attemptId: string): Promise<void> {
    const { task, attempt } = this.find(attemptId);
    // Checks are marked running in the same tick the attempt became finished, and the ★ is gated on them
    // right away: no snapshot shows a ★ on attempt 2 while attempt 3's checks have yet to run.
    this.host.updateAttempt(attemptId, (a) => ({
      ...a,
      checks: { state: 'running', command: null, exitCode: null, durationMs: null, summary: [], at: now() },
    }));
    this.rescore(task.id);
    const check = await this.checkCommand(task, attempt.base).catch(() => null);
    try {
      const stat = await diffStat(this.host.repo, attempt.base, attempt.branch);
      const base = await conflictsWithBase(this.host.repo, task.baseRef, attempt.branch);
      this.host.updateAttempt(attemptId, (a) => ({
        ...a,
        diffStat: stat,
        conflicts: { withBase: base.conflicts, files: base.files, withAttempts: [] },
      }));
    } catch (err) {
      this.host.log(`attempt=${attemptId} scorecard git error: ${(err as Error).message}`);
    }
    if (!check) {
      this.host.updateAttempt(attemptId, (a) => ({
        ...a,
        checks: { state: 'none', command: null, exitCode: null, durationMs: null, summary: [], at: now() },
      }));
    } else {
      const { command, source } = check;
      this.host.updateAttempt(attemptId, (a) => ({
        ...a,
        checks: { state: 'running', command, source, exitCode: null, durationMs: null, summary: [], at: now() },
      }));
      // Tagged like the attempt's own processes: a supervisor shutdown (or the next one's sweep) ends them too.
      const r = await runSandboxedChecks({
        repo: this.host.repo,
        cwd: attempt.worktree,
        command,
        timeoutMs: task.options.checkTimeoutMs,
        env: this.host.envFor(task.id),
        tag: { [ATTEMPT_TAG]: attemptId },
        allowUnsandboxed: this.host.allowUnsandboxed(),
      });
      const how = { source, sandboxed: r.sandboxed, profile: r.profile, notRun: r.notRun };
      appendJournalEvent(attempt.journal, {
        type: 'checks',
        command,
        ok: r.ok,
        exitCode: r.exitCode,
        durationMs: r.durationMs,
        summary: r.summary,
        outputTail: r.outputTail,
        ...how,
      });
      this.host.updateAttempt(attemptId, (a) => ({
        ...a,
        checks: {
          state: r.ok ? 'passed' : 'failed',
          command,
          exitCode: r.exitCode,
          durationMs: r.durationMs,
          summary: r.summary,
          at: now(),
          ...how,
          tests: testsOf(r.report),
        },
        lastEvent: r.notRun
          ? `checks ${r.summary[0] ?? 'not run'}`
          : `checks ${r.ok ? 'passed' : 'failed'}: ${describeCheckRun(r)}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}`,
      }));
    }
    // Rescore in the same tick as the checks result: no snapshot shows every check done beside a stale recommendation.
    this.rescore(task.id);
    // The review needs only this attempt's diff: start it now, while the others may still run.
    void this.verdicts.prefetchReview(task.id, attemptId);
    await this.predictSiblings(task.id);
    this.rescore(task.id);
  }

  /** Which finished attempts of a task conflict with each other (merge-tree, no working tree touched). */
  private async predictSiblings(taskId: string): Promise<void> {
    const task = this.host.tasks().find((t) => t.id === taskId);
    if (!task) return;
    const live = this.host
      .tasks()
      .flatMap((t) =>
        t.state === 'open' ? t.attempts.filter((a) => a.phase === 'finished' && !a.archived && a.resultCommit) : [],
      );
    for (const a of task.attempts.filter((x) => x.phase === 'finished' && !x.archived && x.resultCommit)) {
      const others = live.filter((o) => o.id !== a.id).map((o) => ({ id: o.id, ref: o.branch }));
      const predicted = await predictConflicts(this.host.repo, a.branch, others).catch(() => []);
      const withAttempts = predicted.filter((p) => p.conflicts).map((p) => p.id);
      this.host.updateAttempt(a.id, (x) => ({
        ...x,
        conflicts: { withBase: x.conflicts?.withBase ?? false, files: x.conflicts?.files ?? [], withAttempts },
      }));
    }
  }

  rescore(taskId: string): TaskScore {
    const task = this.host.tasks().find((t) => t.id === taskId);
    if (!task) throw new UsageError(`no task ${taskId}`);
    const card = scoreAttempts(task.attempts.filter((a) => !a.archived).map(scoreInputOf), { baseLabel: task.baseRef });
    // No ★ until every finished attempt's checks are in (issue #13)…
    let recommended = gatedRecommendation(card.recommended, task.attempts);
    // …and the verdict on exactly these attempts: it picks by evidence (cross-tests), size and cost come last.
    const basis = verdictBasis(task.attempts);
    const verdict = task.verdict?.state === 'done' && task.verdict.basis === basis ? task.verdict : null;
    if (recommended !== null) {
      if (verdict) recommended = verdict.recommended;
      else {
        recommended = null;
        // A landed or archived task is decided: nothing to judge any more.
        if (task.state === 'open') this.verdicts.schedule(task.id, basis);
      }
    }
    for (const r of card.ranked) {
      // The verdict's evidence leads the reasons (the row shows the first); the scorecard's facts follow.
      const entry = verdict?.entries.find((e) => e.attemptId === r.attemptId);
      const evidence = entry ? [...entry.against, ...entry.support].slice(0, 2) : [];
      const reasons = [...new Set([...evidence, ...r.reasons])];
      this.host.updateAttempt(r.attemptId, (a) => ({
        ...a,
        score: { score: r.score, eligible: r.eligible, reasons },
        recommended: r.attemptId === recommended,
      }));
    }
    this.host.updateTask(taskId, (t) => ({ ...t, recommended }));
    const fresh = this.host.tasks().find((t) => t.id === taskId);
    // Policy race: a clear winner with passing checks ends the others' runs now.
    const race = fresh ? raceCall(fresh, Date.now()) : null;
    if (race) void this.stopEarly(taskId, race);
    return { taskId, recommended, ranked: card.ranked, verdict: fresh?.verdict ?? null };
  }

  /**
   * Stops the attempts `call` names (policy race, or the task's budget). A race also archives them: their
   * work is kept as a patch and a post-mortem, never lost. Recorded on the task first, so it happens once.
   */
  async stopEarly(taskId: string, call: EarlyStop): Promise<void> {
    this.host.updateTask(taskId, (t) => ({ ...t, earlyStop: call }));
    this.host.log(`task=${taskId} ${call.kind}: ${call.message}`);
    const reason: Reason = call.kind === 'race' ? 'outraced' : 'budget';
    await Promise.all(
      call.stopped.map(async (s) => {
        await this.host.stop(s.attemptId, reason);
        this.host.updateAttempt(s.attemptId, (a) => ({
          ...a,
          lastError: call.message,
          lastEvent: `stopped: ${call.message}`,
        }));
        const stopped = this.host
          .tasks()
          .find((t) => t.id === taskId)
          ?.attempts.find((a) => a.id === s.attemptId);
        // A queued attempt never made a worktree or branch: nothing to keep.
        if (call.kind === 'race' && stopped && existsSync(stopped.worktree) && !stopped.archived) {
          await this.host
            .archive(s.attemptId, `outraced: ${call.message}`)
            .catch((err: unknown) =>
              this.host.log(`attempt=${s.attemptId} archive after the race failed: ${(err as Error).message}`),
            );
        }
      }),
    );
  }
}
