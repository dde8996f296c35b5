// Scrubbing secrets from free text (evidence, PR feedback): the declared values plus anything that looks like a token.

import { redact, secretValues } from './secrets';

export const REDACTED = '[REDACTED]';

/** Token formats that are secret whatever variable they came from. */
const TOKEN_PATTERNS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bsk-[A-Za-z0-9_-]{16,}\b/g,
  /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
];
/** `token=…`, `password: …`, `api_key="…"`: keep the key (it explains the line), drop the value. */
const ASSIGNED =
  /\b((?:access[_-]?|auth[_-]?|api[_-]?)?(?:token|password|passwd|pwd|secret|api[_-]?key))(\s*[=:]\s*["']?)([^\s"'&,;]{6,})/gi;
/** `Authorization: Bearer …` / `Basic …` / `token …`, also inside `-H 'Authorization: …'`. */
const AUTH_HEADER = /\b(authorization\s*:\s*(?:bearer|basic|token)?\s*)([A-Za-z0-9._~+/=-]{6,})/gi;
/** Credentials in URLs: https://user:secret@host. */
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)([^\s/@]+)(@)/gi;

/** A scrubber for one run: the declared secret values from `env` plus token-looking strings. */
export function makeScrubber(
  env: NodeJS.ProcessEnv = {},
  extraNames: readonly string[] = [],
): (text: string) => string {
  const values = secretValues(env, extraNames);
  return (text: string): string => {
    let out = redact(text, values);
    for (const re of TOKEN_PATTERNS) out = out.replace(re, REDACTED);
    out = out.replace(AUTH_HEADER, (_m, key: string) => `${key}${REDACTED}`);
    out = out.replace(ASSIGNED, (_m, key: string, sep: string) => `${key}${sep}${REDACTED}`);
    return out.replace(URL_CREDENTIALS, (_m, head: string, _secret: string, at: string) => `${head}${REDACTED}${at}`);
  };
}
