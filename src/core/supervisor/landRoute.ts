// Reads the GitHub part of POST /api/v1/attempts/<id>/land (`{ pr?: true, github?: { token, … } }`) and …/rework (`{ github? }`).

import type { GithubLandOptions, LandOptions, GithubCredentials } from '../contract/land';
import { UsageError } from '../orchestrator/validation';

const STRINGS = ['token', 'baseUrl', 'owner', 'repo', 'remote'] as const;
const NUMBERS = [
  'maxFixes',
  'pollInitialMs',
  'pollMaxMs',
  'maxWaitMs',
  'noChecksGraceMs',
  'maxRateLimitWaitMs',
] as const;

/** Validates the land options; the token is only passed on, never echoed in an error. */
export function landOptions(body: Record<string, unknown>): LandOptions {
  if (body.pr === undefined || body.pr === false) return {};
  if (body.pr !== true) throw new UsageError('pr must be true or false');
  const g = body.github;
  if (g === undefined || g === null) return { pr: true };
  if (typeof g !== 'object' || Array.isArray(g)) throw new UsageError('github must be an object');
  const src = g as Record<string, unknown>;
  const out: Partial<GithubLandOptions> = {};
  for (const k of STRINGS) {
    if (src[k] === undefined) continue;
    if (typeof src[k] !== 'string') throw new UsageError(`github.${k} must be a string`);
    out[k] = src[k] as string;
  }
  for (const k of NUMBERS) {
    if (src[k] === undefined) continue;
    if (typeof src[k] !== 'number' || !Number.isFinite(src[k]) || (src[k] as number) < 0)
      throw new UsageError(`github.${k} must be a non-negative number`);
    out[k] = src[k] as number;
  }
  if (src.reviewPolicy !== undefined) {
    if (src.reviewPolicy !== 'none' && src.reviewPolicy !== 'approved')
      throw new UsageError('github.reviewPolicy must be none or approved');
    out.reviewPolicy = src.reviewPolicy;
  }
  if (out.baseUrl !== undefined && !/^https?:\/\//.test(out.baseUrl))
    throw new UsageError(`github.baseUrl must be an http(s) URL (got ${out.baseUrl})`);
  return { pr: true, github: { token: out.token ?? '', ...out } };
}

/** `github` of a rework body (`{ token, baseUrl?, owner?, repo? }`), to close a PR an earlier land left open; null without one. */
export function reworkGithub(body: Record<string, unknown>): GithubCredentials | null {
  const g = body.github;
  if (g === undefined || g === null) return null;
  if (typeof g !== 'object' || Array.isArray(g)) throw new UsageError('github must be an object');
  const src = g as Record<string, unknown>;
  const out: GithubCredentials = { token: '' };
  for (const k of ['token', 'baseUrl', 'owner', 'repo'] as const) {
    if (src[k] === undefined) continue;
    if (typeof src[k] !== 'string') throw new UsageError(`github.${k} must be a string`);
    out[k] = src[k] as string;
  }
  if (out.baseUrl !== undefined && !/^https?:\/\//.test(out.baseUrl))
    throw new UsageError(`github.baseUrl must be an http(s) URL (got ${out.baseUrl})`);
  if ((out.owner === undefined) !== (out.repo === undefined))
    throw new UsageError('github.owner and github.repo go together');
  return out.token ? out : null;
}
