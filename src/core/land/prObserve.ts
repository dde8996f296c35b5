// One poll of a pull request: the PR, its checks on the pushed head, its reviews and review comments, reduced to an observation.

import type { LandPullRequest } from '../../shared/model';
import type { AgentEvent } from '../../shared/events';
import type { PrApi, PrInfo } from '../github/prApi';
import { newFeedback, skippedFeedback, summarizeChecks, summarizeReviews } from '../github/prState';
import type { PrObservation } from './prSteps';

export async function observePr(
  api: PrApi,
  number: number,
  pushedSha: string,
  self: string | null,
  sent: ReadonlySet<string>,
): Promise<{ pr: PrInfo; obs: PrObservation }> {
  const pr = await api.get(number);
  // Checks of the commit Quartet pushed: GitHub may not show it as the head yet, and then decide() waits.
  const [runs, statuses, reviews, comments] = await Promise.all([
    api.checkRuns(pushedSha),
    api.statuses(pushedSha),
    api.reviews(number),
    api.reviewComments(number),
  ]);
  const obs: PrObservation = {
    state: pr.state,
    merged: pr.merged,
    headSha: pr.headSha,
    pushedSha,
    mergeable: pr.mergeable,
    mergeableState: pr.mergeableState,
    checks: summarizeChecks(runs, statuses),
    reviews: summarizeReviews(reviews),
    feedback: newFeedback(reviews, comments, self, sent),
    skipped: skippedFeedback(reviews, comments, self, sent),
  };
  return { pr, obs };
}

/** What the task's landing shows about the PR. */
export function prView(pr: PrInfo, obs: PrObservation | null, fixes: number): LandPullRequest {
  return {
    number: pr.number,
    url: pr.url,
    state: pr.merged ? 'merged' : pr.state,
    checks: obs
      ? { state: obs.checks.state, failing: obs.checks.failing.map((f) => f.name), pending: obs.checks.pending }
      : { state: 'pending', failing: [], pending: [] },
    reviews: obs ? obs.reviews : { approved: [], changesRequested: [] },
    fixes,
  };
}

export type PrFeedbackEvent = Extract<AgentEvent, { type: 'pr_feedback' }>;

/**
 * What this poll received that was not journaled yet (`seen` is updated): each review and inline comment once,
 * each failing check once per pushed head. Bodies are as GitHub sent them; the caller scrubs before journaling.
 * Failing checks count as the repository's CI: only GitHub Apps an admin installed can create check runs, and
 * only people with write access can set commit statuses, on the commit Quartet pushed.
 */
export function feedbackEvents(pr: PrInfo, obs: PrObservation, seen: Set<string>): PrFeedbackEvent[] {
  const out: PrFeedbackEvent[] = [];
  const event = (f: (typeof obs.feedback)[number]): PrFeedbackEvent => ({
    type: 'pr_feedback',
    kind: f.kind === 'review' ? 'review' : 'review_comment',
    pr: pr.number,
    url: f.url ?? pr.url,
    author: f.author,
    ...(f.path ? { path: f.path } : {}),
    ...(f.line !== null ? { line: f.line } : {}),
    body: f.body,
  });
  for (const f of obs.feedback) {
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    out.push(event(f));
  }
  for (const f of obs.skipped) {
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    const skipped = `${f.author} has no write access to the repository (${f.role ?? 'no author_association'}); not sent to the agent`;
    out.push({ ...event(f), skipped });
  }
  for (const c of obs.checks.failing) {
    const key = `check:${c.name}:${obs.pushedSha}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      type: 'pr_feedback',
      kind: 'check_failed',
      pr: pr.number,
      url: c.url ?? pr.url,
      author: 'checks',
      body: c.output || c.conclusion,
      check: c.name,
    });
  }
  return out;
}
