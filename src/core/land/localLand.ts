// Land an attempt locally: a visible, deterministic walk of landSteps in a temporary worktree, one land per repo at a time.

import { SerialQueue } from '../execution/serialQueue';
import { canonicalPath } from '../execution/pathSafety';
import type { CheckResult } from './checks';
import { describeCheckRun, runSandboxedChecks } from './checkRun';
import { refCommit } from './git';
import { isTerminal, nextLandState, stepStatus, type LandState, type StepRecord, type StepResults, type StepStatus } from './landSteps';
import { advanceBase, mergeInWorktree } from './landGit';
import { withTempWorktree } from './tempWorktree';

export interface LandInput {
  repo: string;
  baseBranch: string;
  attemptBranch: string;
  /** Commit message of the squash / merge commit. */
  message: string;
  mode?: 'squash' | 'merge';
  worktreeRoot: string;
  /** Where the result goes when the user's checkout of the base is dirty: `quartet/landed/<task key>`. */
  landedBranch: string;
  /**
   * Checks on the merged result, run in Codex's sandbox (land/checkRun.ts). `command` comes from the base or the
   * person's setting, never from the attempt; `env` names the Codex binary and CODEX_HOME (default: this process's).
   */
  checks?: { command: string; timeoutMs: number; env?: Record<string, string | undefined>; tag?: Record<string, string>; allowUnsandboxed?: boolean } | null;
  /** Why no checks run in the land (shown in its steps): e.g. they already passed on this exact tree. */
  checksSkipped?: string;
  onStep?: (step: LandState, status: StepStatus, detail: string) => void;
  onCheckOutput?: (chunk: string) => void;
}

interface Common {
  message: string;
  steps: StepRecord[];
}
export type LandResult = Common &
  (
    | { status: 'landed'; commit: string; previous: string; checkoutUpdated: string | null; checks: CheckResult | null }
    | { status: 'landed_aside'; branch: string; commit: string; checks: CheckResult | null }
    | { status: 'conflict'; files: string[] }
    | { status: 'checks_failed'; checks: CheckResult }
    | { status: 'refused' }
  );

/** Two lands on one repo would race for the same base: run them one after the other. */
const lands = new SerialQueue();

export function landLocally(input: LandInput): Promise<LandResult> {
  return lands.run(canonicalPath(input.repo), () => landNow(input));
}

/** Anything else that moves the base (an undo) waits in the same per-repo queue as the lands. */
export function inLandQueue<T>(repo: string, job: () => Promise<T>): Promise<T> {
  return lands.run(canonicalPath(repo), job);
}

