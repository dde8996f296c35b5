// Supervisor side of "Distill Skills": run the distill session and apply accepted proposals onto a branch.

import type { Orchestrator } from '../orchestrator/orchestrator';
import { distill, type DistillOutcome } from '../distill/distillService';
import { applyProposals, type AppliedProposals } from '../distill/applyProposals';
import type { Proposal } from '../distill/propose';
import { codexArgv, resolveCodexBinary } from '../execution/codexBinary';
import { headInfo } from '../execution/gitRepo';
import { UsageError } from '../orchestrator/validation';

export async function runDistillFor(orch: Orchestrator, body: { codexCommand?: string; env?: Record<string, string> }): Promise<DistillOutcome> {
  const env = { ...orch.env, ...(body.env ?? {}) };
  const codex = await resolveCodexBinary({ env, repo: orch.repo });
  if (!codex.ok) throw new UsageError(codex.error);
  return distill({ repo: orch.repo, tasks: orch.records(), env, codexArgv: codexArgv(body.codexCommand ?? orch.workflow.launchDefaults().codexCommand ?? 'codex app-server', codex.path) });
}

export async function applyDistilled(orch: Orchestrator, body: { proposals?: Proposal[] }): Promise<AppliedProposals> {
  const proposals = Array.isArray(body.proposals) ? body.proposals : [];
  if (!proposals.length) throw new UsageError('no proposals were accepted');
  const head = await headInfo(orch.repo);
  const base = head.branch ?? head.commit;
  if (!base) throw new UsageError('the repository has no commits');
  try {
    return await applyProposals({ repo: orch.repo, base, proposals, worktreeRoot: orch.worktreeRoot() });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
