// Land one attempt of a task on its base (local): checks what the records allow, runs localLand, shows every step in task.landing.

import type { AttemptSnapshot, LandProgress } from '../../shared/model';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { checkCommandFor } from './checkRun';
import { LandError } from './errors';
import { git, isAncestor, refCommit } from '../git/git';
import type { LandFlowHost, LandTask } from './landFlow';
import { landLocally } from './localLand';

/** Why this attempt cannot land now, or null (pure); `continuing`: a Resolve with agent carries on its own land. */
export function landProblem(task: LandTask, attempt: AttemptSnapshot, continuing = false): string | null {
  if (attempt.phase !== 'finished' || !attempt.resultCommit)
    return `attempt ${attempt.id} is ${attempt.phase}${attempt.resultCommit ? '' : ' with no committed result'}; only finished attempts with changes can land`;
  if (task.state === 'landed') return `task ${task.id} already landed (${task.landing?.attemptId ?? ''})`;
  if (task.landing?.status === 'running' && !continuing) return `a land of task ${task.id} is already running`;
  return null;
}

/** The commit message of the land: the task's title, the attempt's own message (not a merge a resolve added), the trailers. */
export async function landMessage(repo: string, task: LandTask, attempt: AttemptSnapshot): Promise<string> {
  const body = await git(repo, [
    'log',
    '-1',
    '--no-merges',
    '--format=%B',
    attempt.resultCommit ?? attempt.branch,
  ]).catch(() => '');
  return `${task.title.slice(0, 72)}\n\n${body.replace(/\n?Quartet-Attempt:.*$/m, '').trim()}\n\nQuartet-Task: ${task.id}\nQuartet-Attempt: ${attempt.id}\n`;
}

/**
 * Land one attempt on its task's base branch, step by step; the task records the progress and outcome.
 * `carried`: steps already shown for this land (Resolve with agent continues its own land).
 */
export async function landAttempt(
  host: LandFlowHost,
  attemptId: string,
  carried: LandProgress['steps'] | null = null,
): Promise<LandProgress> {
  const task = host.task(attemptId);
  const attempt = host.attempt(attemptId);
  const problem = landProblem(task, attempt, carried !== null);
  if (problem) throw new LandError(problem, 'refused');
  const { repo } = host;
  const baseTip = await refCommit(repo, `refs/heads/${task.baseRef}`);
  if (!baseTip)
    throw new LandError(`the base "${task.baseRef}" is not a branch; land needs a branch to advance`, 'refused');
  const prior = carried ?? [];
  const progress: LandProgress = {
    attemptId,
    step: 'prepare',
    status: 'running',
    message: '',
    steps: [...prior],
    conflictFiles: [],
  };
  host.setLanding(task.id, { ...progress });
  const message = await landMessage(repo, task, attempt);
  // The checks ran on the attempt's tip; the landed tree is that same tree only when the tip already contains the base.
  const baseMoved = !(await isAncestor(repo, baseTip, attempt.resultCommit ?? ''));
  // The merged result is checked with the command read at the base it lands on.
  const command = (await checkCommandFor(repo, task.options.checkCommand, baseTip).catch(() => null))?.command ?? null;
  let result;
  try {
    result = await landLocally({
      repo,
      baseBranch: task.baseRef,
      attemptBranch: attempt.branch,
      message,
      mode: task.options.landMode,
      worktreeRoot: host.worktreeRoot(),
      landedBranch: `quartet/landed/${task.key}`,
      // Checks already ran on this exact tree unless the base moved since: then they run on the merged result.
      checks:
        baseMoved && command
          ? {
              command,
              timeoutMs: task.options.checkTimeoutMs,
              env: host.envFor(task.id),
              tag: { [ATTEMPT_TAG]: attemptId },
              allowUnsandboxed: host.allowUnsandboxed(),
            }
          : null,
      // The steps name the check that ran: "skipped — no check command" beside a green `npm test` misleads.
      checksSkipped: !command
        ? 'no check command'
        : `\`${command}\` ${attempt.checks?.state === 'passed' ? 'passed' : 'ran'} on this exact tree (the attempt's checks)`,
      onStep: (step, status, detail) => {
        progress.step = step;
        progress.steps = [
          ...prior,
          ...progress.steps.slice(prior.length).filter((s) => s.step !== step),
          { step, status, detail },
        ];
        host.setLanding(task.id, { ...progress });
      },
    });
  } catch (err) {
    const failed: LandProgress = { ...progress, status: 'failed', message: (err as Error).message };
    host.setLanding(task.id, failed);
    return failed;
  }
  const final: LandProgress = {
    ...progress,
    steps: [...prior, ...result.steps.map((s) => ({ step: s.step, status: s.status, detail: s.detail }))],
    status: result.status,
    message: result.message,
    conflictFiles: result.status === 'conflict' ? result.files : [],
  };
  host.log(`task=${task.id} attempt=${attemptId} land=${result.status} ${result.message}`);
  if (result.status === 'landed' || result.status === 'landed_aside') {
    await host.landed(
      task.id,
      attemptId,
      {
        commit: result.commit,
        aside: result.status === 'landed_aside' ? result.branch : null,
        message: result.message,
      },
      final,
      null,
    );
  } else {
    host.setLanding(task.id, final);
    // The land found what the prediction may have missed (the base moved since): the attempt shows it, and can be resolved.
    if (result.status === 'conflict')
      host.patchAttempt(attemptId, (a) => ({
        conflicts: { withBase: true, files: result.files, withAttempts: a.conflicts?.withAttempts ?? [] },
      }));
  }
  return final;
}