async function landNow(input: LandInput): Promise<LandResult> {
  const steps: StepRecord[] = [];
  const emit = (step: LandState, status: StepStatus, detail: string): void => {
    steps.push({ step, status, detail });
    input.onStep?.(step, status, detail);
  };
  const end = <S extends keyof StepResults>(step: S, result: StepResults[S], round: number, detail: string): LandState => {
    emit(step, stepStatus(step, result), detail);
    return nextLandState(step, result, round);
  };
  const finish = (r: LandResult): LandResult => {
    emit(r.status === 'landed' || r.status === 'landed_aside' ? 'done' : r.status, r.status.startsWith('landed') ? 'ok' : 'failed', r.message);
    return { ...r, steps };
  };
  const refuse = (message: string): LandResult => finish({ status: 'refused', message, steps });
  const { repo, baseBranch, attemptBranch } = input;
  const mode = input.mode ?? 'squash';

  for (let round = 1; ; round++) {
    emit('prepare', 'running', round === 1 ? `landing ${attemptBranch} onto ${baseBranch} (${mode})` : `${baseBranch} moved; starting over`);
    const base = await refCommit(repo, `refs/heads/${baseBranch}`);
    const tip = await refCommit(repo, `refs/heads/${attemptBranch}`);
    // Quartet only writes branches it owns; the landed branch must be one of them.
    const problem = !base ? `base branch ${baseBranch} does not exist` : !tip ? `attempt branch ${attemptBranch} does not exist`
      : !input.landedBranch.startsWith('quartet/') ? `landed branch ${input.landedBranch} is not a quartet/ branch` : null;
    if (problem || !base || !tip) {
      end('prepare', 'refused', round, problem ?? '');
      return refuse(problem ?? 'nothing to land');
    }
    let outcome: LandResult | 'again';
    try {
      outcome = await withTempWorktree(repo, input.worktreeRoot, base, async (dir) => {
        end('prepare', 'ok', round, `temporary worktree at ${base.slice(0, 8)}`);
        emit('merge', 'running', `${mode} ${attemptBranch}`);
        const m = await mergeInWorktree(dir, attemptBranch, mode, input.message);
        if (m.kind === 'conflict') {
          end('merge', 'conflict', round, m.files.join(', '));
          return finish({ status: 'conflict', files: m.files, message: `${attemptBranch} conflicts with ${baseBranch} in ${m.files.join(', ')}`, steps });
        }
        if (m.kind !== 'ok') {
          const why = m.kind === 'empty' ? `nothing to land: ${attemptBranch} has no changes that are not already on ${baseBranch}` : m.message;
          end('merge', m.kind === 'empty' ? 'empty' : 'refused', round, why);
          return refuse(why);
        }
        end('merge', 'ok', round, m.commit.slice(0, 8));
        let checks: CheckResult | null = null;
        if (input.checks) {
          const c = input.checks;
          emit('checks', 'running', `\`${c.command}\` on the merged result`);
          const ran = await runSandboxedChecks({ repo, cwd: dir, command: c.command, timeoutMs: c.timeoutMs, env: c.env ?? process.env, tag: c.tag, allowUnsandboxed: c.allowUnsandboxed ?? false, onOutput: input.onCheckOutput });
          checks = ran;
          // The step names the check that ran and whether the sandbox held it.
          end('checks', ran.ok ? 'passed' : 'failed', round, ran.ok ? `${describeCheckRun(ran)} passed in ${ran.durationMs} ms` : ran.notRun ? describeCheckRun(ran) : [`${describeCheckRun(ran)} failed`, ...ran.summary].join('\n'));
          if (!ran.ok) return finish({ status: 'checks_failed', checks: ran, message: `checks ${ran.notRun ? 'not run' : 'failed'} (${c.command}); ${baseBranch} was not moved`, steps });
        } else {
          end('checks', 'skipped', round, input.checksSkipped ?? 'no check command');
        }
        emit('advance', 'running', `${baseBranch} ${base.slice(0, 8)} → ${m.commit.slice(0, 8)}`);
        const a = await advanceBase({ repo, baseBranch, expected: base, commit: m.commit, landedBranch: input.landedBranch, reflog: `quartet land ${attemptBranch}` });
        const next = end('advance', a.kind, round, a.kind === 'moved' ? a.detail : a.kind === 'refused' ? a.message : a.kind === 'aside' ? a.branch : a.checkout ?? 'ref only');
        if (a.kind === 'advanced') {
          const where = a.checkout ? `; fast-forwarded ${a.checkout}` : '';
          return finish({ status: 'landed', commit: m.commit, previous: base, checkoutUpdated: a.checkout, checks, message: `landed ${attemptBranch} on ${baseBranch} as ${m.commit.slice(0, 8)}${where}`, steps });
        }
        if (a.kind === 'aside') {
          const message = a.overwrites.length
            ? `landing would overwrite ignored files in your checkout: ${a.overwrites.join(', ')}; ${baseBranch} was not moved and nothing was touched. The result is on ${a.branch}: move those files aside, then run git merge --ff-only ${a.branch}`
            : `your checkout has uncommitted changes; ${baseBranch} was not moved. The result is on ${a.branch}: commit or stash your changes, then run git merge --ff-only ${a.branch}`;
          return finish({ status: 'landed_aside', branch: a.branch, commit: m.commit, checks, message, steps });
        }
        if (isTerminal(next)) return refuse(a.kind === 'moved' ? `${baseBranch} kept moving while landing (${a.detail}); try again` : a.message);
        return 'again';
      });
    } catch (err) {
      return refuse(`land failed: ${(err as Error).message}`);
    }
    if (outcome !== 'again') return outcome;
  }
}
