// "Resolve with agent": merge the base into the attempt's worktree, a follow-up turn resolves the markers, verify, re-check, land.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AttemptSnapshot, LandProgress } from '../../shared/model';
import { refCommit } from '../git/git';
import { abortBaseMerge, dirtyPaths, mergeInProgress } from './resolveGit';
import { LandError } from './errors';
import { landAttempt } from './landAttempt';
import type { LandFlowHost, LandTask } from './landFlow';
import { isResolveTerminal, type ResolveState } from './resolveSteps';
import { RESOLVE_STEPS, type ResolveRun } from './resolveRun';

/** A refusal: the caller's mistake, the attempt untouched. */
const refused = (message: string): LandError => new LandError(message, 'refused');
const isRefusal = (err: unknown): boolean => err instanceof LandError && err.reason === 'refused';

type Step = LandProgress['steps'][number];

/** Why this attempt cannot be resolved now, or null (pure). */
export function resolveProblem(a: AttemptSnapshot, task: LandTask): string | null {
  if (task.state === 'landed') return `task ${task.id} already landed`;
  if (task.landing?.status === 'running') return `a land of task ${task.id} is already running`;
  if (a.archived) return `attempt ${a.id} is archived (${a.archived.reason})`;
  if (a.phase !== 'finished' || !a.resultCommit)
    return `attempt ${a.id} is ${a.phase}${a.resultCommit ? '' : ' with no committed result'}; only a finished attempt with changes can be resolved and landed`;
  if (!a.threadId) return `attempt ${a.id} has no Codex thread to resolve the conflicts with; rework it instead`;
  // The merge is made in the local worktree; the agent's thread and worktree are on the host, which never sees it.
  if (a.host)
    return `attempt ${a.id} ran on ${a.host}: Resolve with agent is not available for worker hosts yet; rework it instead`;
  return null;
}

/** The whole flow; every step shows in `task.landing.steps`, and a failure leaves the attempt exactly as it was. */
export async function resolveWithAgent(host: LandFlowHost, attemptId: string): Promise<LandProgress> {
  const first = resolveProblem(host.attempt(attemptId), host.task(attemptId));
  if (first) throw refused(first);
  const a = host.attempt(attemptId);
  const task = host.task(attemptId);
  if (!existsSync(a.worktree)) throw refused(`the worktree of attempt ${attemptId} (${a.worktree}) no longer exists`);
  const baseTip = await refCommit(host.repo, `refs/heads/${task.baseRef}`);
  if (!baseTip) throw refused(`the base "${task.baseRef}" is not a branch; land needs a branch to advance`);
  const dirty = await dirtyPaths(a.worktree);
  if (dirty.length)
    throw refused(
      `the worktree of attempt ${attemptId} has uncommitted changes (${dirty.slice(0, 5).join(', ')}${dirty.length > 5 ? ', …' : ''}); commit or discard them before Resolve with agent`,
    );
  // Checked again after the awaits: another land or resolve may have started meanwhile.
  const again = resolveProblem(host.attempt(attemptId), host.task(attemptId));
  if (again) throw refused(again);

  const steps: Step[] = [];
  const show = (status: LandProgress['status'], message: string): LandProgress => {
    const p: LandProgress = {
      attemptId,
      step: steps[steps.length - 1]?.step ?? 'merge-base',
      status,
      message,
      steps: [...steps],
      conflictFiles: run.files,
    };
    host.setLanding(task.id, p);
    return p;
  };
  const step = (name: string, status: string, detail: string): void => {
    const i = steps.findIndex((s) => s.step === name);
    if (i === -1) steps.push({ step: name, status, detail });
    else steps[i] = { step: name, status, detail };
    show('running', '');
  };
  const { worktree } = a;
  const preMerge = (await refCommit(worktree, 'HEAD')) ?? a.resultCommit ?? '';
  const run: ResolveRun = { host, attemptId, task, a, baseTip, preMerge, step, files: [], checks: null, message: '' };
  try {
    // resolveSteps.ts names every next step; this loop only runs the step it names.
    let state: ResolveState = 'merge-base';
    while (!isResolveTerminal(state)) state = await RESOLVE_STEPS[state](run);
    return state === 'land'
      ? await landAttempt(host, attemptId, steps)
      : show(state === 'abort' ? 'failed' : state, run.message);
  } catch (err) {
    // Never leave a half-made merge behind: whatever failed, the worktree goes back to where it was.
    if (existsSync(worktree) && (await mergeInProgress(worktree).catch(() => false))) {
      await abortBaseMerge(
        worktree,
        preMerge,
        join(host.stateDir, 'resolve', `${attemptId}-${Date.now().toString(36)}.patch`),
      ).catch(() => null);
    }
    const message = `Resolve with agent failed: ${(err as Error).message}`;
    host.log(`attempt=${attemptId} ${message}`);
    if (host.task(attemptId).landing?.status === 'running') show('failed', message);
    if (isRefusal(err)) throw err;
    return show('failed', message);
  }
}
