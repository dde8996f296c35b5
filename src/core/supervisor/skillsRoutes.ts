// Supervisor side of the skills view: the catalog with outcomes and the review, and landing a skills branch.

import type { Orchestrator } from '../orchestrator/orchestrator';
import type { ReviewStore } from '../distill/reviewStore';
import { reviewView } from '../distill/review';
import { headInfo } from '../git/gitRepo';
import { UsageError } from '../orchestrator/validation';
import { skillsOverview } from '../skills/overview';
import { landSkillsBranch, LandSkillsError } from '../skills/landSkills';
import type { LandSkillsResult } from '../contract/land';
import type { SkillsOverview } from '../../shared/skills';

export async function skillsOverviewFor(orch: Orchestrator, reviews: ReviewStore): Promise<SkillsOverview> {
  const head = await headInfo(orch.repo);
  const review = reviews.current();
  // An unborn branch names nothing yet: only the built-ins then.
  return skillsOverview({
    repo: orch.repo,
    base: head.commit ? (head.branch ?? head.commit) : null,
    tasks: orch.snapshot().tasks,
    review: review ? reviewView(review) : null,
  });
}

export async function landSkillsFor(orch: Orchestrator, body: Record<string, unknown>): Promise<LandSkillsResult> {
  if (typeof body.branch !== 'string' || !body.branch)
    throw new UsageError('branch is required (a quartet/skills/* branch)');
  const head = await headInfo(orch.repo);
  try {
    return await landSkillsBranch({
      repo: orch.repo,
      branch: body.branch,
      baseBranch: head.branch,
      worktreeRoot: orch.worktreeRoot(),
    });
  } catch (err) {
    if (err instanceof LandSkillsError) throw new UsageError(err.message);
    throw err;
  }
}
