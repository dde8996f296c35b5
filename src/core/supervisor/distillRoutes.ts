// Supervisor side of "Distill Skills": run the distill session, keep its proposals as the latest review, apply decisions.

import { randomBytes } from 'node:crypto';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { distill } from '../distill/distillService';
import type { DistillReply, Decision } from '../contract/distill';
import { applyProposals } from '../distill/applyProposals';
import { applyDecisions, newReview, planDecisions, reviewView } from '../distill/review';
import type { ReviewStore } from '../distill/reviewStore';
import { codexArgv, resolveCodexBinary } from '../execution/codexBinary';
import { headInfo } from '../git/gitRepo';
import { UsageError } from '../orchestrator/validation';
import type { DistillReviewView } from '../../shared/skills';

async function currentBase(repo: string): Promise<string> {
  const head = await headInfo(repo);
  const base = head.branch ?? head.commit;
  if (!base) throw new UsageError('the repository has no commits');
  return base;
}

/** Runs one distill session; proposals (if any) become the latest review, replacing the previous one. */
export async function runDistillFor(
  orch: Orchestrator,
  reviews: ReviewStore,
  body: { codexCommand?: string; env?: Record<string, string> },
): Promise<DistillReply> {
  const env = { ...orch.env, ...(body.env ?? {}) };
  const codex = await resolveCodexBinary({ env, repo: orch.repo });
  if (!codex.ok) throw new UsageError(codex.error);
  const outcome = await distill({
    repo: orch.repo,
    tasks: orch.records(),
    env,
    codexArgv: codexArgv(
      body.codexCommand ?? orch.workflow.launchDefaults().codexCommand ?? 'codex app-server',
      codex.path,
    ),
  });
  if (outcome.status !== 'proposed' || outcome.proposals.length === 0) return { ...outcome, review: null };
  const base = await currentBase(orch.repo);
  return reviews.exclusive(async () => {
    const review = newReview({
      id: randomBytes(4).toString('hex'),
      now: new Date(),
      base,
      proposals: outcome.proposals,
      evidence: outcome.evidence,
    });
    reviews.save(review);
    return { ...outcome, review: reviewView(review) };
  });
}

function parseDecisions(body: Record<string, unknown>): { reviewId: string; decisions: Decision[] } {
  const { reviewId, decisions } = body;
  if (typeof reviewId !== 'string' || !reviewId) throw new UsageError('reviewId is required');
  if (!Array.isArray(decisions))
    throw new UsageError('decisions must be a list of { proposalId, decision: accept|reject, content? }');
  const out: Decision[] = decisions.map((d: unknown) => {
    const x = (d ?? {}) as Record<string, unknown>;
    if (
      typeof x.proposalId !== 'string' ||
      (x.decision !== 'accept' && x.decision !== 'reject') ||
      (x.content !== undefined && typeof x.content !== 'string')
    ) {
      throw new UsageError('each decision is { proposalId, decision: accept|reject, content? }');
    }
    return {
      proposalId: x.proposalId,
      decision: x.decision,
      ...(typeof x.content === 'string' ? { content: x.content } : {}),
    };
  });
  return { reviewId, decisions: out };
}

/**
 * Accept / Reject proposals of the latest review. Accepted ones are committed together on the
 * review's skills branch (created by the first accept); new attempts get them from then on.
 */
export async function decideProposals(
  orch: Orchestrator,
  reviews: ReviewStore,
  body: Record<string, unknown>,
): Promise<DistillReviewView> {
  const { reviewId, decisions } = parseDecisions(body);
  return reviews.exclusive(async () => {
    const review = reviews.current();
    if (!review || review.id !== reviewId)
      throw new UsageError(`review ${reviewId} is not the latest distill review any more; run Distill Skills again`);
    try {
      const plan = planDecisions(review, decisions);
      const written = plan.accept.length
        ? await applyProposals({
            repo: orch.repo,
            base: review.base,
            proposals: plan.accept,
            worktreeRoot: orch.worktreeRoot(),
            onto: review.branch,
          })
        : null;
      const next = applyDecisions(review, plan.accept, plan.reject, written);
      reviews.save(next);
      return reviewView(next);
    } catch (err) {
      // A stale decision, an invalid edit or a branch that moved: the reviewer can act on the message; nothing was written.
      throw err instanceof UsageError ? err : new UsageError((err as Error).message);
    }
  });
}
