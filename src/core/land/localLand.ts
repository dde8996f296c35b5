// Land an attempt locally: landSteps.ts picks each step, run in a temporary worktree; one land per repo at a time.

import { SerialQueue } from '../git/serialQueue';
import { canonicalPath } from '../git/pathSafety';
import type { CheckResult } from './checks';
import { describeCheckRun, runSandboxedChecks } from './checkRun';
import { refCommit } from '../git/git';
import {
  isTerminal,
  nextLandState,
  stepStatus,
  type LandState,
  type LandStep,
  type LandTerminal,
  type StepRecord,
  type StepResults,
  type StepStatus,
} from './landSteps';
import { advanceBase, mergeInWorktree, type AdvanceOutcome } from './landGit';
import { withTempWorktree } from '../git/tempWorktree';

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
  checks?: {
    command: string;
    timeoutMs: number;
    env?: Record<string, string | undefined>;
    tag?: Record<string, string>;
    allowUnsandboxed?: boolean;
  } | null;
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

/** What the steps of one land found: the terminal state's outcome is built from it. */
interface Found {
  message: string;
  /** The base tip the round's merge was built on. */
  base: string;
  files: string[];
  commit: string;
  checks: CheckResult | null;
  advance: AdvanceOutcome | null;
}

/** The machine in landSteps.ts picks every next step; this only runs the step it names. */
async function landNow(input: LandInput): Promise<LandResult> {
  const steps: StepRecord[] = [];
  const emit = (step: LandState, status: StepStatus, detail: string): void => {
    steps.push({ step, status, detail });
    input.onStep?.(step, status, detail);
  };
  const found: Found = { message: '', base: '', files: [], commit: '', checks: null, advance: null };
  let state: 'prepare' | LandTerminal = 'prepare';
  for (let round = 1; state === 'prepare'; round++) state = await landRound(input, round, emit, found);
  // The terminal state is the last step shown; `steps` is that same list.
  const r = outcome(state, found, steps);
  emit(state, state === 'done' ? 'ok' : 'failed', r.message);
  return r;
}

type Emit = (step: LandState, status: StepStatus, detail: string) => void;

/** One round: prepare a temporary worktree at the base tip, then merge → checks → advance in it while the machine says so. */
async function landRound(input: LandInput, round: number, emit: Emit, found: Found): Promise<'prepare' | LandTerminal> {
  const end: End = (step, result, detail) => {
    emit(step, stepStatus(step, result), detail);
    return nextLandState(step, result, round);
  };
  const { repo, baseBranch, attemptBranch } = input;
  const mode = input.mode ?? 'squash';
  emit(
    'prepare',
    'running',
    round === 1 ? `landing ${attemptBranch} onto ${baseBranch} (${mode})` : `${baseBranch} moved; starting over`,
  );
  const base = await refCommit(repo, `refs/heads/${baseBranch}`);
  const tip = await refCommit(repo, `refs/heads/${attemptBranch}`);
  // Quartet only writes branches it owns; the landed branch must be one of them.
  const problem = !base
    ? `base branch ${baseBranch} does not exist`
    : !tip
      ? `attempt branch ${attemptBranch} does not exist`
      : !input.landedBranch.startsWith('quartet/')
        ? `landed branch ${input.landedBranch} is not a quartet/ branch`
        : null;
  if (problem || !base || !tip) {
    found.message = problem ?? 'nothing to land';
    const next = end('prepare', 'refused', found.message);
    return isTerminal(next) ? next : 'refused';
  }
  try {
    return await withTempWorktree(repo, input.worktreeRoot, base, async (dir) => {
      let state = end('prepare', 'ok', `temporary worktree at ${base.slice(0, 8)}`);
      const run = roundSteps(input, { dir, base, mode }, emit, end, found);
      while (state === 'merge' || state === 'checks' || state === 'advance') state = await run[state]();
      return state;
    });
  } catch (err) {
    found.message = `land failed: ${(err as Error).message}`;
    return 'refused';
  }
}

type End = <S extends LandStep>(step: S, result: StepResults[S], detail: string) => LandState;

