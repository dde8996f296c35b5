// Test support: the fake GitHub's REST routes (pulls, checks, statuses, reviews, comments, merge, refs, issues) over its state.

import type { FakeState } from './fakeGithub';
import type { FakeItem } from './fakeGithubShapes';

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const DOCS = 'https://docs.github.com/rest';
type Body = Record<string, unknown> | null;

function notFound(s: FakeState, docs = DOCS): Answer {
  return { status: 404, body: s.shapes.error('Not Found', docs, 404) };
}

function invalid(s: FakeState, errors: unknown[], message = 'Validation Failed'): Answer {
  return { status: 422, body: s.shapes.error(message, DOCS, 422, errors) };
}

/** page/per_page with a Link header, as the real API paginates lists. */
function paginate(url: URL, all: unknown[]): Answer {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30) || 30));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const link = (p: number, rel: string): string => {
    const u = new URL(url.href);
    u.searchParams.set('page', String(p));
    return `<${u.href}>; rel="${rel}"`;
  };
  const links = [
    page < last ? link(page + 1, 'next') : '',
    page < last ? link(last, 'last') : '',
    page > 1 ? link(1, 'first') : '',
    page > 1 ? link(page - 1, 'prev') : '',
  ].filter(Boolean);
  return {
    status: 200,
    body: all.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}

function headSha(s: FakeState, it: FakeItem): string {
  return it.frozenHead ?? s.bare.branchSha(it.head ?? '') ?? '0'.repeat(40);
}

function pullBody(s: FakeState, it: FakeItem, computeMergeable: boolean): unknown {
  const head = headSha(s, it);
  const base = s.bare.branchSha(it.base ?? s.opts.defaultBranch) ?? '0'.repeat(40);
  let mergeable: boolean | null = null;
  let state = 'unknown';
  if (it.state === 'open' && computeMergeable) {
    if (s.mergeableNullPolls > 0) s.mergeableNullPolls--;
    else {
      const m = s.bare.mergeTree(base, head);
      const checks = checkState(s, head);
      mergeable = 'tree' in m;
      state = !mergeable ? 'dirty' : checks === 'success' ? 'clean' : 'unstable';
    }
  }
  return s.shapes.pull(it, head, base, {
    mergeable,
    mergeableState: state,
    files: it.state === 'open' ? s.bare.diffStat(base, head) : null,
  });
}

function checksFor(
  s: FakeState,
  sha: string,
): {
  runs: ReturnType<NonNullable<FakeState['opts']['checks']>>;
  statuses: ReturnType<NonNullable<FakeState['opts']['statuses']>>;
} {
  const read = (path: string): string | null => s.bare.read(sha, path);
  return {
    runs: s.opts.checks ? s.opts.checks({ sha, read }) : [{ name: 'ci', conclusion: 'success' }],
    statuses: s.opts.statuses ? s.opts.statuses({ sha, read }) : [],
  };
}

function checkState(s: FakeState, sha: string): 'success' | 'failure' | 'pending' {
  const { runs, statuses } = checksFor(s, sha);
  if (
    runs.some(
      (r) =>
        (r.status ?? 'completed') === 'completed' &&
        !['success', 'neutral', 'skipped'].includes(r.conclusion ?? 'success'),
    ) ||
    statuses.some((x) => x.state === 'failure' || x.state === 'error')
  )
    return 'failure';
  if (runs.some((r) => (r.status ?? 'completed') !== 'completed') || statuses.some((x) => x.state === 'pending'))
    return 'pending';
  return 'success';
}

