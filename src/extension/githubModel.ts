// Pure reading of the `quartet.github.*` settings and what a "Land as Pull Request" step shows.

import type { GithubLandOptions } from '../core/contract/land';
import type { LandProgress } from '../shared/model';
import { endpointProblem } from '../core/config/endpointPolicy';
import type { SettingReader } from './settingsModel';

export type GithubSettings = Omit<GithubLandOptions, 'token'>;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** Why `quartet.github.apiUrl` cannot carry the token (plain http off this machine, not a URL), or null. */
export function apiUrlProblem(read: SettingReader): string | null {
  const baseUrl = str(read('github.apiUrl'));
  return baseUrl ? endpointProblem(baseUrl) : null;
}

/**
 * API URL, owner/repo (both or neither), review policy, fix cap; invalid values are left out (defaults apply).
 * An API URL that fails the endpoint rule is left out too; Land as PR reports it (apiUrlProblem) instead of using the default.
 */
export function githubSettings(read: SettingReader): GithubSettings {
  const out: GithubSettings = {};
  const baseUrl = str(read('github.apiUrl'));
  if (baseUrl && endpointProblem(baseUrl) === null) out.baseUrl = baseUrl.replace(/\/+$/, '');
  const owner = str(read('github.owner'));
  const repo = str(read('github.repo'));
  if (owner && repo) Object.assign(out, { owner, repo });
  const policy = read('github.reviewPolicy');
  if (policy === 'none' || policy === 'approved') out.reviewPolicy = policy;
  const fixes = read('github.maxFixes');
  if (typeof fixes === 'number' && Number.isInteger(fixes) && fixes >= 0 && fixes <= 10) out.maxFixes = fixes;
  return out;
}

/** Settings alone make "Land as Pull Request" available (a GitHub Enterprise or a repo whose remote is not on GitHub). */
export function configuredBySettings(s: GithubSettings): boolean {
  return !!s.baseUrl || (!!s.owner && !!s.repo);
}

/** One line for the progress notification: `fix — fix turn failing checks: ci (PR #4)`. */
export function landingLine(l: LandProgress): string {
  const last = [...l.steps].reverse().find((s) => s.step === l.step) ?? l.steps[l.steps.length - 1];
  const pr = l.pr ? ` (PR #${l.pr.number})` : '';
  return `${l.step}${last?.detail ? ` — ${last.detail}` : ''}${pr}`;
}

/** Only http(s) links from the supervisor are opened. */
export function safeLink(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : null;
  } catch {
    return null;
  }
}
