// Land an attempt as a GitHub pull request: a visible walk of prSteps — push, open, wait ⇄ fix, merge, clean up.

import type { LandPullRequest } from '../../shared/model';
import { GithubError } from '../github/errors';
import type { Clock } from '../execution/clock';
import type { PrApi, PrInfo } from '../github/prApi';
import { fetchBranch, pushBranch } from '../github/push';
import type { GithubTarget } from '../github/remote';
import { refCommit } from './git';
import type { StepStatus } from './landSteps';
import { mergeBaseIntoWorktree, updateLocalBase } from './prGit';
import { feedbackEvents, observePr, prView, type PrFeedbackEvent } from './prObserve';
import { fixPrompt, fixReply } from './prText';
import { leftoverMarkers, mergeInProgress } from './resolveGit';
import { resolvePrompt } from '../policy/resolvePrompt';
import { decide, nextPrState, pollDelayMs, prStepStatus, type PollPolicy, type PrObservation, type PrState, type PrStep, type PrStepResults, type WaitDecision } from './prSteps';

/**
 * A follow-up Codex turn on the attempt's own thread; Quartet commits what it leaves. With `conflicts` the
 * worktree is mid-merge: the turn's result is accepted only without markers (else the merge is rolled back).
 */
export type RunFixTurn = (attemptId: string, prompt: string, conflicts?: { files: string[]; preMerge: string; baseRef: string }) => Promise<{ ok: boolean; message?: string }>;

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

const WAIT_DETAIL: Record<WaitDecision['kind'], string> = {
  wait: 'waiting',
  fix: 'checks failed or reviewers asked for changes',
  conflict: 'the PR conflicts with its base',
  merge: 'checks and reviews allow the merge',
  merged: 'the PR was merged on GitHub',
  closed: 'the PR was closed',
  needs_you: 'needs you',
};

/** Consecutive failed polls tolerated (a network blip) before the land gives up, leaving the PR open. */
const MAX_POLL_ERRORS = 3;

