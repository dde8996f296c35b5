// The latest distill review (pure): proposals with ids and states, per-proposal decisions, and its view for clients.

import type { DistillReviewView, EvidenceRefView, ProposalState } from '../../shared/skills';
import type { EvidenceItem, Proposal, Decision } from '../contract/distill';

export interface ReviewedProposal extends Proposal {
  /** `p1`, `p2`… in the order Codex proposed them. */
  id: string;
  state: ProposalState;
  branch: string | null;
  commit: string | null;
}

export interface DistillReview {
  version: 1;
  id: string;
  createdAt: string;
  /** The branch (or commit) accepted proposals are written on top of. */
  base: string;
  proposals: ReviewedProposal[];
  evidence: EvidenceItem[];
  /** Where this review's accepted proposals go; set by the first accept. */
  branch: string | null;
}

export class ReviewError extends Error {}

export function newReview(input: {
  id: string;
  now: Date;
  base: string;
  proposals: readonly Proposal[];
  evidence: readonly EvidenceItem[];
}): DistillReview {
  return {
    version: 1,
    id: input.id,
    createdAt: input.now.toISOString(),
    base: input.base,
    proposals: input.proposals.map((p, i) => ({ ...p, id: `p${i + 1}`, state: 'pending', branch: null, commit: null })),
    evidence: [...input.evidence],
    branch: null,
  };
}

export function isDistillReview(v: unknown): v is DistillReview {
  const r = v as DistillReview;
  return !!r && r.version === 1 && typeof r.id === 'string' && Array.isArray(r.proposals) && Array.isArray(r.evidence);
}

/**
 * Checks a batch of decisions against the review: unknown ids and changes to an accepted proposal
 * (already written to a branch) are refused as a whole, so a stale click changes nothing.
 */
export function planDecisions(
  review: DistillReview,
  decisions: readonly Decision[],
): { accept: ReviewedProposal[]; reject: string[] } {
  if (!decisions.length) throw new ReviewError('no decisions given');
  const accept: ReviewedProposal[] = [];
  const reject: string[] = [];
  const seen = new Set<string>();
  for (const d of decisions) {
    const p = review.proposals.find((x) => x.id === d.proposalId);
    if (!p) throw new ReviewError(`review ${review.id} has no proposal ${d.proposalId}`);
    if (seen.has(p.id)) throw new ReviewError(`proposal ${p.id} is decided twice`);
    seen.add(p.id);
    if (p.state === 'accepted')
      throw new ReviewError(
        `proposal ${p.name} is already accepted (on ${p.branch ?? 'a branch'}); it cannot change any more`,
      );
    if (d.decision === 'accept') accept.push(typeof d.content === 'string' ? { ...p, content: d.content } : p);
    else reject.push(p.id);
  }
  return { accept, reject };
}

/** The review after `planDecisions`' accepts were written to `branch` at `commit` and its rejects recorded. */
export function applyDecisions(
  review: DistillReview,
  accepted: readonly ReviewedProposal[],
  rejected: readonly string[],
  written: { branch: string; commit: string } | null,
): DistillReview {
  return {
    ...review,
    branch: written?.branch ?? review.branch,
    proposals: review.proposals.map((p) => {
      const a = accepted.find((x) => x.id === p.id);
      if (a && written) return { ...a, state: 'accepted', branch: written.branch, commit: written.commit };
      return rejected.includes(p.id) ? { ...p, state: 'rejected' } : p;
    }),
  };
}

const isWebUrl = (url: string | undefined): boolean => !!url && /^https?:\/\//i.test(url);

export function reviewView(review: DistillReview): DistillReviewView {
  return {
    id: review.id,
    createdAt: review.createdAt,
    base: review.base,
    branch: review.branch,
    proposals: review.proposals.map((p) => ({
      id: p.id,
      kind: p.kind,
      name: p.name,
      path: p.path,
      content: p.content,
      rationale: p.rationale,
      provenance: [...p.provenance],
      state: p.state,
      branch: p.branch,
      commit: p.commit,
    })),
    evidence: review.evidence.map((e) => ({
      id: e.id,
      kind: e.kind,
      title: e.title,
      count: e.count,
      samples: [...e.samples],
      refs: e.provenance.map((r): EvidenceRefView => ({
        attemptId: r.attemptId,
        line: r.line ?? null,
        seq: r.seq ?? null,
        note: r.note ?? null,
        url: r.url ?? null,
        journal: r.journal ?? null,
        openable: (!!r.journal && typeof r.line === 'number') || isWebUrl(r.url),
      })),
    })),
  };
}
