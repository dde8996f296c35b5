// Test support: JSON bodies of the fake GitHub in the real REST API's shapes (users, repos, pulls, checks, reviews, issues).

export interface FakeUser {
  login: string;
  id: number;
}

export interface FakeComment {
  id: number;
  user: string;
  body: string;
  createdAt: string;
}

/** One number space for issues and pull requests, as on GitHub. */
export interface FakeItem {
  number: number;
  kind: 'issue' | 'pull';
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  stateReason: string | null;
  labels: string[];
  assignees: string[];
  user: string;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  comments: FakeComment[];
  /** GitHub's author_association of the author; default OWNER. */
  association?: string;
  /** Pull requests only. */
  head?: string;
  base?: string;
  draft?: boolean;
  merged?: boolean;
  mergedAt?: string | null;
  mergeCommitSha?: string | null;
  /** The head commit once the PR is merged or closed (the branch may be deleted). */
  frozenHead?: string | null;
}

export interface FakeReview {
  id: number;
  user: string;
  state: 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';
  body: string;
  commitId: string;
  submittedAt: string;
  /** Default COLLABORATOR. */
  association?: string;
}

export interface FakeReviewComment {
  id: number;
  reviewId: number | null;
  user: string;
  body: string;
  path: string;
  line: number;
  commitId: string;
  createdAt: string;
  inReplyTo?: number;
  /** Default COLLABORATOR. */
  association?: string;
}

export interface FakeCheck {
  name: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: 'success' | 'failure' | 'neutral' | 'cancelled' | 'skipped' | 'timed_out' | 'action_required' | null;
  title?: string;
  summary?: string;
  text?: string;
}

export interface FakeStatus {
  context: string;
  state: 'error' | 'failure' | 'pending' | 'success';
  description?: string;
}

export class Shapes {
  constructor(
    readonly base: string,
    readonly owner: string,
    readonly repo: string,
  ) {}

  get repoApi(): string {
    return `${this.base}/repos/${this.owner}/${this.repo}`;
  }

  get web(): string {
    return `${this.base}/${this.owner}/${this.repo}`;
  }

  user(login: string): Record<string, unknown> {
    const id = idOf(login);
    return {
      login,
      id,
      node_id: `U_${id}`,
      avatar_url: `${this.base}/avatars/${login}`,
      gravatar_id: '',
      url: `${this.base}/users/${login}`,
      html_url: `${this.base}/${login}`,
      type: login.endsWith('[bot]') ? 'Bot' : 'User',
      site_admin: false,
    };
  }