export function routeApi(s: FakeState, method: string, url: URL, raw: unknown): Answer {
  const body = (raw && typeof raw === 'object' ? raw : null) as Body;
  const p = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  if (p[0] === 'user' && p.length === 1 && method === 'GET') return { status: 200, body: s.shapes.user(s.opts.login) };
  if (p[0] === 'rate_limit')
    return {
      status: 200,
      body: {
        resources: { core: { limit: 5000, remaining: 4999, reset: Math.ceil(Date.now() / 1000) + 3600, used: 1 } },
      },
    };
  if (p[0] !== 'repos' || p[1] !== s.opts.owner || p[2] !== s.opts.repo) return notFound(s);
  const [section, a, b, c, ...more] = p.slice(3);
  if (!section)
    return method === 'GET' ? { status: 200, body: s.shapes.repository(s.opts.defaultBranch) } : notFound(s);
  if (section === 'pulls') return pulls(s, method, url, body, a, b, c);
  if (section === 'commits' && a && (b === 'check-runs' || b === 'status') && method === 'GET') {
    const sha = s.bare.sha(a);
    if (!sha) return invalid(s, [], `No commit found for SHA: ${a}`);
    const { runs, statuses } = checksFor(s, sha);
    if (b === 'check-runs')
      return {
        status: 200,
        body: { total_count: runs.length, check_runs: runs.map((r) => s.shapes.checkRun(sha, r)) },
      };
    const state = statuses.some((x) => x.state === 'failure' || x.state === 'error')
      ? 'failure'
      : statuses.length && statuses.every((x) => x.state === 'success')
        ? 'success'
        : 'pending';
    return {
      status: 200,
      body: {
        state,
        statuses: statuses.map((x) => s.shapes.status(sha, x)),
        sha,
        total_count: statuses.length,
        repository: s.shapes.repository(s.opts.defaultBranch),
        commit_url: `${s.shapes.repoApi}/commits/${sha}`,
        url: `${s.shapes.repoApi}/commits/${sha}/status`,
      },
    };
  }
  if (section === 'git' && a === 'refs' && b && method === 'DELETE') {
    // Octokit sends `heads%2Fbranch` (the ref as one encoded segment); curl users send `heads/branch`: both work.
    const ref = [b, c, ...more].filter((x) => x !== undefined).join('/');
    if (!ref.startsWith('heads/')) return invalid(s, [], 'Reference does not exist');
    return s.bare.deleteBranch(ref.slice('heads/'.length))
      ? { status: 204, body: null }
      : invalid(s, [], 'Reference does not exist');
  }
  if (section === 'issues') return issues(s, method, url, body, a, b);
  return notFound(s);
}

function pulls(s: FakeState, method: string, url: URL, body: Body, a?: string, b?: string, c?: string): Answer {
  if (!a) {
    if (method === 'POST') return createPull(s, body);
    if (method !== 'GET') return notFound(s);
    const state = url.searchParams.get('state') ?? 'open';
    const head = url.searchParams.get('head');
    const base = url.searchParams.get('base');
    const list = [...s.items.values()]
      .filter((i) => i.kind === 'pull' && (state === 'all' || i.state === state))
      .filter((i) => !head || `${s.opts.owner}:${i.head}` === head || (!head.includes(':') && i.head === head))
      .filter((i) => !base || i.base === base)
      .sort((x, y) => y.number - x.number);
    return paginate(
      url,
      list.map((i) => pullBody(s, i, false)),
    );
  }
  const it = s.items.get(Number(a));
  if (!it || it.kind !== 'pull') return notFound(s, 'https://docs.github.com/rest/pulls/pulls#get-a-pull-request');
  if (!b) {
    if (method === 'GET') return { status: 200, body: pullBody(s, it, true) };
    if (method === 'PATCH') {
      if (typeof body?.title === 'string') it.title = body.title;
      if (typeof body?.body === 'string') it.body = body.body;
      if (body?.state === 'closed' && it.state === 'open')
        Object.assign(it, { state: 'closed', closedAt: new Date().toISOString(), frozenHead: headSha(s, it) });
      if (body?.state === 'open' && it.state === 'closed' && !it.merged)
        Object.assign(it, { state: 'open', closedAt: null, frozenHead: null });
      it.updatedAt = new Date().toISOString();
      return { status: 200, body: pullBody(s, it, true) };
    }
    return notFound(s);
  }
  if (b === 'reviews' && !c && method === 'GET')
    return paginate(
      url,
      (s.reviews.get(it.number) ?? []).map((r) => s.shapes.review(it.number, r)),
    );
  if (b === 'comments' && !c && method === 'GET')
    return paginate(
      url,
      (s.reviewComments.get(it.number) ?? []).map((r) => s.shapes.reviewComment(it.number, r)),
    );
  if (b === 'merge' && method === 'PUT') return mergePull(s, it, body);
  if (b === 'merge' && method === 'GET') return it.merged ? { status: 204, body: null } : notFound(s);
  return notFound(s);
}

