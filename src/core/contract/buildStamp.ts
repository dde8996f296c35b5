// Which Quartet build this bundle is (API version + build id) and how clients and the supervisor tell each other.

import type { IncomingHttpHeaders } from 'node:http';
import type { BuildStamp } from './hello';

/**
 * The version of the supervisor's HTTP API that clients and supervisor must share.
 * Bump it when a client of the new code could misbehave against a supervisor of the old code, or the
 * reverse: a route removed or renamed, a request or reply field removed, renamed, retyped or given
 * another meaning. Adding a route or an optional field the other side may ignore is not a bump (an old
 * supervisor answers an unknown route with a clear 404). A busy supervisor of another API version is
 * refused, never used (client/handshake.ts).
 */
export const API_VERSION = 1;

// Set by scripts/build.mjs (esbuild `define`) in every bundle of one build: extension, CLI, supervisor, tests.
declare const __QUARTET_BUILD_ID__: string | undefined;
declare const __QUARTET_BUILT_AT__: string | undefined;

/** This bundle's stamp; code run without the build script (never shipped) is `dev`, built at the epoch. */
export function currentBuild(): BuildStamp {
  return {
    apiVersion: API_VERSION,
    buildId: typeof __QUARTET_BUILD_ID__ === 'string' ? __QUARTET_BUILD_ID__ : 'dev',
    builtAt: typeof __QUARTET_BUILT_AT__ === 'string' ? __QUARTET_BUILT_AT__ : new Date(0).toISOString(),
  };
}

/** Every client request carries its build in these headers (Node lowercases header names). */
export const HEADER_API = 'x-quartet-api-version';
export const HEADER_BUILD = 'x-quartet-build';
export const HEADER_BUILT_AT = 'x-quartet-built-at';

export function stampHeaders(stamp: BuildStamp): Record<string, string> {
  return { [HEADER_API]: String(stamp.apiVersion), [HEADER_BUILD]: stamp.buildId, [HEADER_BUILT_AT]: stamp.builtAt };
}

/** The client's stamp from a request's headers, or null when it sent none (a client from before the handshake). */
export function stampFromHeaders(headers: IncomingHttpHeaders): BuildStamp | null {
  const one = (name: string): string | undefined => {
    const v = headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const apiVersion = Number(one(HEADER_API));
  const buildId = one(HEADER_BUILD);
  const builtAt = one(HEADER_BUILT_AT);
  if (!Number.isInteger(apiVersion) || !buildId || !builtAt || Number.isNaN(Date.parse(builtAt))) return null;
  return { apiVersion, buildId, builtAt };
}

/** `a` is another build than `b`, made later. Same id: same sources, whatever the time. */
export function isNewerBuild(
  a: Pick<BuildStamp, 'buildId' | 'builtAt'>,
  b: Pick<BuildStamp, 'buildId' | 'builtAt'>,
): boolean {
  return a.buildId !== b.buildId && Date.parse(a.builtAt) > Date.parse(b.builtAt);
}
