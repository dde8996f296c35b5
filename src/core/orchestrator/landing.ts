// Scorecard, land and rework on top of the orchestrator's records: checks per attempt, a recommendation, local lands.

import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { removeEmptyDir } from '../land/emptyDir';
import type { AttemptRecord, TaskRecord } from './records';
import { isTerminal, type CheckTests, type EarlyStop, type LandProgress, type Reason, type ClosedPullRequest } from '../../shared/model';
import type { TestReport } from '../verdict/testReport';
import { raceCall } from './earlyStop';
import type { GithubLandOptions, ReworkResult, TaskScore, UndoLandResult, GithubCredentials } from '../contract/land';
import type { FollowUpOptions } from './followUp';
import type { FollowUpResult } from '../contract/replies';
import { appendJournalEvent, readJournal } from '../observability/journal';
import { checkCommandFor, describeCheckRun, runSandboxedChecks, type CheckCommand } from '../land/checkRun';
import { scoreAttempts, scoreInputOf, diffStat } from '../land/scorecard';
import { gatedRecommendation } from '../land/recommendGate';
import { verdictBasis } from '../verdict/judgeTask';
import { VerdictRunner } from './verdictRunner';
import type { ReviewDeps } from '../verdict/runReview';
import { codexArgv, resolveCodexBinary } from '../execution/codexBinary';
import { conflictsWithBase, predictConflicts } from '../land/conflicts';
import { landLocally } from '../land/localLand';
import { undoTaskLand } from './undoLanding';
import { archiveAttempt, removeAttemptWorktree } from '../land/rework';
import { postMortem } from '../land/postMortem';
import { git, isAncestor, refCommit } from '../land/git';
import { UsageError } from './validation';
import { preparePrLand, startPrLand } from './prLanding';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { closeAttemptPr } from '../land/closePr';

export interface LandingHost {
  readonly repo: string;
  readonly stateDir: string;
  worktreeRoot(): string;
  tasks(): TaskRecord[];
  updateAttempt(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  updateTask(id: string, change: (t: TaskRecord) => TaskRecord): void;
  envFor(taskId: string): Record<string, string>;
  /** Stops the attempt (default reason stopped_by_user) and waits until it settled. */
  stop(attemptId: string, reason?: Reason): Promise<void>;
  /** Adds a fresh queued attempt to the task (rework) and dispatches it. */
  addAttempt(task: TaskRecord, promptAddendum: string, reworkOf: string): AttemptRecord;
  /** WORKFLOW.md `before_remove` for this attempt's worktree (never throws). */
  beforeRemove(attempt: AttemptRecord): Promise<void>;
  /** One more turn on the attempt's own thread (a PR fix, see followUp.ts); settles once it ended, was committed and scored. */
  followUp(attemptId: string, prompt: string, options: FollowUpOptions): Promise<FollowUpResult>;
  /** A secret (a GitHub token) to scrub from the task's journals and the log. */
  addSecret(taskId: string, value: string): void;
  /** The person's machine setting `quartet.checks.allowUnsandboxed`: run checks without the sandbox when it is unavailable. */
  allowUnsandboxed(): boolean;
  log(line: string): void;
}

const now = (): string => new Date().toISOString();

/** The attempt's record of its own tests: counts and up to ten failing names. */
function testsOf(report: TestReport | null): CheckTests | null {
  return report ? { passed: report.passed, total: report.tests.length, failed: report.tests.filter((t) => !t.ok).map((t) => t.name).slice(0, 10) } : null;
}
/** A review reads one diff: far less than a turn that writes it. */
const REVIEW_TIMEOUT_MS = 10 * 60_000;

export class Landing {
  private readonly verdicts: VerdictRunner;

  constructor(private readonly host: LandingHost) {
    this.verdicts = new VerdictRunner({ landing: host, checkCommand: (t, b) => this.checkCommand(t, b), reviewer: (t) => this.reviewer(t), rescore: (id) => void this.rescore(id) });
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
    return { repo: this.host.repo, codexArgv: codexArgv(task.options.codexCommand, codex.path), env, model: task.options.model, timeoutMs };
  }

