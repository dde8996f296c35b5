// Test support: a fake GitHub (REST API in the real shapes + git smart HTTP) on 127.0.0.1, backed by a bare repository.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BareRepo, serveGit } from './fakeGithubGit';
import { routeApi } from './fakeGithubRoutes';
import {
  Shapes,
  type FakeCheck,
  type FakeItem,
  type FakeReview,
  type FakeReviewComment,
  type FakeStatus,
} from './fakeGithubShapes';

export interface FakeGithubOptions {
  /** The bare repository that plays the GitHub repository (pushes land here, merges advance it). */
  bare: string;
  token: string;
  owner?: string;
  repo?: string;
  /** The token's user. */
  login?: string;
  defaultBranch?: string;
  /** Check runs GitHub reports for a commit; default one passing `ci`. `read` gives a file at that commit. */
  checks?: (ctx: { sha: string; read: (path: string) => string | null }) => FakeCheck[];
  statuses?: (ctx: { sha: string; read: (path: string) => string | null }) => FakeStatus[];
}

export interface RecordedRequest {
  method: string;
  /** Path with query string. */
  path: string;
  /** Every header except Authorization. */
  headers: Record<string, string | string[] | undefined>;
  /** Whether the request carried the right token. */
  authorized: boolean;
  status: number;
  body: unknown;
  git: boolean;
  /** When it arrived (ms since the epoch). */
  at: number;
}

export interface RateLimitScript {
  /** How many of the next API requests are refused. */
  count: number;
  status: 403 | 429;
  /** 403: x-ratelimit-reset this far ahead; 429: retry-after (seconds). */
  resetInMs?: number;
  retryAfterS?: number;
}

/** In-memory state the routes read and write. */
export interface FakeState {
  opts: Required<Pick<FakeGithubOptions, 'owner' | 'repo' | 'login' | 'defaultBranch'>> & FakeGithubOptions;
  bare: BareRepo;
  shapes: Shapes;
  items: Map<number, FakeItem>;
  reviews: Map<number, FakeReview[]>;
  reviewComments: Map<number, FakeReviewComment[]>;
  nextNumber: number;
  nextId: number;
  /** GET pulls/{n} answers `mergeable: null` this many more times (GitHub computing it in the background). */
  mergeableNullPolls: number;
}

export class FakeGithub {
  readonly state: FakeState;
  readonly requests: RecordedRequest[] = [];
  private server: Server | null = null;
  private rateScript: RateLimitScript | null = null;
  private remaining = 5000;
  /** Called on every API request before it is answered (script reviews, pushes… at a given moment). */
  onRequest: ((method: string, path: string) => void) | null = null;
  url = '';

  constructor(opts: FakeGithubOptions) {
    const full = { owner: 'octo', repo: 'sample', login: 'quartet-bot', defaultBranch: 'main', ...opts };
    this.state = {
      opts: full,
      bare: new BareRepo(opts.bare),
      shapes: new Shapes('', full.owner, full.repo),
      items: new Map(),
      reviews: new Map(),
      reviewComments: new Map(),
      nextNumber: 1,
      nextId: 100,
      mergeableNullPolls: 0,
    };
  }

  static async start(opts: FakeGithubOptions): Promise<FakeGithub> {
    const fake = new FakeGithub(opts);
    await fake.listen();
    return fake;
  }

  /** The git remote URL of the repository (smart HTTP through this server). */
  get remoteUrl(): string {
    return `${this.url}/${this.state.opts.owner}/${this.state.opts.repo}.git`;
  }

  private async listen(): Promise<void> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.state.shapes = new Shapes(this.url, this.state.opts.owner, this.state.opts.repo);
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Changes what CI reports from now on (per commit). */
  setChecks(checks: FakeGithubOptions['checks']): void {
    this.state.opts.checks = checks;
  }

  /** The next `count` API requests get a rate-limit answer. */
  rateLimit(script: RateLimitScript): void {
    this.rateScript = { ...script };
  }

  addReview(
    pr: number,
    r: { user: string; state: FakeReview['state']; body?: string; association?: string },
  ): FakeReview {
    const review: FakeReview = {
      id: this.state.nextId++,
      user: r.user,
      state: r.state,
      body: r.body ?? '',
      commitId: this.headOf(pr) ?? '',
      submittedAt: new Date().toISOString(),
      ...(r.association ? { association: r.association } : {}),
    };
    this.state.reviews.set(pr, [...(this.state.reviews.get(pr) ?? []), review]);
    return review;
  }

  addReviewComment(
    pr: number,
    c: { user: string; body: string; path: string; line: number; association?: string },
  ): FakeReviewComment {
    const comment: FakeReviewComment = {
      id: this.state.nextId++,
      reviewId: null,
      ...c,
      commitId: this.headOf(pr) ?? '',
      createdAt: new Date().toISOString(),
    };
    this.state.reviewComments.set(pr, [...(this.state.reviewComments.get(pr) ?? []), comment]);
    return comment;
  }

