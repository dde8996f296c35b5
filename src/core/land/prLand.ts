// Land an attempt as a GitHub pull request: prSteps.ts picks each step — push, open, wait ⇄ fix, merge, clean up.

import type { LandPullRequest } from '../../shared/model';
import { GithubError } from '../github/errors';
import type { Clock } from '../execution/clock';
import type { PrApi, PrInfo } from '../github/prApi';
import { fetchBranch, pushBranch } from '../github/push';
import type { GithubTarget } from '../github/remote';
import type { StepStatus } from './landSteps';
import { updateLocalBase } from './prGit';
import { prView, type PrFeedbackEvent } from './prObserve';
import { current, waitStep } from './prWait';
import { fixReply } from './prText';
import { fixFeedback, resolveConflicts, type Emit } from './prFix';
import {
  isPrTerminal,
  nextPrState,
  pollDelayMs,
  prStepStatus,
  type PollPolicy,
  type PrObservation,
  type PrState,
  type PrStep,
  type PrStepResults,
  type PrTerminal,
  type WaitDecision,
} from './prSteps';

/**
 * A follow-up Codex turn on the attempt's own thread; Quartet commits what it leaves. With `conflicts` the
 * worktree is mid-merge: the turn's result is accepted only without markers (else the merge is rolled back).
 */
export type RunFixTurn = (
  attemptId: string,
  prompt: string,
  conflicts?: { files: string[]; preMerge: string; baseRef: string },
) => Promise<{ ok: boolean; message?: string }>;

export interface PrLandInput {
  repo: string;
  worktree: string;
  attemptId: string;
  branch: string;
  baseBranch: string;
  title: string;
  body: string;
  /** Squash/merge commit message on GitHub. */
  mergeMessage: string;
  mode: 'squash' | 'merge';
  landedBranch: string;
  api: PrApi;
  target: GithubTarget;
  token: string;
  policy: 'none' | 'approved';
  maxFixes: number;
  poll: PollPolicy;
  maxWaitMs: number;
  noChecksGraceMs: number;
  runFixTurn: RunFixTurn;
  clock: Clock;
  onStep?: (step: PrState, status: StepStatus, detail: string) => void;
  onPr?: (pr: LandPullRequest) => void;
  /** Each review, review comment and failed check the PR received, once (the attempt's journal records them). */
  onFeedback?: (event: PrFeedbackEvent) => void;
}

export interface PrStepRecord {
  step: PrState;
  status: StepStatus;
  detail: string;
}

export interface PrLandResult {
  status: 'landed' | 'landed_aside' | 'needs_you' | 'refused' | 'failed';
  message: string;
  pr: LandPullRequest | null;
  mergeCommit: string | null;
  aside: string | null;
  steps: PrStepRecord[];
}

/** What the steps found so far: the next steps and the terminal state's outcome read it. */
export interface Found {
  pr: PrInfo | null;
  view: LandPullRequest | null;
  obs: PrObservation | null;
  /** The login of the token's user (its own comments are never feedback). */
  self: string | null;
  pushed: string;
  fixes: number;
  /** The wait's decision the fix step acts on. */
  decision: Extract<WaitDecision, { kind: 'fix' | 'conflict' }> | null;
  /** Feedback already sent to a fix turn, and feedback already journaled. */
  sent: Set<string>;
  journaled: Set<string>;
  checksSentFor: string | null;
  headSince: number;
  polls: number;
  mergeCommit: string | null;
  aside: string | null;
  message: string;
}

export type End = <S extends PrStep>(step: S, result: PrStepResults[S], detail: string) => PrState;

/** The machine in prSteps.ts picks every next step; this only runs the step it names. */
export async function landAsPullRequest(i: PrLandInput): Promise<PrLandResult> {
  const steps: PrStepRecord[] = [];
  const emit: Emit = (step, status, detail) => {
    // Polls repeat "running" for hours on a slow review: keep only the latest of a run of them.
    const last = steps[steps.length - 1];
    if (last && last.step === step && last.status === 'running' && status === 'running') steps.pop();
    steps.push({ step, status, detail });
    i.onStep?.(step, status, detail);
  };
  const end: End = (step, result, detail) => {
    emit(step, prStepStatus(step, result), detail);
    return nextPrState(step, result);
  };
  const found: Found = {
    pr: null,
    view: null,
    obs: null,
    self: null,
    pushed: '',
    fixes: 0,
    decision: null,
    sent: new Set(),
    journaled: new Set(),
    checksSentFor: null,
    headSince: i.clock.now(),
    polls: 0,
    mergeCommit: null,
    aside: null,
    message: '',
  };
  const run = prLandSteps(i, found, emit, end);
  let state: PrState = 'push';
  while (!isPrTerminal(state)) state = await run[state]();
  return finish(state, found, steps, emit);
}

function finish(state: PrTerminal, f: Found, steps: PrStepRecord[], emit: Emit): PrLandResult {
  emit(state, state === 'done' ? 'ok' : 'failed', f.message);
  const status: PrLandResult['status'] = state === 'done' ? (f.aside ? 'landed_aside' : 'landed') : state;
  return {
    status,
    message: f.message,
    pr: f.view,
    mergeCommit: state === 'done' ? f.mergeCommit : null,
    aside: state === 'done' ? f.aside : null,
    steps,
  };
}

const errorText = (err: unknown): string => (err as Error).message;

