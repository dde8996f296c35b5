// Closes the pull request an archived attempt left open (rework, a sibling landed): comment, close, delete its remote branch.

import type { AttemptPullRequest, ClosedPullRequest } from '../../shared/model';
import type { Clock } from '../execution/clock';
import { createGithubClient } from '../github/githubClient';
import { PrApi } from '../github/prApi';
import type { GithubCredentials } from '../contract/land';

export interface ClosePrInput {
  pr: AttemptPullRequest;
  /** The attempt's branch, which is the PR's head; only `quartet/…` branches are ever deleted. */
  branch: string;
  /** Why (goes into the PR comment): "reworked — <reason>". */
  why: string;
  github: GithubCredentials | null;
  clock?: Clock;
}

/**
 * Never throws: without a token, or when GitHub refuses, the PR stays open and the result says so in words a
 * person can act on ("PR #12 left open: no GitHub token").
 */
export async function closeAttemptPr(input: ClosePrInput): Promise<ClosedPullRequest> {
  const { pr, branch } = input;
  const base = { number: pr.number, url: pr.url, closed: false, branchDeleted: false };
  if (!input.github?.token)
    return { ...base, message: `PR #${pr.number} left open: no GitHub token (close it on GitHub: ${pr.url})` };
  const [owner = '', repo = ''] = (
    input.github.owner && input.github.repo ? `${input.github.owner}/${input.github.repo}` : pr.repo
  ).split('/');
  try {
    const octokit = createGithubClient({
      token: input.github.token,
      baseUrl: input.github.baseUrl ?? pr.apiUrl ?? undefined,
      clock: input.clock,
      maxRateLimitWaitMs: 10_000,
    });
    const api = new PrApi(octokit, owner, repo);
    const now = await api.get(pr.number);
    if (now.merged) return { ...base, message: `PR #${pr.number} was already merged on GitHub; nothing closed` };
    let closed = now.state === 'closed';
    if (!closed) {
      await api.comment(pr.number, `Closed by Quartet: ${input.why}`);
      closed = (await api.close(pr.number)).state === 'closed';
    }
    // The head branch is the attempt's own; a branch someone else named is never deleted.
    const deleted =
      branch.startsWith('quartet/') && now.headRef === branch ? (await api.deleteBranch(branch)) === 'deleted' : false;
    const what = closed ? (now.state === 'closed' ? 'was already closed' : 'closed on GitHub') : 'could not be closed';
    return {
      ...base,
      closed,
      branchDeleted: deleted,
      message: `PR #${pr.number} ${what}${deleted ? `; deleted ${branch} on GitHub` : ''}`,
    };
  } catch (err) {
    return { ...base, message: `PR #${pr.number} left open: ${(err as Error).message}` };
  }
}