  addIssue(i: {
    title: string;
    body?: string;
    labels?: string[];
    state?: 'open' | 'closed';
    user?: string;
    association?: string;
  }): FakeItem {
    const now = new Date().toISOString();
    const item: FakeItem = {
      number: this.state.nextNumber++,
      kind: 'issue',
      title: i.title,
      body: i.body ?? null,
      state: i.state ?? 'open',
      stateReason: i.state === 'closed' ? 'completed' : null,
      labels: i.labels ?? [],
      assignees: [],
      user: i.user ?? this.state.opts.owner,
      createdAt: now,
      updatedAt: now,
      closedAt: i.state === 'closed' ? now : null,
      comments: [],
      ...(i.association ? { association: i.association } : {}),
    };
    this.state.items.set(item.number, item);
    return item;
  }

  pulls(): FakeItem[] {
    return [...this.state.items.values()].filter((i) => i.kind === 'pull');
  }

  item(n: number): FakeItem | undefined {
    return this.state.items.get(n);
  }

  headOf(pr: number): string | null {
    const it = this.state.items.get(pr);
    if (!it?.head) return null;
    return it.frozenHead ?? this.state.bare.branchSha(it.head);
  }

  /** API requests only (not git traffic), optionally filtered by method and a path pattern. */
  apiRequests(method?: string, path?: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => !r.git && (!method || r.method === method) && (!path || path.test(r.path)));
  }

  private authorized(req: IncomingMessage, git: boolean): boolean {
    const auth = req.headers.authorization ?? '';
    if (git) {
      const m = /^Basic (.+)$/i.exec(auth);
      const pass = m
        ? Buffer.from(m[1] as string, 'base64')
            .toString('utf8')
            .split(':')
            .slice(1)
            .join(':')
        : '';
      return pass === this.state.opts.token;
    }
    const m = /^(?:token|bearer) (.+)$/i.exec(auth);
    return !!m && m[1] === this.state.opts.token;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = req.url ?? '/';
    const { owner, repo } = this.state.opts;
    const gitPrefix = `/${owner}/${repo}.git`;
    const isGit = path.startsWith(`${gitPrefix}/`);
    const ok = this.authorized(req, isGit);
    const { authorization: _drop, ...headers } = req.headers;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path,
      headers,
      authorized: ok,
      status: 0,
      body: null,
      git: isGit,
      at: Date.now(),
    };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    if (isGit) {
      if (!ok) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="GitHub"', 'content-type': 'text/plain' });
        return void res.end('Invalid username or token.\n');
      }
      return serveGit(
        this.state.bare.path,
        path.slice(gitPrefix.length).split('?')[0] as string,
        req,
        res,
        'x-access-token',
      );
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: unknown = null;
      try {
        body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null;
      } catch {
        return this.send(res, 400, this.state.shapes.error('Problems parsing JSON'));
      }
      record.body = body;
      this.onRequest?.(record.method, path);
      if (!ok)
        return this.send(
          res,
          401,
          this.state.shapes.error(
            req.headers.authorization ? 'Bad credentials' : 'Requires authentication',
            'https://docs.github.com/rest',
            401,
          ),
        );
      if (this.rateScript && this.rateScript.count > 0) return this.refuse(res);
      const r = routeApi(this.state, record.method, new URL(path, this.url), body);
      this.send(res, r.status, r.body, r.headers);
    });
  }

  private refuse(res: ServerResponse): void {
    const s = this.rateScript as RateLimitScript;
    s.count--;
    if (s.status === 429) {
      return this.send(
        res,
        429,
        this.state.shapes.error(
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
          429,
        ),
        { 'retry-after': String(s.retryAfterS ?? 1) },
        this.remaining,
      );
    }
    const reset = Math.ceil((Date.now() + (s.resetInMs ?? 1000)) / 1000);
    this.send(
      res,
      403,
      this.state.shapes.error(
        'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        403,
      ),
      { 'x-ratelimit-reset': String(reset) },
      0,
    );
  }

  private send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    remaining?: number,
  ): void {
    if (remaining === undefined && status !== 401) this.remaining = Math.max(0, this.remaining - 1);
    const left = remaining ?? this.remaining;
    const text = status === 204 ? '' : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(left),
      'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 3600),
      'x-ratelimit-used': String(5000 - left),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-request-id': `FAKE:${this.requests.length}`,
      ...headers,
      ...(status === 204 ? {} : { 'content-length': String(Buffer.byteLength(text)) }),
    });
    res.end(text);
  }
}