/** Each step: runs, notes what later steps and the outcome need, and reports its result to the machine. */
function prLandSteps(i: PrLandInput, f: Found, emit: Emit, end: End): Record<PrStep, () => Promise<PrState>> {
  const { api, target } = i;
  const push = (): Promise<string> =>
    pushBranch({
      repo: i.repo,
      remote: target.remote,
      remoteUrl: target.remoteUrl,
      branch: i.branch,
      baseBranch: i.baseBranch,
      token: i.token,
    });
  const report = (p: PrInfo, obs: PrObservation | null): void => {
    f.view = prView(p, obs, f.fixes);
    i.onPr?.(f.view);
  };
  const nap = (): Promise<void> => i.clock.sleep(pollDelayMs(f.polls++, i.poll));
  return {
    push: async () => {
      emit('push', 'running', `${i.branch} → ${target.remote}`);
      try {
        f.pushed = await push();
      } catch (err) {
        f.message = errorText(err);
        return end(
          'push',
          err instanceof GithubError && err.reason === 'github_push_rejected' ? 'rejected' : 'failed',
          f.message,
        );
      }
      return end('push', 'ok', f.pushed.slice(0, 8));
    },
    pr: async () => {
      emit('pr', 'running', `${target.owner}/${target.repo}: ${i.branch} → ${i.baseBranch}`);
      try {
        f.self = await api.login().catch(() => null);
        const open = await api.findOpen(i.branch);
        const pr = open ?? (await api.create({ title: i.title, body: i.body, head: i.branch, base: i.baseBranch }));
        f.pr = pr;
        report(pr, null);
        f.headSince = i.clock.now();
        return end('pr', 'ok', `${open ? 'reusing open' : 'opened'} #${pr.number} ${pr.url}`);
      } catch (err) {
        f.message = `could not open the pull request: ${errorText(err)}`;
        return end('pr', 'failed', errorText(err));
      }
    },
    wait: () => waitStep(i, f, { emit, end, report, nap }),
    fix: async () => {
      const pr = current(f);
      const d = f.decision;
      if (!d) throw new Error('a fix step without a decision to act on');
      f.fixes++;
      report(pr, f.obs);
      const fixed =
        d.kind === 'conflict' ? await resolveConflicts(i, pr, emit) : await fixFeedback(i, pr, d, f.sent, emit);
      if (fixed.result === 'failed') {
        f.message = `${fixed.detail}; PR #${pr.number} stays open: ${pr.url}`;
        return end('fix', 'failed', fixed.detail);
      }
      if (fixed.result === 'unchanged') {
        if (d.kind === 'fix' && d.checks.length) f.checksSentFor = f.pushed;
        return end('fix', 'unchanged', fixed.detail);
      }
      try {
        f.pushed = await push();
      } catch (err) {
        f.message = errorText(err);
        return end(
          'fix',
          err instanceof GithubError && err.reason === 'github_push_rejected' ? 'push_rejected' : 'push_failed',
          f.message,
        );
      }
      if (d.kind === 'fix') await api.comment(pr.number, fixReply(f.pushed, fixed.summary, d)).catch(() => undefined);
      f.headSince = i.clock.now();
      f.polls = 0;
      return end('fix', 'pushed', `pushed ${f.pushed.slice(0, 8)}${fixed.detail ? `: ${fixed.detail}` : ''}`);
    },
    merge: async () => {
      const pr = current(f);
      emit('merge', 'running', `${i.mode} #${pr.number} at ${f.pushed.slice(0, 8)}`);
      try {
        const m = await api.merge(pr.number, {
          sha: f.pushed,
          method: i.mode,
          title: `${i.title} (#${pr.number})`,
          message: i.mergeMessage,
        });
        if (m.kind === 'merged') {
          report({ ...pr, state: 'closed', merged: true, mergeCommitSha: m.sha }, f.obs);
          f.mergeCommit = m.sha;
          return end('merge', 'merged', m.sha.slice(0, 8));
        }
        const next = end('merge', m.kind, `${m.message}; waiting`);
        await nap();
        return next;
      } catch (err) {
        f.message = `the merge of PR #${pr.number} failed (it stays open): ${errorText(err)}`;
        return end('merge', 'failed', errorText(err));
      }
    },
    'delete-branch': async () => {
      emit('delete-branch', 'running', `${target.remote}/${i.branch}`);
      try {
        const d = await api.deleteBranch(i.branch);
        return end(
          'delete-branch',
          d,
          d === 'deleted' ? `deleted ${i.branch} on GitHub` : `${i.branch} was already gone`,
        );
      } catch (err) {
        return end('delete-branch', 'failed', errorText(err));
      }
    },
    'update-local': async () => {
      const pr = current(f);
      emit('update-local', 'running', `fetching ${target.remote}/${i.baseBranch}`);
      let local: string;
      let next: PrState;
      try {
        const fetched = await fetchBranch({
          repo: i.repo,
          remote: target.remote,
          remoteUrl: target.remoteUrl,
          branch: i.baseBranch,
          token: i.token,
        });
        const u = await updateLocalBase(i.repo, i.baseBranch, fetched, i.landedBranch);
        if (u.kind === 'aside') f.aside = u.branch;
        local = u.detail;
        next = end('update-local', u.kind, u.detail);
      } catch (err) {
        local = errorText(err);
        next = end('update-local', 'failed', local);
      }
      const merged = `merged PR #${pr.number} into ${i.baseBranch}${f.mergeCommit ? ` as ${f.mergeCommit.slice(0, 8)}` : ''}: ${pr.url}`;
      f.message = `${merged}${local ? `; ${local}` : ''}`;
      return next;
    },
  };
}