export async function landAsPullRequest(i: PrLandInput): Promise<PrLandResult> {
  const steps: PrStepRecord[] = [];
  const emit = (step: PrState, status: StepStatus, detail: string): void => {
    // Polls repeat "running" for hours on a slow review: keep only the latest of a run of them.
    const last = steps[steps.length - 1];
    if (last && last.step === step && last.status === 'running' && status === 'running') steps.pop();
    steps.push({ step, status, detail });
    i.onStep?.(step, status, detail);
  };
  const end = <S extends PrStep>(step: S, result: PrStepResults[S], detail: string): PrState => {
    emit(step, prStepStatus(step, result), detail);
    return nextPrState(step, result);
  };
  let pr: PrInfo | null = null;
  let fixes = 0;
  let view: LandPullRequest | null = null;
  const report = (p: PrInfo, obs: PrObservation | null): void => {
    view = prView(p, obs, fixes);
    i.onPr?.(view);
  };
  const finish = (status: PrLandResult['status'], message: string, extra: Partial<PrLandResult> = {}): PrLandResult => {
    emit(status === 'landed' || status === 'landed_aside' ? 'done' : status, status.startsWith('landed') ? 'ok' : 'failed', message);
    return { status, message, pr: view, mergeCommit: null, aside: null, steps, ...extra };
  };
  const { api, target } = i;
  const push = (): Promise<string> => pushBranch({ repo: i.repo, remote: target.remote, remoteUrl: target.remoteUrl, branch: i.branch, baseBranch: i.baseBranch, token: i.token });

  emit('push', 'running', `${i.branch} → ${target.remote}`);
  let pushed: string;
  try {
    pushed = await push();
  } catch (err) {
    const rejected = err instanceof GithubError && err.reason === 'github_push_rejected';
    end('push', rejected ? 'rejected' : 'failed', (err as Error).message);
    return finish(rejected ? 'refused' : 'failed', (err as Error).message);
  }
  end('push', 'ok', pushed.slice(0, 8));

  emit('pr', 'running', `${target.owner}/${target.repo}: ${i.branch} → ${i.baseBranch}`);
  let self: string | null = null;
  try {
    self = await api.login().catch(() => null);
    const open = await api.findOpen(i.branch);
    pr = open ?? (await api.create({ title: i.title, body: i.body, head: i.branch, base: i.baseBranch }));
    report(pr, null);
    end('pr', 'ok', `${open ? 'reusing open' : 'opened'} #${pr.number} ${pr.url}`);
  } catch (err) {
    end('pr', 'failed', (err as Error).message);
    return finish('failed', `could not open the pull request: ${(err as Error).message}`);
  }

  const sent = new Set<string>();
  const journaled = new Set<string>();
  let checksSentFor: string | null = null;
  let headSince = i.clock.now();
  let polls = 0;
  let pollErrors = 0;
  let mergeCommit: string | null = null;
  const nap = (): Promise<void> => i.clock.sleep(pollDelayMs(polls++, i.poll));

  for (;;) {
    let obs: PrObservation;
    try {
      const seen = await observePr(api, pr.number, pushed, self, sent);
      pr = seen.pr;
      obs = seen.obs;
      pollErrors = 0;
    } catch (err) {
      const fatal = err instanceof GithubError && (err.reason === 'github_auth' || err.reason === 'github_not_found' || err.reason === 'github_rate_limited');
      if (fatal || ++pollErrors >= MAX_POLL_ERRORS) {
        emit('wait', 'failed', (err as Error).message);
        return finish('failed', `stopped watching PR #${pr.number} (it stays open): ${(err as Error).message}`);
      }
      emit('wait', 'running', `GitHub did not answer (${(err as Error).message}); trying again`);
      await nap();
      continue;
    }
    report(pr, obs);
    for (const e of feedbackEvents(pr, obs, journaled)) i.onFeedback?.(e);
    const decision = decide(obs, { policy: i.policy, fixes, maxFixes: i.maxFixes, waitedMs: i.clock.now() - headSince, maxWaitMs: i.maxWaitMs, headAgeMs: i.clock.now() - headSince, noChecksGraceMs: i.noChecksGraceMs, checksSentFor });
    if (decision.kind === 'wait') {
      emit('wait', 'running', decision.why);
      await nap();
      continue;
    }
    end('wait', decision.kind, decision.kind === 'needs_you' ? decision.why : WAIT_DETAIL[decision.kind]);
    if (decision.kind === 'needs_you') return finish('needs_you', `${decision.why}: ${pr.url}`);
    if (decision.kind === 'closed') return finish('refused', `PR #${pr.number} was closed without merging: ${pr.url}`);
    if (decision.kind === 'merged') {
      mergeCommit = pr.mergeCommitSha;
      break;
    }
    if (decision.kind === 'merge') {
      emit('merge', 'running', `${i.mode} #${pr.number} at ${pushed.slice(0, 8)}`);
      try {
        const m = await api.merge(pr.number, { sha: pushed, method: i.mode, title: `${i.title} (#${pr.number})`, message: i.mergeMessage });
        if (m.kind === 'merged') {
          report({ ...pr, state: 'closed', merged: true, mergeCommitSha: m.sha }, obs);
          end('merge', 'merged', m.sha.slice(0, 8));
          mergeCommit = m.sha;
          break;
        }
        end('merge', m.kind, `${m.message}; waiting`);
      } catch (err) {
        end('merge', 'failed', (err as Error).message);
        return finish('failed', `the merge of PR #${pr.number} failed (it stays open): ${(err as Error).message}`);
      }
      await nap();
      continue;
    }
    // A fix turn: failing checks and review feedback, or conflicts with the base.
    fixes++;
    report(pr, obs);
    const fixed = decision.kind === 'conflict' ? await resolveConflicts(i, pr, emit) : await fixFeedback(i, pr, decision, sent, emit);
    if (fixed.result === 'failed') {
      end('fix', 'failed', fixed.detail);
      return finish('needs_you', `${fixed.detail}; PR #${pr.number} stays open: ${pr.url}`);
    }
    if (fixed.result === 'unchanged') {
      if (decision.kind === 'fix' && decision.checks.length) checksSentFor = pushed;
      end('fix', 'unchanged', fixed.detail);
      continue;
    }
    try {
      pushed = await push();
    } catch (err) {
      end('fix', 'failed', (err as Error).message);
      return finish(err instanceof GithubError && err.reason === 'github_push_rejected' ? 'refused' : 'failed', (err as Error).message);
    }
    if (decision.kind === 'fix') {
      await api.comment(pr.number, fixReply(pushed, fixed.summary, decision)).catch(() => undefined);
    }
    end('fix', 'pushed', `pushed ${pushed.slice(0, 8)}${fixed.detail ? `: ${fixed.detail}` : ''}`);
    headSince = i.clock.now();
    polls = 0;
  }
  return cleanUp(i, pr, mergeCommit, emit, finish, end);
}

type Emit = (step: PrState, status: StepStatus, detail: string) => void;
interface Fixed {
  result: 'pushed' | 'unchanged' | 'failed';
  detail: string;
  summary: string;
}