  /** After an attempt finished: run the checks in its worktree, measure its diff, predict conflicts, rescore the task. */
  async afterFinish(attemptId: string): Promise<void> {
    const { task, attempt } = this.find(attemptId);
    // Checks are marked running in the same tick the attempt became finished, and the ★ is gated on them
    // right away: no snapshot shows a ★ on attempt 2 while attempt 3's checks have yet to run.
    this.host.updateAttempt(attemptId, (a) => ({ ...a, checks: { state: 'running', command: null, exitCode: null, durationMs: null, summary: [], at: now() } }));
    this.rescore(task.id);
    const check = await this.checkCommand(task, attempt.base).catch(() => null);
    try {
      const stat = await diffStat(this.host.repo, attempt.base, attempt.branch);
      const base = await conflictsWithBase(this.host.repo, task.baseRef, attempt.branch);
      this.host.updateAttempt(attemptId, (a) => ({ ...a, diffStat: stat, conflicts: { withBase: base.conflicts, files: base.files, withAttempts: [] } }));
    } catch (err) {
      this.host.log(`attempt=${attemptId} scorecard git error: ${(err as Error).message}`);
    }
    if (!check) {
      this.host.updateAttempt(attemptId, (a) => ({ ...a, checks: { state: 'none', command: null, exitCode: null, durationMs: null, summary: [], at: now() } }));
    } else {
      const { command, source } = check;
      this.host.updateAttempt(attemptId, (a) => ({ ...a, checks: { state: 'running', command, source, exitCode: null, durationMs: null, summary: [], at: now() } }));
      // Tagged like the attempt's own processes: a supervisor shutdown (or the next one's sweep) ends them too.
      const r = await runSandboxedChecks({ repo: this.host.repo, cwd: attempt.worktree, command, timeoutMs: task.options.checkTimeoutMs, env: this.host.envFor(task.id), tag: { [ATTEMPT_TAG]: attemptId }, allowUnsandboxed: this.host.allowUnsandboxed() });
      const how = { source, sandboxed: r.sandboxed, profile: r.profile, notRun: r.notRun };
      appendJournalEvent(attempt.journal, { type: 'checks', command, ok: r.ok, exitCode: r.exitCode, durationMs: r.durationMs, summary: r.summary, outputTail: r.outputTail, ...how });
      this.host.updateAttempt(attemptId, (a) => ({
        ...a,
        checks: { state: r.ok ? 'passed' : 'failed', command, exitCode: r.exitCode, durationMs: r.durationMs, summary: r.summary, at: now(), ...how, tests: testsOf(r.report) },
        lastEvent: r.notRun ? `checks ${r.summary[0] ?? 'not run'}` : `checks ${r.ok ? 'passed' : 'failed'}: ${describeCheckRun(r)}${r.exitCode === null ? '' : ` (exit ${r.exitCode})`}`,
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
    const live = this.host.tasks().flatMap((t) => (t.state === 'open' ? t.attempts.filter((a) => a.phase === 'finished' && !a.archived && a.resultCommit) : []));
    for (const a of task.attempts.filter((x) => x.phase === 'finished' && !x.archived && x.resultCommit)) {
      const others = live.filter((o) => o.id !== a.id).map((o) => ({ id: o.id, ref: o.branch }));
      const predicted = await predictConflicts(this.host.repo, a.branch, others).catch(() => []);
      const withAttempts = predicted.filter((p) => p.conflicts).map((p) => p.id);
      this.host.updateAttempt(a.id, (x) => ({ ...x, conflicts: { withBase: x.conflicts?.withBase ?? false, files: x.conflicts?.files ?? [], withAttempts } }));
    }
  }

  rescore(taskId: string): TaskScore {
    const task = this.host.tasks().find((t) => t.id === taskId);
    if (!task) throw new UsageError(`no task ${taskId}`);
    const card = scoreAttempts(
      task.attempts.filter((a) => !a.archived).map(scoreInputOf),
      { baseLabel: task.baseRef },
    );
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
      this.host.updateAttempt(r.attemptId, (a) => ({ ...a, score: { score: r.score, eligible: r.eligible, reasons }, recommended: r.attemptId === recommended }));
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
        this.host.updateAttempt(s.attemptId, (a) => ({ ...a, lastError: call.message, lastEvent: `stopped: ${call.message}` }));
        const stopped = this.host.tasks().find((t) => t.id === taskId)?.attempts.find((a) => a.id === s.attemptId);
        // A queued attempt never made a worktree or branch: nothing to keep.
        if (call.kind === 'race' && stopped && existsSync(stopped.worktree) && !stopped.archived) {
          await this.archive(s.attemptId, `outraced: ${call.message}`).catch((err: unknown) => this.host.log(`attempt=${s.attemptId} archive after the race failed: ${(err as Error).message}`));
        }
      }),
    );
  }

  /**
   * Land through a GitHub pull request (see prLanding.ts): checked here, then it runs in the background and
   * records each step in task.landing; resolves as soon as it has started.
   */
  async landAsPr(attemptId: string, github: GithubLandOptions | undefined): Promise<LandProgress> {
    const { task, attempt } = this.find(attemptId);
    if (attempt.phase !== 'finished' || !attempt.resultCommit) throw new UsageError(`attempt ${attemptId} is ${attempt.phase}${attempt.resultCommit ? '' : ' with no committed result'}; only finished attempts with changes can land`);
    if (task.state === 'landed') throw new UsageError(`task ${task.id} already landed (${task.landing?.attemptId ?? ''})`);
    if (task.landing?.status === 'running') throw new UsageError(`a land of task ${task.id} is already running`);
    const target = await preparePrLand(this.host.repo, task, github);
    return startPrLand(
      {
        repo: this.host.repo, stateDir: this.host.stateDir, updateTask: (id, c) => this.host.updateTask(id, c), updateAttempt: (id, c) => this.host.updateAttempt(id, c),
        addSecret: (id, v) => this.host.addSecret(id, v), log: (l) => this.host.log(l), followUp: (id, prompt, options) => this.host.followUp(id, prompt, options),
        landed: (taskId, id, outcome, final, gh) => this.recordLanded(taskId, id, outcome, final, gh),
      },
      task, attempt, github ?? { token: '' }, target,
    );
  }

  /**
   * Land one attempt on its task's base branch, step by step; the task records the progress and outcome.
   * `carried`: steps already shown for this land (Resolve with agent continues its own land).
   */
  async land(attemptId: string, carried: LandProgress['steps'] | null = null): Promise<LandProgress> {
    const { task, attempt } = this.find(attemptId);
    if (attempt.phase !== 'finished' || !attempt.resultCommit) throw new UsageError(`attempt ${attemptId} is ${attempt.phase}${attempt.resultCommit ? '' : ' with no committed result'}; only finished attempts with changes can land`);
    if (task.state === 'landed') throw new UsageError(`task ${task.id} already landed (${task.landing?.attemptId ?? ''})`);
    if (task.landing?.status === 'running' && !carried) throw new UsageError(`a land of task ${task.id} is already running`);
    const baseTip = await refCommit(this.host.repo, `refs/heads/${task.baseRef}`);
    if (!baseTip) throw new UsageError(`the base "${task.baseRef}" is not a branch; land needs a branch to advance`);
    const prior = carried ?? [];
    const progress: LandProgress = { attemptId, step: 'prepare', status: 'running', message: '', steps: [...prior], conflictFiles: [] };
    this.host.updateTask(task.id, (t) => ({ ...t, landing: { ...progress } }));
    // The attempt's own message, not that of a merge Resolve with agent added on top.
    const body = await git(this.host.repo, ['log', '-1', '--no-merges', '--format=%B', attempt.resultCommit]).catch(() => '');
    const message = `${task.title.slice(0, 72)}\n\n${body.replace(/\n?Quartet-Attempt:.*$/m, '').trim()}\n\nQuartet-Task: ${task.id}\nQuartet-Attempt: ${attemptId}\n`;
    // The checks ran on the attempt's tip; the landed tree is that same tree only when the tip already contains the base.
    const baseMoved = !(await isAncestor(this.host.repo, baseTip, attempt.resultCommit));
    // The merged result is checked with the command read at the base it lands on.
    const command = (await this.checkCommand(task, baseTip).catch(() => null))?.command ?? null;
    let result;
    try {
      result = await landLocally({
        repo: this.host.repo,
        baseBranch: task.baseRef,
        attemptBranch: attempt.branch,
        message,
        mode: task.options.landMode,
        worktreeRoot: this.host.worktreeRoot(),
        landedBranch: `quartet/landed/${task.key}`,
        // Checks already ran on this exact tree unless the base moved since: then they run on the merged result.
        checks: baseMoved && command ? { command, timeoutMs: task.options.checkTimeoutMs, env: this.host.envFor(task.id), tag: { [ATTEMPT_TAG]: attemptId }, allowUnsandboxed: this.host.allowUnsandboxed() } : null,
        // The steps name the check that ran: "skipped — no check command" beside a green `npm test` misleads.
        checksSkipped: !command ? 'no check command' : `\`${command}\` ${attempt.checks?.state === 'passed' ? 'passed' : 'ran'} on this exact tree (the attempt's checks)`,
        onStep: (step, status, detail) => {
          progress.step = step;
          progress.steps = [...prior, ...progress.steps.slice(prior.length).filter((s) => s.step !== step), { step, status, detail }];
          this.host.updateTask(task.id, (t) => ({ ...t, landing: { ...progress } }));
        },
      });
    } catch (err) {
      const failed: LandProgress = { ...progress, status: 'failed', message: (err as Error).message };
      this.host.updateTask(task.id, (t) => ({ ...t, landing: failed }));
      return failed;
    }
    const final: LandProgress = {
      ...progress,
      steps: [...prior, ...result.steps.map((s) => ({ step: s.step, status: s.status, detail: s.detail }))],
      status: result.status,
      message: result.message,
      conflictFiles: result.status === 'conflict' ? result.files : [],
    };
    this.host.log(`task=${task.id} attempt=${attemptId} land=${result.status} ${result.message}`);
    if (result.status === 'landed' || result.status === 'landed_aside') {
      await this.recordLanded(task.id, attemptId, { commit: result.commit, aside: result.status === 'landed_aside' ? result.branch : null, message: result.message }, final);
    } else {
      this.host.updateTask(task.id, (t) => ({ ...t, landing: final }));
      // The land found what the prediction may have missed (the base moved since): the attempt shows it, and can be resolved.
      if (result.status === 'conflict') this.host.updateAttempt(attemptId, (a) => ({ ...a, conflicts: { withBase: true, files: result.files, withAttempts: a.conflicts?.withAttempts ?? [] } }));
    }
    return final;
  }

  /** A land happened (locally or through a PR): the attempt and task say so, then cleanup and conflict flags. */
  private async recordLanded(taskId: string, attemptId: string, outcome: { commit: string; aside: string | null; message: string }, final: LandProgress, github: GithubCredentials | null = null): Promise<void> {
    const { task, attempt } = this.find(attemptId);
    const { commit, aside, message } = outcome;
    this.host.updateAttempt(attemptId, (a) => ({ ...a, landed: { at: now(), commit, aside, message }, lastEvent: aside ? `landed on ${aside}` : `landed on ${task.baseRef}` }));
    appendJournalEvent(attempt.journal, { type: 'landed', commit, aside, message });
    // The outcome shows once the cleanup is done too: a client that sees "landed" sees the siblings archived.
    if (task.options.cleanupAfterLand) await this.cleanupAfterLand(taskId, attemptId, github);
    this.host.updateTask(taskId, (t) => ({ ...t, state: 'landed', landing: final }));
    await this.flagOtherTasks(taskId);
  }

  /** After a land: archive and remove every attempt of the task (the landed one's work is in the base). */
  private async cleanupAfterLand(taskId: string, landedId: string, github: GithubCredentials | null): Promise<void> {
    const task = this.host.tasks().find((t) => t.id === taskId);
    for (const a of task?.attempts ?? []) {
      if (a.archived) continue;
      if (!isTerminal(a.phase)) await this.host.stop(a.id);
      await this.archive(a.id, a.id === landedId ? 'landed' : `sibling of landed ${landedId}`, github).catch((err: unknown) => this.host.log(`attempt=${a.id} cleanup failed: ${(err as Error).message}`));
    }
    // The task's folder under the worktree root held only its attempts' worktrees: an empty one is litter.
    for (const dir of new Set((task?.attempts ?? []).filter((a) => a.worktree).map((a) => dirname(a.worktree)))) removeEmptyDir(dir, this.host.worktreeRoot());
  }

  /** Undo of a local land (undoLanding.ts); other tasks' attempts are re-checked against the restored base. */
  undoLand(taskId: string): Promise<UndoLandResult> {
    return undoTaskLand(this.host, taskId, () => this.flagOtherTasks(taskId));
  }

  /** Live attempts of other open tasks that now conflict with the new base are flagged. */
  private async flagOtherTasks(landedTaskId: string): Promise<void> {
    for (const t of this.host.tasks().filter((x) => x.id !== landedTaskId && x.state === 'open')) {
      for (const a of t.attempts.filter((x) => x.phase === 'finished' && !x.archived)) {
        const c = await conflictsWithBase(this.host.repo, t.baseRef, a.branch).catch(() => null);
        if (!c) continue;
        const newly = c.conflicts && !a.conflicts?.withBase;
        const flag = `now conflicts with ${t.baseRef} in ${c.files.join(', ')} (another task landed); Resolve with agent or rework`;
        if (newly) appendJournalEvent(a.journal, { type: 'warning', message: flag });
        this.host.updateAttempt(a.id, (x) => ({ ...x, conflicts: { withBase: c.conflicts, files: c.files, withAttempts: x.conflicts?.withAttempts ?? [] }, ...(newly ? { lastEvent: flag } : {}) }));
      }
      this.rescore(t.id);
    }
  }

  /**
   * Archive (patch + post-mortem), then remove the worktree and branch; nothing is deleted without the archive.
   * A PR an earlier land left open is closed first (with `github`), or the archive says it stays open.
   */
  async archive(attemptId: string, reason: string, github: GithubCredentials | null = null): Promise<AttemptRecord> {
    const { attempt } = this.find(attemptId);
    const pr = await this.closeOpenPr(attempt, reason, github);
    const archived = await archiveAttempt({ repo: this.host.repo, worktree: attempt.worktree, branch: attempt.branch, base: attempt.base, archiveDir: join(this.host.stateDir, 'archive'), attemptId, pullRequest: pr });
    const pm = `${postMortem(readJournal(attempt.journal))}${pr ? `Pull request: ${pr.message}\n` : ''}`;
    await removeAttemptWorktree({ repo: this.host.repo, worktree: attempt.worktree, branch: attempt.branch, deleteBranch: true, archive: { patchFile: archived.patchFile }, beforeRemove: () => this.host.beforeRemove(attempt) });
    appendJournalEvent(attempt.journal, { type: 'archived', reason, patch: archived.patchFile });
    this.host.updateAttempt(attemptId, (a) => ({ ...a, archived: { at: now(), reason, patch: archived.patchFile, postMortem: pm, ...(pr ? { pullRequest: pr } : {}) }, recommended: false, lastEvent: `archived (${reason})${pr ? `; ${pr.message}` : ''}` }));
    return this.find(attemptId).attempt;
  }

  /** The attempt's PR, if a land left it open: closed with a comment saying why; never silently left open. */
  private async closeOpenPr(attempt: AttemptRecord, reason: string, github: GithubCredentials | null): Promise<ClosedPullRequest | null> {
    if (attempt.pullRequest?.state !== 'open') return null;
    const why = reason.startsWith('rework:') ? `reworked — ${reason.replace(/^rework:\s*/, '')}` : reason.startsWith('sibling of landed') ? `another attempt of this task landed (${reason.replace('sibling of landed ', '')})` : reason;
    const pr = await closeAttemptPr({ pr: attempt.pullRequest, branch: attempt.branch, why, github });
    this.host.log(`attempt=${attempt.id} ${pr.message}`);
    if (pr.closed) this.host.updateAttempt(attempt.id, (a) => ({ ...a, pullRequest: a.pullRequest ? { ...a.pullRequest, state: 'closed' } : null }));
    else appendJournalEvent(attempt.journal, { type: 'warning', message: pr.message });
    return pr;
  }

  /** Rework: archive with the reason and a post-mortem, then a fresh attempt (index max+1, new branch) that carries both. */
  async rework(attemptId: string, reason: string, github: GithubCredentials | null = null): Promise<ReworkResult> {
    const { task, attempt } = this.find(attemptId);
    if (attempt.archived) throw new UsageError(`attempt ${attemptId} is already archived`);
    if (github?.token) this.host.addSecret(task.id, github.token);
    if (!isTerminal(attempt.phase)) await this.host.stop(attemptId);
    const done = existsSync(attempt.worktree) || attempt.resultCommit ? await this.archive(attemptId, `rework: ${reason || 'no reason given'}`, github) : attempt;
    const addendum = [
      `A previous attempt at this task (attempt ${attempt.index}) was discarded by the person reviewing it.`,
      `Their reason: ${reason || '(none given)'}`,
      'Post-mortem of that attempt:',
      done.archived?.postMortem ?? '(it never started)',
      'Do not repeat its mistakes.',
    ].join('\n');
    const fresh = this.host.addAttempt(task, addendum, attemptId);
    this.rescore(task.id);
    const pr = done.archived?.pullRequest;
    return { archived: done.archived?.patch ?? '', newAttemptId: fresh.id, ...(pr ? { pullRequest: pr } : {}) };
  }
}
