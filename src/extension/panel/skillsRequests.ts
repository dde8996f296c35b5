// The panel's skills requests, checked against a fresh overview from the supervisor before anything happens.

import type { RequestParams, RequestResult, RequestType, WebviewRequest } from '../../shared/protocol';
import type { DistillReviewView, SkillsOverview } from '../../shared/skills';
import type { SkillsHost } from '../skillsReview';
import { Refusal } from './refusal';

export type SkillsRequest = Extract<WebviewRequest, { type: `skills/${string}` }>;

export function isSkillsRequest(req: WebviewRequest): req is SkillsRequest {
  return req.type.startsWith('skills/');
}

function reviewOf(o: SkillsOverview, reviewId: string): DistillReviewView {
  if (!o.review || o.review.id !== reviewId)
    throw new Refusal('refused', 'That distill review is not the latest any more; the list was refreshed.');
  return o.review;
}

function proposalOf(
  o: SkillsOverview,
  p: RequestParams<'skills/proposal/edit'>,
): { review: DistillReviewView; proposal: DistillReviewView['proposals'][number] } {
  const review = reviewOf(o, p.reviewId);
  const proposal = review.proposals.find((x) => x.id === p.proposalId);
  if (!proposal) throw new Refusal('not_found', `The review has no proposal ${p.proposalId}.`);
  return { review, proposal };
}

type Result<K extends RequestType> = Promise<RequestResult<K>>;

async function decide(
  skills: SkillsHost,
  p: RequestParams<'skills/proposal/decide'>,
): Result<'skills/proposal/decide'> {
  const { proposal } = proposalOf(await skills.overview(), p);
  // Accepted text is on a branch: it cannot be taken back from here (land or delete the branch instead).
  if (proposal.state === 'accepted')
    throw new Refusal('refused', `${proposal.name} is already accepted on ${proposal.branch ?? 'a skills branch'}.`);
  return { overview: await skills.decide(p.reviewId, [{ proposalId: p.proposalId, decision: p.decision }]) };
}

export async function performSkills(req: SkillsRequest, skills: SkillsHost | undefined): Promise<unknown> {
  if (!skills) throw new Refusal('failed', 'Skills are not available in this window.');
  switch (req.type) {
    case 'skills/overview/get':
      return { overview: await skills.overview() };
    case 'skills/proposal/decide':
      return decide(skills, req.params);
    case 'skills/proposal/edit': {
      const { review, proposal } = proposalOf(await skills.overview(), req.params);
      if (proposal.state === 'accepted')
        throw new Refusal(
          'refused',
          `${proposal.name} is already accepted; edit the file on ${proposal.branch ?? 'its branch'} instead.`,
        );
      await skills.edit(review, proposal);
      return null;
    }
    case 'skills/evidence/open': {
      const review = reviewOf(await skills.overview(), req.params.reviewId);
      // The webview names evidence by id; the path opened is the one the supervisor recorded, never one from the webview.
      const ref = review.evidence.find((e) => e.id === req.params.evidenceId)?.refs[req.params.ref];
      if (!ref)
        throw new Refusal('not_found', `No evidence ${req.params.evidenceId} #${req.params.ref} in this review.`);
      if (!ref.openable) throw new Refusal('refused', 'That evidence has no journal line or web link to open.');
      await skills.openEvidence(ref);
      return null;
    }
    case 'skills/branch/land': {
      const o = await skills.overview();
      const branch = o.branches.find((b) => b.branch === req.params.branch);
      if (!branch) throw new Refusal('not_found', `There is no skills branch ${req.params.branch}.`);
      if (branch.merged)
        throw new Refusal('refused', `${branch.branch} gives nothing the base lacks; there is nothing to land.`);
      // The panel's button is one click; moving the person's branch deserves the same question the command asks.
      if (!(await skills.confirmLand(branch, o.base))) return { overview: o, message: 'not landed' };
      const r = await skills.land(branch.branch);
      if (!r.landed) throw new Refusal('failed', r.message);
      return { overview: r.overview, message: r.message };
    }
  }
}
