// The pull-request calls a land makes, over Octokit, with results reduced to the few fields it reads.

import type { Octokit } from '@octokit/rest';
import { GithubError } from './errors';
import type { CheckRunLike, ReviewCommentLike, ReviewLike, StatusLike } from './prState';

export interface PrInfo {
  number: number;
  url: string;
  state: 'open' | 'closed';
  merged: boolean;
  headSha: string;
  headRef: string;
  baseRef: string;
  mergeable: boolean | null;
  mergeableState: string;
  mergeCommitSha: string | null;
}

export type MergeResult =
  | { kind: 'merged'; sha: string }
  | { kind: 'not_mergeable'; message: string }
  | { kind: 'head_moved'; message: string };

interface RawPr {
  number: number;
  html_url: string;
  state: string;
  merged?: boolean;
  merged_at?: string | null;
  head: { sha: string; ref: string };
  base: { ref: string };
  mergeable?: boolean | null;
  mergeable_state?: string;
  merge_commit_sha?: string | null;
}

function toPr(p: RawPr): PrInfo {
  return {
    number: p.number,
    url: p.html_url,
    state: p.state === 'closed' ? 'closed' : 'open',
    merged: p.merged === true || !!p.merged_at,
    headSha: p.head.sha,
    headRef: p.head.ref,
    baseRef: p.base.ref,
    mergeable: p.mergeable ?? null,
    mergeableState: p.mergeable_state ?? 'unknown',
    mergeCommitSha: p.merge_commit_sha ?? null,
  };
}

export class PrApi {
  constructor(
    private readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string,
  ) {}

  private get where(): { owner: string; repo: string } {
    return { owner: this.owner, repo: this.repo };
  }

  /** The token's user (its own comments are not feedback). */
  async login(): Promise<string> {
    return (await this.octokit.rest.users.getAuthenticated()).data.login;
  }

  async defaultBranch(): Promise<string> {
    return (await this.octokit.rest.repos.get(this.where)).data.default_branch;
  }

  /** The open PR whose head is `branch` in this repository, if any. */
  async findOpen(branch: string): Promise<PrInfo | null> {
    const { data } = await this.octokit.rest.pulls.list({
      ...this.where,
      state: 'open',
      head: `${this.owner}:${branch}`,
      per_page: 10,
    });
    const match = (data as unknown as RawPr[]).find((p) => p.head.ref === branch);
    return match ? toPr(match) : null;
  }

  async create(input: { title: string; body: string; head: string; base: string }): Promise<PrInfo> {
    const { data } = await this.octokit.rest.pulls.create({ ...this.where, ...input });
    return toPr(data as unknown as RawPr);
  }

  async get(number: number): Promise<PrInfo> {
    const { data } = await this.octokit.rest.pulls.get({ ...this.where, pull_number: number });
    return toPr(data as unknown as RawPr);
  }

  async checkRuns(sha: string): Promise<CheckRunLike[]> {
    const runs = await this.octokit.paginate(this.octokit.rest.checks.listForRef, {
      ...this.where,
      ref: sha,
      per_page: 100,
    });
    return runs as unknown as CheckRunLike[];
  }

  async statuses(sha: string): Promise<StatusLike[]> {
    const { data } = await this.octokit.rest.repos.getCombinedStatusForRef({ ...this.where, ref: sha, per_page: 100 });
    return data.statuses as unknown as StatusLike[];
  }

  async reviews(number: number): Promise<ReviewLike[]> {
    return (await this.octokit.paginate(this.octokit.rest.pulls.listReviews, {
      ...this.where,
      pull_number: number,
      per_page: 100,
    })) as unknown as ReviewLike[];
  }

  async reviewComments(number: number): Promise<ReviewCommentLike[]> {
    return (await this.octokit.paginate(this.octokit.rest.pulls.listReviewComments, {
      ...this.where,
      pull_number: number,
      per_page: 100,
    })) as unknown as ReviewCommentLike[];
  }

  async comment(number: number, body: string): Promise<void> {
    await this.octokit.rest.issues.createComment({ ...this.where, issue_number: number, body });
  }

  /** PATCH pulls/{n} state=closed (rework: the attempt's work is archived, its PR is no longer wanted). */
  async close(number: number): Promise<PrInfo> {
    const { data } = await this.octokit.rest.pulls.update({ ...this.where, pull_number: number, state: 'closed' });
    return toPr(data as unknown as RawPr);
  }

  /** PUT …/merge with the head we checked: 405 (not mergeable) and 409 (head moved) are answers, not failures. */
  async merge(
    number: number,
    input: { sha: string; method: 'squash' | 'merge'; title: string; message: string },
  ): Promise<MergeResult> {
    try {
      const { data } = await this.octokit.rest.pulls.merge({
        ...this.where,
        pull_number: number,
        sha: input.sha,
        merge_method: input.method,
        commit_title: input.title,
        commit_message: input.message,
      });
      return { kind: 'merged', sha: data.sha };
    } catch (err) {
      if (err instanceof GithubError && err.detail.status === 405)
        return { kind: 'not_mergeable', message: err.message };
      if (err instanceof GithubError && err.detail.status === 409) return { kind: 'head_moved', message: err.message };
      throw err;
    }
  }

  /** Deletes the PR's branch on GitHub; one that is already gone (e.g. "delete branch on merge") is fine. */
  async deleteBranch(branch: string): Promise<'deleted' | 'absent'> {
    try {
      await this.octokit.rest.git.deleteRef({ ...this.where, ref: `heads/${branch}` });
      return 'deleted';
    } catch (err) {
      if (err instanceof GithubError && (err.detail.status === 422 || err.detail.status === 404)) return 'absent';
      throw err;
    }
  }
}
