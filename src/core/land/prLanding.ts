// Land an attempt as a pull request: check it can, resolve GitHub, run prLand in the background, show each step in task.landing.

import { join } from 'node:path';
import type { AttemptSnapshot, LandProgress } from '../../shared/model';
import type { GithubLandOptions } from '../contract/land';
import { systemClock } from '../execution/clock';
import { createGithubClient } from '../github/githubClient';
import { GithubError } from '../github/errors';
import { PrApi } from '../github/prApi';
import { resolveGithubTarget, type GithubTarget } from '../github/remote';
import { refCommit, git } from '../git/git';
import { landAsPullRequest, type RunFixTurn } from './prLand';
import { abortBaseMerge, commitBaseMerge, leftoverMarkers } from './resolveGit';
import { resolveCommitMessage } from '../policy/resolvePrompt';
import { DEFAULT_POLL } from './prSteps';
import { prBody } from './prText';
import { Journal } from '../observability/journal';
import { makeScrubber } from '../config/scrubber';
import type { PrFeedbackEvent } from './prObserve';
import { LandError } from './errors';
import type { LandFlowHost, LandTask, TurnOptions } from './landFlow';
import { landProblem } from './landAttempt';

/** Longest feedback body journaled: a check's log is capped already, a review can be long. */
const MAX_FEEDBACK_BODY = 2000;

/**
 * Land as a pull request: checked here (mistakes are refusals, exit 2), then it runs in the background and
 * records each step in task.landing; resolves as soon as it has started.
 */
export async function landAttemptAsPr(
  host: LandFlowHost,
  attemptId: string,
  github: GithubLandOptions | undefined,
): Promise<LandProgress> {
  const task = host.task(attemptId);
  const attempt = host.attempt(attemptId);
  const problem = landProblem(task, attempt);
  if (problem) throw new LandError(problem, 'refused');
  const target = await preparePrLand(host.repo, task, github);
  return startPrLand(host, task, attempt, github ?? { token: '' }, target);
}

/** Checks everything a PR land needs before anything is pushed; mistakes are UsageErrors (exit 2). */
export async function preparePrLand(
  repo: string,
  task: LandTask,
  github: GithubLandOptions | undefined,
): Promise<GithubTarget> {
  if (!github?.token) {
    throw new LandError(
      'a land as a pull request needs a GitHub token: set QUARTET_GITHUB_TOKEN (or GITHUB_TOKEN / GH_TOKEN) for the CLI, or run "Quartet: Set GitHub Token" in VS Code',
      'refused',
    );
  }
  if (github.reviewPolicy !== undefined && github.reviewPolicy !== 'none' && github.reviewPolicy !== 'approved')
    throw new LandError('reviewPolicy must be none or approved', 'refused');
  if (!(await refCommit(repo, `refs/heads/${task.baseRef}`)))
    throw new LandError(`the base "${task.baseRef}" is not a branch; a pull request needs a base branch`, 'refused');
  try {
    return await resolveGithubTarget(repo, github);
  } catch (err) {
    if (err instanceof GithubError) throw new LandError(err.message, 'refused');
    throw err;
  }
}

/** Starts the land; resolves at once with the first progress. The land goes on and records itself in task.landing. */
function startPrLand(
  host: LandFlowHost,
  task: LandTask,
  attempt: AttemptSnapshot,
  github: GithubLandOptions,
  target: GithubTarget,
): LandProgress {
  host.addSecret(task.id, github.token);
  const progress: LandProgress = {
    attemptId: attempt.id,
    step: 'push',
    status: 'running',
    message: `landing as a pull request on ${target.owner}/${target.repo}`,
    steps: [],
    conflictFiles: [],
    prRepo: `${target.owner}/${target.repo}`,
  };
  host.setLanding(task.id, { ...progress });
  void run(host, task, attempt, github, target, progress).catch((err: unknown) => {
    const failed: LandProgress = { ...progress, status: 'failed', message: (err as Error).message };
    host.setLanding(task.id, failed);
    host.log(`task=${task.id} attempt=${attempt.id} land-pr=failed ${(err as Error).message}`);
  });
  return progress;
}