function createPull(s: FakeState, body: Body): Answer {
  const head = typeof body?.head === 'string' ? body.head.replace(`${s.opts.owner}:`, '') : '';
  const base = typeof body?.base === 'string' ? body.base : '';
  if (typeof body?.title !== 'string' || !body.title)
    return invalid(s, [{ resource: 'PullRequest', field: 'title', code: 'missing_field' }]);
  const headSha = s.bare.branchSha(head);
  const baseSha = s.bare.branchSha(base);
  if (!headSha) return invalid(s, [{ resource: 'PullRequest', field: 'head', code: 'invalid' }]);
  if (!baseSha) return invalid(s, [{ resource: 'PullRequest', field: 'base', code: 'invalid' }]);
  if ([...s.items.values()].some((i) => i.kind === 'pull' && i.state === 'open' && i.head === head)) {
    return invalid(s, [
      {
        resource: 'PullRequest',
        code: 'custom',
        message: `A pull request already exists for ${s.opts.owner}:${head}.`,
      },
    ]);
  }
  if (s.bare.isAncestor(headSha, baseSha))
    return invalid(s, [{ resource: 'PullRequest', code: 'custom', message: `No commits between ${base} and ${head}` }]);
  const now = new Date().toISOString();
  const it: FakeItem = {
    number: s.nextNumber++,
    kind: 'pull',
    title: body.title,
    body: typeof body.body === 'string' ? body.body : null,
    state: 'open',
    stateReason: null,
    labels: [],
    assignees: [],
    user: s.opts.login,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
    comments: [],
    head,
    base,
    draft: body.draft === true,
    merged: false,
    mergedAt: null,
    mergeCommitSha: null,
    frozenHead: null,
  };
  s.items.set(it.number, it);
  return { status: 201, body: pullBody(s, it, false), headers: { location: `${s.shapes.repoApi}/pulls/${it.number}` } };
}

function mergePull(s: FakeState, it: FakeItem, body: Body): Answer {
  const docs = 'https://docs.github.com/rest/pulls/pulls#merge-a-pull-request';
  const method = body?.merge_method ?? 'merge';
  if (method !== 'merge' && method !== 'squash' && method !== 'rebase')
    return invalid(s, [{ resource: 'PullRequest', field: 'merge_method', code: 'invalid' }]);
  if (method === 'rebase')
    return { status: 405, body: s.shapes.error('Rebase merges are not allowed on this repository.', docs, 405) };
  if (it.state !== 'open') return { status: 405, body: s.shapes.error('Pull Request is not mergeable', docs, 405) };
  const head = headSha(s, it);
  if (typeof body?.sha === 'string' && body.sha !== head)
    return {
      status: 409,
      body: s.shapes.error('Head branch was modified. Review and try the merge again.', docs, 409),
    };
  const baseBranch = it.base ?? s.opts.defaultBranch;
  const base = s.bare.branchSha(baseBranch);
  if (!base) return { status: 405, body: s.shapes.error('Pull Request is not mergeable', docs, 405) };
  const title = typeof body?.commit_title === 'string' ? body.commit_title : `${it.title} (#${it.number})`;
  const message = typeof body?.commit_message === 'string' ? body.commit_message : '';
  const commit = s.bare.merge(baseBranch, base, head, method, message ? `${title}\n\n${message}` : title);
  if (!commit) return { status: 405, body: s.shapes.error('Pull Request is not mergeable', docs, 405) };
  const now = new Date().toISOString();
  Object.assign(it, {
    state: 'closed',
    merged: true,
    mergedAt: now,
    closedAt: now,
    updatedAt: now,
    mergeCommitSha: commit,
    frozenHead: head,
  });
  return { status: 200, body: { sha: commit, merged: true, message: 'Pull Request successfully merged' } };
}

