// "Resolve with agent": merge the base into the attempt's worktree, a follow-up turn resolves the markers, verify, re-check, land.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AttemptSnapshot, LandProgress } from '../../shared/model';
import { isAncestor, refCommit } from '../git/git';
import {
  abortBaseMerge,
  commitBaseMerge,
  dirtyPaths,
  leftoverMarkers,
  mergeInProgress,
  startBaseMerge,
} from './resolveGit';
import { resolveCommitMessage, resolvePrompt } from '../policy/resolvePrompt';
import { checkCommandFor } from './checkRun';
import { LandError } from './errors';
import { landAttempt } from './landAttempt';
import type { LandFlowHost, LandTask } from './landFlow';

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
  let files: string[] = [];
  const show = (status: LandProgress['status'], message: string): LandProgress => {
    const p: LandProgress = {
      attemptId,
      step: steps[steps.length - 1]?.step ?? 'merge-base',
      status,
      message,
      steps: [...steps],
      conflictFiles: files,
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
  const { worktree, branch } = a;
  const preMerge = (await refCommit(worktree, 'HEAD')) ?? a.resultCommit ?? '';
  try {
    step(
      'merge-base',
      'running',
      `git merge --no-commit --no-ff ${task.baseRef} (${baseTip.slice(0, 8)}) in the attempt's worktree`,
    );
    if (await isAncestor(worktree, baseTip, preMerge)) {
      step('merge-base', 'ok', `${branch} already contains ${task.baseRef}`);
      return await landAttempt(host, attemptId, steps);
    }
    const m = await startBaseMerge(worktree, baseTip);
    if (m.kind === 'clean') {
      // The conflict is gone (the base moved again): nothing for the agent to do, the land merges it itself.
      await abortBaseMerge(worktree, preMerge, null);
      step('merge-base', 'ok', `${task.baseRef} merges cleanly now; landing`);
      return await landAttempt(host, attemptId, steps);
    }
    if (m.kind === 'error') {
      step('merge-base', 'failed', m.message);
      return show('failed', m.message);
    }
    files = m.files;
    step('merge-base', 'ok', `conflicts in ${files.join(', ')}`);
    host.patchAttempt(attemptId, (x) => ({
      conflicts: { withBase: true, files, withAttempts: x.conflicts?.withAttempts ?? [] },
    }));
    const command =
      (await checkCommandFor(host.repo, task.options.checkCommand, baseTip).catch(() => null))?.command ?? null;
    step('resolve', 'running', `a follow-up Codex turn resolves ${files.join(', ')}`);
    const patchFile = join(host.stateDir, 'resolve', `${attemptId}-${Date.now().toString(36)}.patch`);
    const result = await host.followUp(
      attemptId,
      resolvePrompt({ files, baseRef: task.baseRef, baseCommit: baseTip, branch, checkCommand: command }),
      {
        reason: 'resolve-conflicts',
        verify: async () => {
          step('resolve', 'ok', 'the turn completed');
          step('verify', 'running', 'looking for conflict markers and unmerged paths');
          const left = await leftoverMarkers(worktree, files);
          if (left.length) {
            const why = `the agent left conflict markers in ${left.map((l) => `${l.file} (line ${l.lines.join(', ')})`).join('; ')}`;
            step('verify', 'failed', why);
            return why;
          }
          try {
            const merge = await commitBaseMerge(worktree, resolveCommitMessage(task.baseRef, branch, files, attemptId));
            // The branch now contains the base: diffs and archives are measured from it.
            host.patchAttempt(attemptId, () => ({ base: baseTip }));
            step('verify', 'ok', `no markers left; merged ${task.baseRef} as ${merge.slice(0, 8)}`);
            step('recheck', 'running', command ?? 'no check command');
            return null;
          } catch (err) {
            step('verify', 'failed', (err as Error).message);
            return (err as Error).message;
          }
        },
        rollback: async () => {
          step('abort', 'running', 'git merge --abort');
          const saved = await abortBaseMerge(worktree, preMerge, patchFile);
          const note = `the merge was aborted and the worktree is back at ${preMerge.slice(0, 8)}${saved ? `; what the agent left is saved in ${saved}` : ''}`;
          step('abort', 'ok', note);
          return note;
        },
      },
    );
    if (result.status !== 'completed') {
      if (!steps.some((s) => s.step === 'verify' && s.status === 'failed')) step('resolve', 'failed', result.message);
      return show('failed', `Resolve with agent did not resolve the conflicts: ${result.message}`);
    }
    const checks = result.checks;
    step(
      'recheck',
      checks?.state === 'passed' ? 'ok' : checks?.state === 'failed' ? 'failed' : 'skipped',
      checks?.state === 'failed' ? checks.summary.join('\n') : (checks?.state ?? 'no checks'),
    );
    if (checks?.state === 'failed')
      return show(
        'checks_failed',
        `the conflicts are resolved and merged on ${branch}, but the checks fail (${checks.command ?? ''}); ${task.baseRef} was not moved`,
      );
    if (!host.attempt(attemptId).resultCommit)
      return show('refused', `after merging ${task.baseRef}, nothing of the attempt's change is left; nothing to land`);
    return await landAttempt(host, attemptId, steps);
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