  repository(defaultBranch: string): Record<string, unknown> {
    return {
      id: 1296269,
      node_id: 'R_1296269',
      name: this.repo,
      full_name: `${this.owner}/${this.repo}`,
      private: true,
      owner: this.user(this.owner),
      html_url: this.web,
      description: 'A fake repository',
      fork: false,
      url: this.repoApi,
      clone_url: `${this.web}.git`,
      default_branch: defaultBranch,
      visibility: 'private',
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true },
      allow_squash_merge: true,
      allow_merge_commit: true,
      allow_rebase_merge: false,
      delete_branch_on_merge: false,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      pushed_at: new Date().toISOString(),
    };
  }

  label(name: string): Record<string, unknown> {
    const id = idOf(`label:${name}`);
    return {
      id,
      node_id: `LA_${id}`,
      url: `${this.repoApi}/labels/${encodeURIComponent(name)}`,
      name,
      description: null,
      color: 'ededed',
      default: false,
    };
  }

  issue(it: FakeItem): Record<string, unknown> {
    const url = `${this.repoApi}/issues/${it.number}`;
    const out: Record<string, unknown> = {
      url,
      repository_url: this.repoApi,
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${this.web}/${it.kind === 'pull' ? 'pull' : 'issues'}/${it.number}`,
      id: 1000 + it.number,
      node_id: `I_${it.number}`,
      number: it.number,
      title: it.title,
      user: this.user(it.user),
      labels: it.labels.map((l) => this.label(l)),
      state: it.state,
      state_reason: it.stateReason,
      locked: false,
      assignee: it.assignees[0] ? this.user(it.assignees[0]) : null,
      assignees: it.assignees.map((a) => this.user(a)),
      milestone: null,
      comments: it.comments.length,
      created_at: it.createdAt,
      updated_at: it.updatedAt,
      closed_at: it.closedAt,
      author_association: it.association ?? 'OWNER',
      body: it.body,
    };
    if (it.kind === 'pull') {
      out.pull_request = {
        url: `${this.repoApi}/pulls/${it.number}`,
        html_url: `${this.web}/pull/${it.number}`,
        diff_url: `${this.web}/pull/${it.number}.diff`,
        patch_url: `${this.web}/pull/${it.number}.patch`,
        merged_at: it.mergedAt ?? null,
      };
      out.draft = it.draft ?? false;
    }
    return out;
  }

  pull(
    it: FakeItem,
    headSha: string,
    baseSha: string,
    extra: {
      mergeable: boolean | null;
      mergeableState: string;
      files: { additions: number; deletions: number; changed: number; commits: number } | null;
    },
  ): Record<string, unknown> {
    const url = `${this.repoApi}/pulls/${it.number}`;
    const ref = (branch: string, sha: string): Record<string, unknown> => ({
      label: `${this.owner}:${branch}`,
      ref: branch,
      sha,
      user: this.user(this.owner),
      repo: this.repository('main'),
    });
    return {
      url,
      id: 2000 + it.number,
      node_id: `PR_${it.number}`,
      html_url: `${this.web}/pull/${it.number}`,
      diff_url: `${this.web}/pull/${it.number}.diff`,
      patch_url: `${this.web}/pull/${it.number}.patch`,
      issue_url: `${this.repoApi}/issues/${it.number}`,
      commits_url: `${url}/commits`,
      review_comments_url: `${url}/comments`,
      review_comment_url: `${this.repoApi}/pulls/comments{/number}`,
      comments_url: `${this.repoApi}/issues/${it.number}/comments`,
      statuses_url: `${this.repoApi}/statuses/${headSha}`,
      number: it.number,
      state: it.state,
      locked: false,
      title: it.title,
      user: this.user(it.user),
      body: it.body,
      labels: it.labels.map((l) => this.label(l)),
      milestone: null,
      created_at: it.createdAt,
      updated_at: it.updatedAt,
      closed_at: it.closedAt,
      merged_at: it.mergedAt ?? null,
      merge_commit_sha: it.mergeCommitSha ?? null,
      assignee: null,
      assignees: [],
      requested_reviewers: [],
      requested_teams: [],
      head: ref(it.head ?? '', headSha),
      base: ref(it.base ?? 'main', baseSha),
      _links: {
        self: { href: url },
        html: { href: `${this.web}/pull/${it.number}` },
        issue: { href: `${this.repoApi}/issues/${it.number}` },
      },
      author_association: 'OWNER',
      auto_merge: null,
      draft: it.draft ?? false,
      merged: it.merged ?? false,
      mergeable: extra.mergeable,
      rebaseable: extra.mergeable,
      mergeable_state: extra.mergeableState,
      merged_by: it.merged ? this.user('quartet-bot') : null,
      comments: it.comments.length,
      review_comments: 0,
      maintainer_can_modify: false,
      commits: extra.files?.commits ?? 0,
      additions: extra.files?.additions ?? 0,
      deletions: extra.files?.deletions ?? 0,
      changed_files: extra.files?.changed ?? 0,
    };
  }

  checkRun(sha: string, c: FakeCheck): Record<string, unknown> {
    const id = idOf(`${sha}:${c.name}`);
    const status = c.status ?? 'completed';
    const done = status === 'completed';
    return {
      id,
      head_sha: sha,
      node_id: `CR_${id}`,
      external_id: '',
      url: `${this.repoApi}/check-runs/${id}`,
      html_url: `${this.web}/runs/${id}`,
      details_url: `${this.web}/runs/${id}`,
      status,
      conclusion: done ? (c.conclusion ?? 'success') : null,
      started_at: '2024-01-01T00:00:00Z',
      completed_at: done ? '2024-01-01T00:01:00Z' : null,
      output: {
        title: c.title ?? null,
        summary: c.summary ?? null,
        text: c.text ?? null,
        annotations_count: 0,
        annotations_url: `${this.repoApi}/check-runs/${id}/annotations`,
      },
      name: c.name,
      check_suite: { id: idOf(`suite:${sha}`) },
      app: { id: 15368, slug: 'github-actions', name: 'GitHub Actions' },
      pull_requests: [],
    };
  }

  status(sha: string, s: FakeStatus): Record<string, unknown> {
    const id = idOf(`${sha}:status:${s.context}`);
    return {
      url: `${this.repoApi}/statuses/${sha}`,
      avatar_url: null,
      id,
      node_id: `SC_${id}`,
      state: s.state,
      description: s.description ?? null,
      target_url: null,
      context: s.context,
      created_at: '2024-01-01T00:00:00Z',
      updated_at: '2024-01-01T00:00:00Z',
      creator: this.user('ci'),
    };
  }

  review(prNumber: number, r: FakeReview): Record<string, unknown> {
    return {
      id: r.id,
      node_id: `PRR_${r.id}`,
      user: this.user(r.user),
      body: r.body,
      state: r.state,
      html_url: `${this.web}/pull/${prNumber}#pullrequestreview-${r.id}`,
      pull_request_url: `${this.repoApi}/pulls/${prNumber}`,
      _links: {
        html: { href: `${this.web}/pull/${prNumber}#pullrequestreview-${r.id}` },
        pull_request: { href: `${this.repoApi}/pulls/${prNumber}` },
      },
      submitted_at: r.submittedAt,
      commit_id: r.commitId,
      author_association: r.association ?? 'COLLABORATOR',
    };
  }

  reviewComment(prNumber: number, c: FakeReviewComment): Record<string, unknown> {
    return {
      url: `${this.repoApi}/pulls/comments/${c.id}`,
      pull_request_review_id: c.reviewId,
      id: c.id,
      node_id: `PRRC_${c.id}`,
      diff_hunk: '@@ -1 +1 @@',
      path: c.path,
      position: c.line,
      original_position: c.line,
      commit_id: c.commitId,
      original_commit_id: c.commitId,
      user: this.user(c.user),
      body: c.body,
      created_at: c.createdAt,
      updated_at: c.createdAt,
      html_url: `${this.web}/pull/${prNumber}#discussion_r${c.id}`,
      pull_request_url: `${this.repoApi}/pulls/${prNumber}`,
      author_association: c.association ?? 'COLLABORATOR',
      _links: { self: { href: `${this.repoApi}/pulls/comments/${c.id}` } },
      line: c.line,
      original_line: c.line,
      side: 'RIGHT',
      ...(c.inReplyTo ? { in_reply_to_id: c.inReplyTo } : {}),
    };
  }

  issueComment(issueNumber: number, c: FakeComment): Record<string, unknown> {
    return {
      id: c.id,
      node_id: `IC_${c.id}`,
      url: `${this.repoApi}/issues/comments/${c.id}`,
      html_url: `${this.web}/issues/${issueNumber}#issuecomment-${c.id}`,
      body: c.body,
      user: this.user(c.user),
      created_at: c.createdAt,
      updated_at: c.createdAt,
      issue_url: `${this.repoApi}/issues/${issueNumber}`,
      author_association: 'OWNER',
    };
  }

  error(
    message: string,
    docs = 'https://docs.github.com/rest',
    status?: number,
    errors?: unknown[],
  ): Record<string, unknown> {
    return {
      message,
      ...(errors ? { errors } : {}),
      documentation_url: docs,
      ...(status ? { status: String(status) } : {}),
    };
  }
}

/** Stable small ids from a key (so a check run keeps its id across polls). */
export function idOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return (h % 900_000_000) + 1000;
}