async function fixFeedback(i: PrLandInput, pr: PrInfo, d: Extract<WaitDecision, { kind: 'fix' }>, sent: Set<string>, emit: Emit): Promise<Fixed> {
  const what = [d.checks.length ? `failing checks: ${d.checks.map((c) => c.name).join(', ')}` : '', d.feedback.length ? `${d.feedback.length} review note${d.feedback.length === 1 ? '' : 's'}` : ''].filter(Boolean).join('; ');
  emit('fix', 'running', `fix turn ${what}`);
  for (const f of d.feedback) sent.add(f.key);
  const before = await refCommit(i.repo, `refs/heads/${i.branch}`);
  const r = await i.runFixTurn(i.attemptId, fixPrompt(pr, d.checks, d.feedback));
  if (!r.ok) return { result: 'failed', detail: `the fix turn did not finish${r.message ? `: ${r.message}` : ''}`, summary: '' };
  const after = await refCommit(i.repo, `refs/heads/${i.branch}`);
  if (!after || after === before) return { result: 'unchanged', detail: 'the fix turn changed nothing', summary: '' };
  return { result: 'pushed', detail: what, summary: r.message ?? '' };
}

async function resolveConflicts(i: PrLandInput, pr: PrInfo, emit: Emit): Promise<Fixed> {
  const { target } = i;
  emit('fix', 'running', `merging ${target.remote}/${i.baseBranch} into ${i.branch}`);
  const tracking = `refs/remotes/${target.remote}/${i.baseBranch}`;
  try {
    await fetchBranch({ repo: i.repo, remote: target.remote, remoteUrl: target.remoteUrl, branch: i.baseBranch, token: i.token });
  } catch (err) {
    return { result: 'failed', detail: (err as Error).message, summary: '' };
  }
  const m = await mergeBaseIntoWorktree(i.worktree, tracking, `Merge ${target.remote}/${i.baseBranch} into ${i.branch}`);
  if (m.kind === 'merged') return { result: 'pushed', detail: `merged ${i.baseBranch} cleanly`, summary: '' };
  if (m.kind === 'up_to_date') return { result: 'failed', detail: `GitHub reports conflicts but ${i.branch} already contains ${target.remote}/${i.baseBranch}`, summary: '' };
  if (m.kind === 'refused') return { result: 'failed', detail: m.message, summary: '' };
  emit('fix', 'running', `conflict turn: ${m.files.join(', ')}`);
  const baseRef = `${target.remote}/${i.baseBranch}`;
  const baseCommit = (await refCommit(i.repo, tracking)) ?? '';
  // Resolve with agent's own prompt (the demo model knows it too), plus what it is for.
  const prompt = `${resolvePrompt({ files: m.files, baseRef, baseCommit, branch: i.branch, checkCommand: null })}\n\nThis is for pull request #${pr.number} (${pr.url}); Quartet pushes the merge to it.`;
  const r = await i.runFixTurn(i.attemptId, prompt, { files: m.files, preMerge: m.preMerge, baseRef });
  if (!r.ok) return { result: 'failed', detail: `the conflict turn did not resolve the conflicts${r.message ? `: ${r.message}` : ''}`, summary: '' };
  // A backstop for a turn runner that does not verify: never push markers or a half-made merge.
  const left = await leftoverMarkers(i.worktree, m.files);
  if (left.length || (await mergeInProgress(i.worktree))) return { result: 'failed', detail: `conflict markers are left in ${left.map((l) => l.file).join(', ') || 'the worktree'}; not pushed`, summary: '' };
  return { result: 'pushed', detail: `resolved conflicts in ${m.files.join(', ')}`, summary: r.message ?? '' };
}

async function cleanUp(
  i: PrLandInput,
  pr: PrInfo,
  mergeCommit: string | null,
  emit: Emit,
  finish: (status: PrLandResult['status'], message: string, extra?: Partial<PrLandResult>) => PrLandResult,
  end: <S extends PrStep>(step: S, result: PrStepResults[S], detail: string) => PrState,
): Promise<PrLandResult> {
  const { target } = i;
  emit('delete-branch', 'running', `${target.remote}/${i.branch}`);
  try {
    const d = await i.api.deleteBranch(i.branch);
    end('delete-branch', d, d === 'deleted' ? `deleted ${i.branch} on GitHub` : `${i.branch} was already gone`);
  } catch (err) {
    end('delete-branch', 'failed', (err as Error).message);
  }
  emit('update-local', 'running', `fetching ${target.remote}/${i.baseBranch}`);
  let aside: string | null = null;
  let local = '';
  try {
    const fetched = await fetchBranch({ repo: i.repo, remote: target.remote, remoteUrl: target.remoteUrl, branch: i.baseBranch, token: i.token });
    const u = await updateLocalBase(i.repo, i.baseBranch, fetched, i.landedBranch);
    if (u.kind === 'aside') aside = u.branch;
    local = u.detail;
    end('update-local', u.kind, u.detail);
  } catch (err) {
    local = (err as Error).message;
    end('update-local', 'failed', local);
  }
  const merged = `merged PR #${pr.number} into ${i.baseBranch}${mergeCommit ? ` as ${mergeCommit.slice(0, 8)}` : ''}: ${pr.url}`;
  return finish(aside ? 'landed_aside' : 'landed', `${merged}${local ? `; ${local}` : ''}`, { mergeCommit, aside });
}
