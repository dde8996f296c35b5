// The steps of Resolve with agent, each ending in what resolveSteps.ts makes of it: merge the base, the turn, the recheck.

import { join } from 'node:path';
import type { AttemptSnapshot, CheckSummary } from '../../shared/model';
import { isAncestor } from '../git/git';
import { abortBaseMerge, commitBaseMerge, leftoverMarkers, startBaseMerge } from './resolveGit';
import { resolveCommitMessage, resolvePrompt } from '../policy/resolvePrompt';
import { checkCommandFor } from './checkRun';
import type { LandFlowHost, LandTask } from './landFlow';
import {
  nextResolveState,
  resolveStepStatus,
  type ResolveResults,
  type ResolveState,
  type ResolveStep,
} from './resolveSteps';

/** One resolve's facts, shared by its steps. */
export interface ResolveRun {
  host: LandFlowHost;
  attemptId: string;
  task: LandTask;
  a: AttemptSnapshot;
  baseTip: string;
  /** The worktree's HEAD before the merge: an abort goes back to it. */
  preMerge: string;
  step: (name: string, status: string, detail: string) => void;
  files: string[];
  checks: CheckSummary | null;
  /** The message of a terminal state other than `land`. */
  message: string;
}

export const RESOLVE_STEPS: Record<ResolveStep, (r: ResolveRun) => Promise<ResolveState>> = {
  'merge-base': mergeBase,
  resolve: resolveTurn,
  // Verify runs inside the resolve turn (its TurnOptions.verify); the machine never names it as a step of its own.
  verify: () => Promise.reject(new Error('verify runs only inside the resolve turn')),
  recheck,
};

async function mergeBase(r: ResolveRun): Promise<ResolveState> {
  const { a, task, baseTip, step } = r;
  const end = (result: ResolveResults['merge-base'], detail: string): ResolveState => {
    step('merge-base', resolveStepStatus('merge-base', result), detail);
    return nextResolveState('merge-base', result);
  };
  step(
    'merge-base',
    'running',
    `git merge --no-commit --no-ff ${task.baseRef} (${baseTip.slice(0, 8)}) in the attempt's worktree`,
  );
  if (await isAncestor(a.worktree, baseTip, r.preMerge))
    return end('contained', `${a.branch} already contains ${task.baseRef}`);
  const m = await startBaseMerge(a.worktree, baseTip);
  if (m.kind === 'clean') {
    // The conflict is gone (the base moved again): nothing for the agent to do, the land merges it itself.
    await abortBaseMerge(a.worktree, r.preMerge, null);
    return end('clean', `${task.baseRef} merges cleanly now; landing`);
  }
  if (m.kind === 'error') {
    r.message = m.message;
    return end('error', m.message);
  }
  r.files = m.files;
  const next = end('conflict', `conflicts in ${r.files.join(', ')}`);
  r.host.patchAttempt(r.attemptId, (x) => ({
    conflicts: { withBase: true, files: m.files, withAttempts: x.conflicts?.withAttempts ?? [] },
  }));
  return next;
}

async function resolveTurn(r: ResolveRun): Promise<ResolveState> {
  const { host, attemptId, task, a, baseTip, step, files } = r;
  const command =
    (await checkCommandFor(host.repo, task.options.checkCommand, baseTip).catch(() => null))?.command ?? null;
  step('resolve', 'running', `a follow-up Codex turn resolves ${files.join(', ')}`);
  const patchFile = join(host.stateDir, 'resolve', `${attemptId}-${Date.now().toString(36)}.patch`);
  let verified: ResolveResults['verify'] | null = null;
  const verify = async (): Promise<string | null> => {
    step('resolve', 'ok', 'the turn completed');
    step('verify', 'running', 'looking for conflict markers and unmerged paths');
    const left = await leftoverMarkers(a.worktree, files);
    let detail: string;
    if (left.length) {
      verified = 'markers';
      detail = `the agent left conflict markers in ${left.map((l) => `${l.file} (line ${l.lines.join(', ')})`).join('; ')}`;
    } else {
      try {
        const merge = await commitBaseMerge(a.worktree, resolveCommitMessage(task.baseRef, a.branch, files, attemptId));
        // The branch now contains the base: diffs and archives are measured from it.
        host.patchAttempt(attemptId, () => ({ base: baseTip }));
        verified = 'clean';
        detail = `no markers left; merged ${task.baseRef} as ${merge.slice(0, 8)}`;
      } catch (err) {
        verified = 'commit_failed';
        detail = (err as Error).message;
      }
    }
    step('verify', resolveStepStatus('verify', verified), detail);
    if (nextResolveState('verify', verified) === 'abort') return detail;
    step('recheck', 'running', command ?? 'no check command');
    return null;
  };
  const rollback = async (): Promise<string> => {
    step('abort', 'running', 'git merge --abort');
    const saved = await abortBaseMerge(a.worktree, r.preMerge, patchFile);
    const note = `the merge was aborted and the worktree is back at ${r.preMerge.slice(0, 8)}${saved ? `; what the agent left is saved in ${saved}` : ''}`;
    step('abort', 'ok', note);
    return note;
  };
  const prompt = resolvePrompt({
    files,
    baseRef: task.baseRef,
    baseCommit: baseTip,
    branch: a.branch,
    checkCommand: command,
  });
  const result = await host.followUp(attemptId, prompt, { reason: 'resolve-conflicts', verify, rollback });
  if (result.status !== 'completed') {
    // A verify that refused already showed why; otherwise the turn itself failed.
    if (verified === null || verified === 'clean') step('resolve', 'failed', result.message);
    r.message = `Resolve with agent did not resolve the conflicts: ${result.message}`;
    return nextResolveState('resolve', 'failed');
  }
  r.checks = result.checks;
  return nextResolveState('resolve', 'completed');
}

async function recheck(r: ResolveRun): Promise<ResolveState> {
  const { checks, task, a } = r;
  const result: ResolveResults['recheck'] =
    checks?.state === 'passed' ? 'passed' : checks?.state === 'failed' ? 'failed' : 'skipped';
  r.step(
    'recheck',
    resolveStepStatus('recheck', result),
    checks?.state === 'failed' ? checks.summary.join('\n') : (checks?.state ?? 'no checks'),
  );
  const next = nextResolveState('recheck', result, !!r.host.attempt(r.attemptId).resultCommit);
  if (next === 'checks_failed')
    r.message = `the conflicts are resolved and merged on ${a.branch}, but the checks fail (${checks?.command ?? ''}); ${task.baseRef} was not moved`;
  if (next === 'refused')
    r.message = `after merging ${task.baseRef}, nothing of the attempt's change is left; nothing to land`;
  return next;
}