/** The steps inside the temporary worktree; each reports its result to the machine and notes what the outcome needs. */
function roundSteps(
  input: LandInput,
  at: { dir: string; base: string; mode: 'squash' | 'merge' },
  emit: Emit,
  end: End,
  found: Found,
): Record<'merge' | 'checks' | 'advance', () => Promise<LandState>> {
  const { repo, baseBranch, attemptBranch } = input;
  const { dir, base, mode } = at;
  return {
    merge: async () => {
      emit('merge', 'running', `${mode} ${attemptBranch}`);
      const m = await mergeInWorktree(dir, attemptBranch, mode, input.message);
      if (m.kind === 'conflict') {
        found.files = m.files;
        found.message = `${attemptBranch} conflicts with ${baseBranch} in ${m.files.join(', ')}`;
        return end('merge', 'conflict', m.files.join(', '));
      }
      if (m.kind !== 'ok') {
        found.message =
          m.kind === 'empty'
            ? `nothing to land: ${attemptBranch} has no changes that are not already on ${baseBranch}`
            : m.message;
        return end('merge', m.kind === 'empty' ? 'empty' : 'refused', found.message);
      }
      found.commit = m.commit;
      return end('merge', 'ok', m.commit.slice(0, 8));
    },
    checks: async () => {
      found.checks = null;
      const c = input.checks;
      if (!c) return end('checks', 'skipped', input.checksSkipped ?? 'no check command');
      emit('checks', 'running', `\`${c.command}\` on the merged result`);
      const ran = await runSandboxedChecks({
        repo,
        cwd: dir,
        command: c.command,
        timeoutMs: c.timeoutMs,
        env: c.env ?? process.env,
        tag: c.tag,
        allowUnsandboxed: c.allowUnsandboxed ?? false,
        onOutput: input.onCheckOutput,
      });
      found.checks = ran;
      found.message = `checks ${ran.notRun ? 'not run' : 'failed'} (${c.command}); ${baseBranch} was not moved`;
      // The step names the check that ran and whether the sandbox held it.
      return end(
        'checks',
        ran.ok ? 'passed' : 'failed',
        ran.ok
          ? `${describeCheckRun(ran)} passed in ${ran.durationMs} ms`
          : ran.notRun
            ? describeCheckRun(ran)
            : [`${describeCheckRun(ran)} failed`, ...ran.summary].join('\n'),
      );
    },
    advance: async () => {
      emit('advance', 'running', `${baseBranch} ${base.slice(0, 8)} → ${found.commit.slice(0, 8)}`);
      const a = await advanceBase({
        repo,
        baseBranch,
        expected: base,
        commit: found.commit,
        landedBranch: input.landedBranch,
        reflog: `quartet land ${attemptBranch}`,
      });
      found.advance = a;
      found.base = base;
      if (a.kind === 'moved') found.message = `${baseBranch} kept moving while landing (${a.detail}); try again`;
      if (a.kind === 'refused') found.message = a.message;
      if (a.kind === 'advanced')
        found.message = `landed ${attemptBranch} on ${baseBranch} as ${found.commit.slice(0, 8)}${a.checkout ? `; fast-forwarded ${a.checkout}` : ''}`;
      if (a.kind === 'aside') {
        found.message = a.overwrites.length
          ? `landing would overwrite ignored files in your checkout: ${a.overwrites.join(', ')}; ${baseBranch} was not moved and nothing was touched. The result is on ${a.branch}: move those files aside, then run git merge --ff-only ${a.branch}`
          : `your checkout has uncommitted changes; ${baseBranch} was not moved. The result is on ${a.branch}: commit or stash your changes, then run git merge --ff-only ${a.branch}`;
      }
      return end(
        'advance',
        a.kind,
        a.kind === 'moved'
          ? a.detail
          : a.kind === 'refused'
            ? a.message
            : a.kind === 'aside'
              ? a.branch
              : (a.checkout ?? 'ref only'),
      );
    },
  };
}

/** The result the terminal state stands for, from what the steps found. */
function outcome(state: LandTerminal, f: Found, steps: StepRecord[]): LandResult {
  const { message } = f;
  if (state === 'conflict') return { status: 'conflict', files: f.files, message, steps };
  if (state === 'checks_failed' && f.checks) return { status: 'checks_failed', checks: f.checks, message, steps };
  if (state === 'done' && f.advance?.kind === 'advanced')
    return {
      status: 'landed',
      commit: f.commit,
      previous: f.base,
      checkoutUpdated: f.advance.checkout,
      checks: f.checks,
      message,
      steps,
    };
  if (state === 'done' && f.advance?.kind === 'aside')
    return { status: 'landed_aside', branch: f.advance.branch, commit: f.commit, checks: f.checks, message, steps };
  return { status: 'refused', message, steps };
}
