// Which git remote is the GitHub repository, and its owner/repo: parsed from `git remote -v`, or set explicitly.

import { runGit } from '../git/git';
import { DEFAULT_GITHUB_API } from './githubClient';
import { GithubError } from './errors';

export interface ParsedRemoteUrl {
  /** Host with port when it has one (`github.com`, `ghe.example.com`, `127.0.0.1:4321`). */
  host: string;
  owner: string;
  repo: string;
}

const SCP_LIKE = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\/)(.+)$/;

/** Owner and repo from a remote URL: https, http, ssh://, git://, scp-like `git@host:o/r`, with or without `.git`. */
export function parseRemoteUrl(url: string): ParsedRemoteUrl | null {
  const text = url.trim();
  let host: string;
  let path: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let u: URL;
    try {
      u = new URL(text);
    } catch {
      return null;
    }
    if (!['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:'].includes(u.protocol)) return null;
    host = u.protocol.includes('ssh') && u.port === '22' ? u.hostname : u.host;
    path = decodeURIComponent(u.pathname);
  } else {
    const m = SCP_LIKE.exec(text);
    if (!m) return null;
    host = m[1] as string;
    path = m[2] as string;
  }
  const parts = path
    .replace(/^\/+|\/+$/g, '')
    .replace(/\.git$/, '')
    .split('/');
  // The last two segments: GitHub paths are /owner/repo (a GHE with a path prefix still ends that way).
  if (parts.length < 2) return null;
  const owner = parts[parts.length - 2] as string;
  const repo = parts[parts.length - 1] as string;
  if (!/^[A-Za-z0-9_.-]+$/.test(owner) || !/^[A-Za-z0-9_.-]+$/.test(repo) || repo === '.' || repo === '..') return null;
  return { host: host.toLowerCase(), owner, repo };
}

export interface RemoteEntry {
  name: string;
  url: string;
}

/** `git remote -v` → one entry per remote (its push URL when it has one). */
export function parseRemoteList(output: string): RemoteEntry[] {
  const byName = new Map<string, string>();
  for (const line of output.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+\((fetch|push)\)/.exec(line.trim());
    if (!m) continue;
    if (m[3] === 'push' || !byName.has(m[1] as string)) byName.set(m[1] as string, m[2] as string);
  }
  return [...byName].map(([name, url]) => ({ name, url }));
}

/** The web/git host of an API base URL: api.github.com → github.com, https://ghe/api/v3 → ghe. */
export function gitHostOf(baseUrl: string): string {
  const u = new URL(baseUrl);
  return u.host.toLowerCase() === 'api.github.com' ? 'github.com' : u.host.toLowerCase();
}

export interface GithubTarget {
  remote: string;
  remoteUrl: string;
  owner: string;
  repo: string;
}

export interface TargetOverrides {
  baseUrl?: string;
  owner?: string;
  repo?: string;
  remote?: string;
}

/** Picks the remote and owner/repo: explicit settings win; otherwise the remote on the API's host (`origin` first). */
export function pickGithubTarget(remotes: readonly RemoteEntry[], o: TargetOverrides): GithubTarget {
  const host = gitHostOf(o.baseUrl ?? DEFAULT_GITHUB_API);
  const explicit = o.owner && o.repo ? { owner: o.owner, repo: o.repo } : null;
  if (o.remote) {
    const r = remotes.find((x) => x.name === o.remote);
    if (!r)
      throw new GithubError(
        `there is no git remote named "${o.remote}" (remotes: ${remotes.map((x) => x.name).join(', ') || 'none'})`,
        'github_no_remote',
      );
    const parsed = explicit ?? parseRemoteUrl(r.url);
    if (!parsed)
      throw new GithubError(
        `cannot tell the GitHub owner/repo from the URL of remote "${r.name}"; set the owner and repo (quartet.github.owner / quartet.github.repo, or --github-owner/--github-repo)`,
        'github_no_remote',
      );
    return { remote: r.name, remoteUrl: r.url, owner: parsed.owner, repo: parsed.repo };
  }
  const ordered = [...remotes].sort((a, b) => Number(b.name === 'origin') - Number(a.name === 'origin'));
  if (explicit) {
    const same = ordered.find((r) => {
      const p = parseRemoteUrl(r.url);
      return (
        p &&
        p.owner.toLowerCase() === explicit.owner.toLowerCase() &&
        p.repo.toLowerCase() === explicit.repo.toLowerCase()
      );
    });
    const r = same ?? ordered.find((x) => x.name === 'origin');
    if (!r)
      throw new GithubError(
        `no git remote to push ${explicit.owner}/${explicit.repo} to; add one (git remote add origin URL) or name it (--remote)`,
        'github_no_remote',
      );
    return { remote: r.name, remoteUrl: r.url, ...explicit };
  }
  for (const r of ordered) {
    const p = parseRemoteUrl(r.url);
    if (p && p.host === host) return { remote: r.name, remoteUrl: r.url, owner: p.owner, repo: p.repo };
  }
  throw new GithubError(
    `no git remote points at ${host} (remotes: ${remotes.map((r) => `${r.name} ${r.url}`).join(', ') || 'none'}); add a GitHub remote or set the owner, repo and API URL (quartet.github.* settings, or --github-owner/--github-repo/--github-api-url)`,
    'github_no_remote',
  );
}

export async function resolveGithubTarget(repoDir: string, o: TargetOverrides): Promise<GithubTarget> {
  const r = await runGit(repoDir, ['remote', '-v']);
  if (r.code !== 0) throw new GithubError(`git remote -v failed in ${repoDir}: ${r.stderr.trim()}`, 'github_no_remote');
  return pickGithubTarget(parseRemoteList(r.stdout), o);
}