async function run(
  host: LandFlowHost,
  task: LandTask,
  attempt: AttemptSnapshot,
  github: GithubLandOptions,
  target: GithubTarget,
  progress: LandProgress,
): Promise<void> {
  const clock = host.clock ?? systemClock;
  const octokit = createGithubClient({
    token: github.token,
    baseUrl: github.baseUrl,
    clock,
    maxRateLimitWaitMs: github.maxRateLimitWaitMs,
    onRateLimit: (ms, resetAt) =>
      host.log(
        `task=${task.id} GitHub rate limit: waiting ${Math.ceil(ms / 1000)} s (resets ${resetAt.toISOString()})`,
      ),
    log: host.log,
  });
  // The attempt's own message, not that of a merge a Resolve or a conflict turn added on top.
  const commitBody = (
    await git(host.repo, ['log', '-1', '--no-merges', '--format=%B', attempt.resultCommit ?? attempt.branch]).catch(
      () => '',
    )
  )
    .replace(/\n?Quartet-Attempt:.*$/m, '')
    .trim();
  const summary = commitBody.split('\n').slice(1).join('\n').trim() || commitBody;
  const publish = (): void => host.setLanding(task.id, { ...progress, steps: [...progress.steps] });
  const result = await landAsPullRequest({
    repo: host.repo,
    worktree: attempt.worktree,
    attemptId: attempt.id,
    branch: attempt.branch,
    baseBranch: task.baseRef,
    title: task.title.slice(0, 200),
    body: prBody({
      prompt: task.prompt,
      attemptId: attempt.id,
      branch: attempt.branch,
      baseRef: task.baseRef,
      summary,
      checks: attempt.checks,
      diffStat: attempt.diffStat,
      conflictsWithBase: attempt.conflicts?.withBase ?? null,
      tokens: attempt.tokens.total,
      score: attempt.score,
      recommended: attempt.recommended,
      attempts: task.attempts.filter((a) => !a.archived).length,
    }),
    mergeMessage: `${summary}\n\nQuartet-Task: ${task.id}\nQuartet-Attempt: ${attempt.id}\n`,
    mode: task.options.landMode,
    landedBranch: `quartet/landed/${task.key}`,
    api: new PrApi(octokit, target.owner, target.repo),
    target,
    token: github.token,
    policy: github.reviewPolicy ?? 'none',
    maxFixes: github.maxFixes ?? 3,
    poll: {
      ...DEFAULT_POLL,
      initialMs: github.pollInitialMs ?? DEFAULT_POLL.initialMs,
      maxMs: github.pollMaxMs ?? DEFAULT_POLL.maxMs,
    },
    maxWaitMs: github.maxWaitMs ?? 2 * 3600_000,
    noChecksGraceMs: github.noChecksGraceMs ?? 60_000,
    runFixTurn: fixTurns(host, attempt),
    clock,
    onStep: (step, status, detail) => {
      progress.step = step;
      progress.steps = [...progress.steps.filter((s) => s.step !== step), { step, status, detail }];
      publish();
    },
    onPr: (pr) => {
      progress.pr = pr;
      // Kept on the attempt too: a later rework (or a sibling's land) closes a PR this land left open.
      host.patchAttempt(attempt.id, () => ({
        pullRequest: {
          number: pr.number,
          url: pr.url,
          repo: `${target.owner}/${target.repo}`,
          apiUrl: github.baseUrl ?? null,
          state: pr.state,
        },
      }));
      publish();
    },
    onFeedback: (e) => journalFeedback(attempt.journal, e, github.token),
  });
  const final: LandProgress = {
    ...progress,
    status: result.status,
    message: result.message,
    steps: result.steps.map((s) => ({ ...s })),
    ...(result.pr ? { pr: result.pr } : {}),
  };
  host.log(`task=${task.id} attempt=${attempt.id} land-pr=${result.status} ${result.message}`);
  if (result.status === 'landed' || result.status === 'landed_aside') {
    await host.landed(
      task.id,
      attempt.id,
      { commit: result.mergeCommit ?? '', aside: result.aside, message: result.message },
      final,
      github,
    );
  } else {
    host.setLanding(task.id, final);
  }
}

/**
 * Fix turns as follow-ups on the attempt's thread. A conflict turn is verified like Resolve with agent: no markers
 * left → Quartet commits the merge; otherwise the merge is aborted and the worktree put back (what the agent wrote is saved).
 */
function fixTurns(host: LandFlowHost, attempt: AttemptSnapshot): RunFixTurn {
  return async (id, prompt, conflicts) => {
    const options: TurnOptions = !conflicts
      ? { reason: 'pr-fix' }
      : {
          reason: 'pr-conflicts',
          verify: async (a) => {
            const left = await leftoverMarkers(a.worktree, conflicts.files);
            if (left.length)
              return `the agent left conflict markers in ${left.map((l) => `${l.file} (line ${l.lines.join(', ')})`).join('; ')}`;
            await commitBaseMerge(a.worktree, resolveCommitMessage(conflicts.baseRef, a.branch, conflicts.files, a.id));
            return null;
          },
          rollback: async (a) => {
            const saved = await abortBaseMerge(
              a.worktree,
              conflicts.preMerge,
              join(host.stateDir, 'resolve', `${a.id}-${Date.now().toString(36)}.patch`),
            );
            return `the merge was aborted; the worktree is back at ${conflicts.preMerge.slice(0, 8)}${saved ? ` (what the agent left is in ${saved})` : ''}`;
          },
        };
    const r = await host.followUp(id, prompt, options);
    if (r.status !== 'completed') return { ok: false, message: r.message };
    // Diffs and archives of the attempt are measured from a base its branch now contains.
    if (conflicts && r.commit) {
      const merged = await git(host.repo, ['rev-parse', `${r.commit}^2`]).catch(() => '');
      if (merged.trim()) host.patchAttempt(attempt.id, () => ({ base: merged.trim() }));
    }
    const text = r.commit ? await git(host.repo, ['log', '-1', '--format=%B', r.commit]).catch(() => '') : '';
    return { ok: true, message: text.replace(/\n?Quartet-Attempt:.*$/m, '').trim() };
  };
}

/** Journals what the PR received (distill evidence with the PR comment's URL as provenance), scrubbed and truncated. */
function journalFeedback(path: string, e: PrFeedbackEvent, token: string): void {
  const scrub = makeScrubber();
  const body = scrub(e.body).trim();
  const event: PrFeedbackEvent = {
    ...e,
    author: scrub(e.author),
    body: body.length > MAX_FEEDBACK_BODY ? `${body.slice(0, MAX_FEEDBACK_BODY - 1)}…` : body,
  };
  // The land's token is scrubbed by the journal itself too (a reviewer could paste it).
  const journal = new Journal(path, token ? [token] : []);
  try {
    journal.event(event);
  } finally {
    journal.close();
  }
}
