// Test support: the fake GitHub's git side — a bare repository it reads and merges into, served over smart HTTP.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, dirname } from 'node:path';

const IDENTITY = {
  GIT_AUTHOR_NAME: 'GitHub',
  GIT_AUTHOR_EMAIL: 'noreply@github.com',
  GIT_COMMITTER_NAME: 'GitHub',
  GIT_COMMITTER_EMAIL: 'noreply@github.com',
};

export class BareRepo {
  constructor(readonly path: string) {}

  private run(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
    const r = spawnSync('git', args, { cwd: this.path, encoding: 'utf8', env: { ...process.env, ...env } });
    return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
  }

  /** Commit of a branch, a sha, or null. */
  sha(ref: string): string | null {
    const r = this.run(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    return r.code === 0 ? r.stdout.trim() : null;
  }

  branchSha(branch: string): string | null {
    return this.sha(`refs/heads/${branch}`);
  }

  /** A file's content at `sha`, or null when it is not there. */
  read(sha: string, path: string): string | null {
    const r = this.run(['show', `${sha}:${path}`]);
    return r.code === 0 ? r.stdout : null;
  }

  /** The merged tree of `base` and `head`, or the conflicting files (git merge-tree --write-tree, no working tree). */
  mergeTree(base: string, head: string): { tree: string } | { conflicts: string[] } {
    const r = this.run(['merge-tree', '--write-tree', '--name-only', '--no-messages', base, head]);
    const lines = r.stdout.split('\n').filter(Boolean);
    if (r.code === 0) return { tree: lines[0] as string };
    return { conflicts: lines.slice(1) };
  }

  isAncestor(a: string, b: string): boolean {
    return this.run(['merge-base', '--is-ancestor', a, b]).code === 0;
  }

  diffStat(base: string, head: string): { additions: number; deletions: number; changed: number; commits: number } {
    const mb = this.run(['merge-base', base, head]).stdout.trim() || base;
    let additions = 0;
    let deletions = 0;
    let changed = 0;
    for (const line of this.run(['diff', '--numstat', mb, head]).stdout.split('\n').filter(Boolean)) {
      const [a, d] = line.split('\t');
      additions += Number(a) || 0;
      deletions += Number(d) || 0;
      changed++;
    }
    const commits = Number(this.run(['rev-list', '--count', `${mb}..${head}`]).stdout.trim()) || 0;
    return { additions, deletions, changed, commits };
  }

  /** Squash or merge commit of head onto base, written with plumbing, then a compare-and-swap of the base ref. */
  merge(
    baseBranch: string,
    baseSha: string,
    headSha: string,
    method: 'squash' | 'merge',
    message: string,
  ): string | null {
    const m = this.mergeTree(baseSha, headSha);
    if (!('tree' in m)) return null;
    const parents = method === 'merge' ? ['-p', baseSha, '-p', headSha] : ['-p', baseSha];
    const commit = execFileSync('git', ['commit-tree', m.tree, ...parents, '-m', message], {
      cwd: this.path,
      encoding: 'utf8',
      env: { ...process.env, ...IDENTITY },
    }).trim();
    const u = this.run(['update-ref', `refs/heads/${baseBranch}`, commit, baseSha]);
    return u.code === 0 ? commit : null;
  }

  deleteBranch(branch: string): boolean {
    const sha = this.branchSha(branch);
    if (!sha) return false;
    return this.run(['update-ref', '-d', `refs/heads/${branch}`, sha]).code === 0;
  }
}

/**
 * Serves the bare repo over git's smart HTTP protocol through `git http-backend` (CGI), so pushes and
 * fetches travel over HTTP with whatever Authorization header the client sent.
 */
export function serveGit(
  bare: string,
  rest: string,
  req: IncomingMessage,
  res: ServerResponse,
  remoteUser: string,
): void {
  const url = new URL(req.url ?? '/', 'http://x');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    GIT_PROJECT_ROOT: dirname(bare),
    GIT_HTTP_EXPORT_ALL: '1',
    PATH_INFO: `/${basename(bare)}${rest}`,
    QUERY_STRING: url.search.slice(1),
    REQUEST_METHOD: req.method ?? 'GET',
    CONTENT_TYPE: req.headers['content-type'] ?? '',
    REMOTE_USER: remoteUser,
    REMOTE_ADDR: '127.0.0.1',
    ...(req.headers['content-length'] ? { CONTENT_LENGTH: String(req.headers['content-length']) } : {}),
    ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: String(req.headers['content-encoding']) } : {}),
    ...(req.headers['git-protocol'] ? { HTTP_GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
  };
  const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  req.pipe(child.stdin);
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) return void res.write(chunk);
    head = Buffer.concat([head, chunk]);
    const crlf = head.indexOf('\r\n\r\n');
    const lf = head.indexOf('\n\n');
    const end = crlf !== -1 && (lf === -1 || crlf < lf) ? crlf : lf;
    if (end === -1) return;
    const sep = end === crlf ? 4 : 2;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
      const i = line.indexOf(':');
      if (i === -1) continue;
      const k = line.slice(0, i).trim();
      const v = line.slice(i + 1).trim();
      if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]) || 200;
      else headers[k] = v;
    }
    started = true;
    res.writeHead(status, headers);
    res.write(head.subarray(end + sep));
  });
  child.stdout.on('end', () => res.end());
  child.on('error', () => {
    if (!res.headersSent) res.writeHead(500);
    res.end();
  });
}