function issues(s: FakeState, method: string, url: URL, body: Body, a?: string, b?: string): Answer {
  if (!a) {
    if (method === 'POST') {
      if (typeof body?.title !== 'string' || !body.title)
        return invalid(s, [{ resource: 'Issue', field: 'title', code: 'missing_field' }]);
      const now = new Date().toISOString();
      const labels = Array.isArray(body.labels) ? body.labels.filter((l): l is string => typeof l === 'string') : [];
      const it: FakeItem = {
        number: s.nextNumber++,
        kind: 'issue',
        title: body.title,
        body: typeof body.body === 'string' ? body.body : null,
        state: 'open',
        stateReason: null,
        labels,
        assignees: [],
        user: s.opts.login,
        createdAt: now,
        updatedAt: now,
        closedAt: null,
        comments: [],
      };
      s.items.set(it.number, it);
      return { status: 201, body: s.shapes.issue(it) };
    }
    if (method !== 'GET') return notFound(s);
    const state = url.searchParams.get('state') ?? 'open';
    const labels = (url.searchParams.get('labels') ?? '')
      .split(',')
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean);
    const since = url.searchParams.get('since');
    const key = url.searchParams.get('sort') === 'updated' ? 'updatedAt' : 'createdAt';
    const asc = url.searchParams.get('direction') === 'asc';
    const list = [...s.items.values()]
      .filter((i) => state === 'all' || i.state === state)
      .filter((i) => labels.every((l) => i.labels.some((x) => x.toLowerCase() === l)))
      .filter((i) => !since || i.updatedAt >= since)
      .sort((x, y) => (asc ? 1 : -1) * (x[key].localeCompare(y[key]) || x.number - y.number));
    return paginate(
      url,
      list.map((i) => s.shapes.issue(i)),
    );
  }
  const it = s.items.get(Number(a));
  if (!it) return notFound(s, 'https://docs.github.com/rest/issues/issues#get-an-issue');
  if (b === 'comments') {
    if (method === 'GET')
      return paginate(
        url,
        it.comments.map((c) => s.shapes.issueComment(it.number, c)),
      );
    if (method === 'POST') {
      if (typeof body?.body !== 'string' || !body.body)
        return invalid(s, [{ resource: 'IssueComment', field: 'body', code: 'missing_field' }]);
      const c = { id: s.nextId++, user: s.opts.login, body: body.body, createdAt: new Date().toISOString() };
      it.comments.push(c);
      return { status: 201, body: s.shapes.issueComment(it.number, c) };
    }
    return notFound(s);
  }
  if (b) return notFound(s);
  if (method === 'GET') return { status: 200, body: s.shapes.issue(it) };
  if (method === 'PATCH') {
    const now = new Date().toISOString();
    if (typeof body?.title === 'string') it.title = body.title;
    if (typeof body?.body === 'string' || body?.body === null) it.body = body.body as string | null;
    if (Array.isArray(body?.labels))
      it.labels = body.labels.map((l) => (typeof l === 'string' ? l : String((l as { name?: unknown }).name ?? '')));
    if (Array.isArray(body?.assignees)) it.assignees = body.assignees.filter((x): x is string => typeof x === 'string');
    if (body?.state === 'closed' && it.state === 'open')
      Object.assign(it, {
        state: 'closed',
        closedAt: now,
        stateReason: typeof body.state_reason === 'string' ? body.state_reason : 'completed',
        frozenHead: it.kind === 'pull' ? headSha(s, it) : null,
      });
    else if (body?.state === 'open' && it.state === 'closed')
      Object.assign(it, { state: 'open', closedAt: null, stateReason: 'reopened' });
    else if (body?.state !== undefined && body.state !== 'open' && body.state !== 'closed')
      return invalid(s, [{ resource: 'Issue', field: 'state', code: 'invalid' }]);
    it.updatedAt = now;
    return { status: 200, body: s.shapes.issue(it) };
  }
  return notFound(s);
}
