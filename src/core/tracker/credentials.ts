// Tracker credentials a client hands the supervisor on Start Autopilot: what it needs (names only) and what is sent (values).
//
import type { TrackerCredentials } from '../contract/replies';
// The supervisor's own environment has the built-in secret names removed, so `GITHUB_TOKEN` & co. never reach it
// that way: VS Code reads its SecretStorage and the CLI its environment, and each sends the values with the start
// request. The supervisor keeps them in memory only (never state.json, journals or logs) and never passes them on
// to an agent's environment.

/** What the configured tracker (and a land as PR) reads: published in the Autopilot snapshot so clients send just that. */
export interface CredentialNeeds {
  /** Secret-storage keys, e.g. `["github"]`. */
  secretKeys: string[];
  /** Environment variable names, e.g. `["ACME_TOKEN", "QUARTET_GITHUB_TOKEN", "GITHUB_TOKEN", "GH_TOKEN"]`. */
  envNames: string[];
  /** Where each token would be sent (the tracker's endpoint, or the provider's default): clients confirm a new host first. */
  endpoints?: Array<{ provider: 'github' | 'linear'; url: string }>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_VALUE = 16 * 1024;

/** Picks the needed variables out of a client's environment (empty values are left out: they count as unset). */
export function credentialsFromEnv(
  needs: CredentialNeeds | null | undefined,
  env: NodeJS.ProcessEnv,
  secrets: Record<string, string> = {},
  hosts: string[] = [],
): TrackerCredentials {
  const picked: Record<string, string> = {};
  for (const name of needs?.envNames ?? []) {
    const v = env[name];
    if (v && v.trim()) picked[name] = v;
  }
  const stored = Object.fromEntries(
    Object.entries(secrets).filter(([k, v]) => (needs?.secretKeys ?? []).includes(k) && v && v.trim()),
  );
  return { secrets: stored, env: picked, ...(hosts.length ? { hosts } : {}) };
}

/** Checks what a client sent; returns null for an absent field and throws (with a message naming no value) for a bad one. */
export function parseCredentials(v: unknown): TrackerCredentials | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error('credentials must be an object {secrets?, env?}');
  const out: TrackerCredentials = {};
  const hosts = (v as Record<string, unknown>).hosts;
  if (hosts !== undefined && hosts !== null) {
    if (!Array.isArray(hosts) || hosts.length > 64 || hosts.some((h) => typeof h !== 'string' || h.length > 255))
      throw new Error('credentials.hosts must be a list of host names');
    out.hosts = hosts as string[];
  }
  for (const field of ['secrets', 'env'] as const) {
    const m = (v as Record<string, unknown>)[field];
    if (m === undefined || m === null) continue;
    if (typeof m !== 'object' || Array.isArray(m)) throw new Error(`credentials.${field} must be a map of strings`);
    const entries = Object.entries(m as Record<string, unknown>);
    for (const [k, value] of entries) {
      if (!NAME.test(k)) throw new Error(`credentials.${field}: "${k.slice(0, 60)}" is not a valid name`);
      if (typeof value !== 'string' || value.length > MAX_VALUE)
        throw new Error(`credentials.${field}.${k} must be a string`);
    }
    out[field] = Object.fromEntries(entries) as Record<string, string>;
  }
  return out;
}

/** Every value, for redaction (short values are ignored by the redactor). */
export function credentialValues(c: TrackerCredentials | null | undefined): string[] {
  return [...Object.values(c?.secrets ?? {}), ...Object.values(c?.env ?? {})].filter((v) => v.trim().length > 0);
}

/** True when the client sent nothing usable. */
export function isEmptyCredentials(c: TrackerCredentials | null | undefined): boolean {
  return credentialValues(c).length === 0;
}
