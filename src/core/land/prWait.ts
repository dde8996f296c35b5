// The wait step of a land as a PR: poll the PR, backing off, until prSteps' `decide` says more than "wait".

import { GithubError } from '../github/errors';
import type { PrInfo } from '../github/prApi';
import type { Emit } from './prFix';
import type { End, Found, PrLandInput } from './prLand';
import { feedbackEvents, observePr } from './prObserve';
import { decide, type PrObservation, type PrState, type WaitDecision } from './prSteps';

const errorText = (err: unknown): string => (err as Error).message;

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

interface WaitTools {
  emit: Emit;
  end: End;
  report: (p: PrInfo, obs: PrObservation | null) => void;
  nap: () => Promise<void>;
}

/** Polls the PR (backing off) until `decide` says more than "wait", or GitHub stops answering. */
export async function waitStep(i: PrLandInput, f: Found, t: WaitTools): Promise<PrState> {
  let pollErrors = 0;
  let pr = current(f);
  for (;;) {
    let obs: PrObservation;
    try {
      const seen = await observePr(i.api, pr.number, f.pushed, f.self, f.sent);
      pr = seen.pr;
      f.pr = pr;
      obs = seen.obs;
      pollErrors = 0;
    } catch (err) {
      const fatal =
        err instanceof GithubError &&
        (err.reason === 'github_auth' || err.reason === 'github_not_found' || err.reason === 'github_rate_limited');
      if (fatal || ++pollErrors >= MAX_POLL_ERRORS) {
        f.message = `stopped watching PR #${pr.number} (it stays open): ${errorText(err)}`;
        return t.end('wait', 'error', errorText(err));
      }
      t.emit('wait', 'running', `GitHub did not answer (${errorText(err)}); trying again`);
      await t.nap();
      continue;
    }
    f.obs = obs;
    t.report(pr, obs);
    for (const e of feedbackEvents(pr, obs, f.journaled)) i.onFeedback?.(e);
    const now = i.clock.now();
    const decision = decide(obs, {
      policy: i.policy,
      fixes: f.fixes,
      maxFixes: i.maxFixes,
      waitedMs: now - f.headSince,
      maxWaitMs: i.maxWaitMs,
      headAgeMs: now - f.headSince,
      noChecksGraceMs: i.noChecksGraceMs,
      checksSentFor: f.checksSentFor,
    });
    if (decision.kind === 'wait') {
      t.emit('wait', 'running', decision.why);
      await t.nap();
      continue;
    }
    if (decision.kind === 'needs_you') f.message = `${decision.why}: ${pr.url}`;
    if (decision.kind === 'closed') f.message = `PR #${pr.number} was closed without merging: ${pr.url}`;
    if (decision.kind === 'merged') f.mergeCommit = pr.mergeCommitSha;
    f.decision = decision.kind === 'fix' || decision.kind === 'conflict' ? decision : null;
    return t.end('wait', decision.kind, decision.kind === 'needs_you' ? decision.why : WAIT_DETAIL[decision.kind]);
  }
}

/** The PR the `pr` step opened (every later step runs after it). */
export function current(f: Found): PrInfo {
  if (!f.pr) throw new Error('no pull request yet');
  return f.pr;
}
