// The fix step of a land as a PR: one follow-up turn on failing checks and review notes, or on conflicts with the base.

import { fetchBranch } from '../github/push';
import type { PrInfo } from '../github/prApi';
import { resolvePrompt } from '../policy/resolvePrompt';
import { refCommit } from '../git/git';
import type { StepStatus } from './landSteps';
import type { PrLandInput } from './prLand';
import { mergeBaseIntoWorktree } from './prGit';
import type { PrState, WaitDecision } from './prSteps';
import { fixPrompt } from './prText';
import { leftoverMarkers, mergeInProgress } from './resolveGit';

export type Emit = (step: PrState, status: StepStatus, detail: string) => void;
export interface Fixed {
  result: 'pushed' | 'unchanged' | 'failed';
  detail: string;
  summary: string;
}

export async function fixFeedback(
  i: PrLandInput,
  pr: PrInfo,
  d: Extract<WaitDecision, { kind: 'fix' }>,
  sent: Set<string>,
  emit: Emit,
): Promise<Fixed> {
  const what = [
    d.checks.length ? `failing checks: ${d.checks.map((c) => c.name).join(', ')}` : '',
    d.feedback.length ? `${d.feedback.length} review note${d.feedback.length === 1 ? '' : 's'}` : '',
  ]
    .filter(Boolean)
    .join('; ');
  emit('fix', 'running', `fix turn ${what}`);
  for (const f of d.feedback) sent.add(f.key);
  const before = await refCommit(i.repo, `refs/heads/${i.branch}`);
  const r = await i.runFixTurn(i.attemptId, fixPrompt(pr, d.checks, d.feedback));
  if (!r.ok)
    return { result: 'failed', detail: `the fix turn did not finish${r.message ? `: ${r.message}` : ''}`, summary: '' };
  const after = await refCommit(i.repo, `refs/heads/${i.branch}`);
  if (!after || after === before) return { result: 'unchanged', detail: 'the fix turn changed nothing', summary: '' };
  return { result: 'pushed', detail: what, summary: r.message ?? '' };
}

export async function resolveConflicts(i: PrLandInput, pr: PrInfo, emit: Emit): Promise<Fixed> {
  const { target } = i;
  emit('fix', 'running', `merging ${target.remote}/${i.baseBranch} into ${i.branch}`);
  const tracking = `refs/remotes/${target.remote}/${i.baseBranch}`;
  try {
    await fetchBranch({
      repo: i.repo,
      remote: target.remote,
      remoteUrl: target.remoteUrl,
      branch: i.baseBranch,
      token: i.token,
    });
  } catch (err) {
    return { result: 'failed', detail: (err as Error).message, summary: '' };
  }
  const m = await mergeBaseIntoWorktree(
    i.worktree,
    tracking,
    `Merge ${target.remote}/${i.baseBranch} into ${i.branch}`,
  );
  if (m.kind === 'merged') return { result: 'pushed', detail: `merged ${i.baseBranch} cleanly`, summary: '' };
  if (m.kind === 'up_to_date')
    return {
      result: 'failed',
      detail: `GitHub reports conflicts but ${i.branch} already contains ${target.remote}/${i.baseBranch}`,
      summary: '',
    };
  if (m.kind === 'refused') return { result: 'failed', detail: m.message, summary: '' };
  emit('fix', 'running', `conflict turn: ${m.files.join(', ')}`);
  const baseRef = `${target.remote}/${i.baseBranch}`;
  const baseCommit = (await refCommit(i.repo, tracking)) ?? '';
  // Resolve with agent's own prompt (the demo model knows it too), plus what it is for.
  const prompt = `${resolvePrompt({ files: m.files, baseRef, baseCommit, branch: i.branch, checkCommand: null })}\n\nThis is for pull request #${pr.number} (${pr.url}); Quartet pushes the merge to it.`;
  const r = await i.runFixTurn(i.attemptId, prompt, { files: m.files, preMerge: m.preMerge, baseRef });
  if (!r.ok)
    return {
      result: 'failed',
      detail: `the conflict turn did not resolve the conflicts${r.message ? `: ${r.message}` : ''}`,
      summary: '',
    };
  // A backstop for a turn runner that does not verify: never push markers or a half-made merge.
  const left = await leftoverMarkers(i.worktree, m.files);
  if (left.length || (await mergeInProgress(i.worktree)))
    return {
      result: 'failed',
      detail: `conflict markers are left in ${left.map((l) => l.file).join(', ') || 'the worktree'}; not pushed`,
      summary: '',
    };
  return { result: 'pushed', detail: `resolved conflicts in ${m.files.join(', ')}`, summary: r.message ?? '' };
}
