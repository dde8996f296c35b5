// WORKFLOW.md's `tracker:` bound to the tracker adapters: TrackerConfig, the credentials it reads, the full dispatch preflight.

import { createTaskSource, type TrackerConfig, type TrackerDeps } from '../tracker/createTaskSource';
import type { CredentialNeeds } from '../tracker/credentials';
import { hostConsentMessage, needsHostConsent } from '../config/endpointPolicy';
import { DEFAULT_GITHUB_API } from '../github/githubClient';
import { GITHUB_TOKEN_ENV, LINEAR_KEY_ENV, resolveTrackerSettings } from '../tracker/trackerSettings';
import { TrackerError } from '../tracker/types';
import { dispatchPreflight, type PreflightProblem } from './preflight';
import type { TrackerSettings, WorkflowDefinition } from './types';

/** Provider keys that hold a credential: the adapters resolve these themselves (at request time, host-side). */
const CREDENTIAL_KEYS = ['token', 'api_key', 'apiKey'];

/**
 * The adapter's config. The loader already resolved `$VAR` values with the supervisor's environment, where built-in
 * secret names are absent; credential keys get their `$VAR` reference back so the adapter reads the variable from the
 * credentials a client sent (SPEC §5.3.1: an unset or empty variable is missing, with no fallback).
 */
export function trackerConfigOf(t: TrackerSettings): TrackerConfig | null {
  if (!t.kind) return null;
  const provider: Record<string, unknown> = { ...t.provider };
  for (const [key, name] of Object.entries(t.providerEnvRefs))
    if (CREDENTIAL_KEYS.includes(key)) provider[key] = `$${name}`;
  return {
    kind: t.kind,
    provider,
    requiredLabels: t.requiredLabels,
    ...(t.activeStates ? { activeStates: t.activeStates } : {}),
    ...(t.terminalStates ? { terminalStates: t.terminalStates } : {}),
  };
}

type Endpoint = NonNullable<CredentialNeeds['endpoints']>[number];

/** Where the tracker's token (and a land as PR's) would go; [] for a config the adapters would reject anyway. */
export function trackerEndpoints(config: TrackerConfig | null, landPr: boolean): Endpoint[] {
  const out: Endpoint[] = [];
  try {
    const s = config ? resolveTrackerSettings(config, { env: {}, warn: () => {} }) : null;
    if (s?.kind === 'github') out.push({ provider: 'github', url: s.github.baseUrl });
    if (s?.kind === 'linear') out.push({ provider: 'linear', url: s.linear.endpoint });
  } catch {
    // Invalid config: Start reports the config error itself, and nothing is sent.
  }
  if (landPr && !out.some((e) => e.provider === 'github')) out.push({ provider: 'github', url: DEFAULT_GITHUB_API });
  return out;
}

/** The first endpoint the sender has not agreed to (a non-default, non-loopback host), as a refusal message; null when none. */
export function hostConsentProblem(
  endpoints: readonly Endpoint[],
  allowedHosts: readonly string[] | undefined,
): string | null {
  const e = endpoints.find((x) => needsHostConsent(x.provider, x.url, allowedHosts));
  return e ? hostConsentMessage(e.provider, e.url) : null;
}

/** Names (never values) of what the tracker and a land as PR read: clients send these on Start Autopilot. */
export function credentialNeedsOf(def: WorkflowDefinition | null): CredentialNeeds | null {
  const t = def?.config.tracker;
  const kind = t?.kind?.trim().toLowerCase();
  if (!def || !t || !kind) return null;
  const keys = new Set<string>();
  const names = new Set<string>(Object.values(t.providerEnvRefs));
  const github = (): void => {
    keys.add('github');
    GITHUB_TOKEN_ENV.forEach((n) => names.add(n));
  };
  if (kind === 'github') github();
  if (kind === 'linear') {
    keys.add('linear');
    LINEAR_KEY_ENV.forEach((n) => names.add(n));
  }
  const landPr = def.config.quartet.land.policy === 'auto' && def.config.quartet.land.pr;
  if (landPr) github();
  return { secretKeys: [...keys], envNames: [...names], endpoints: trackerEndpoints(trackerConfigOf(t), landPr) };
}

/**
 * SPEC §6.3 with the adapters: kind known, provider accepted by the selected adapter, codex.command set, and (async)
 * a credential present — checked without a request. Messages name where a credential may come from, never a value.
 */
export async function trackerPreflight(def: WorkflowDefinition, deps: TrackerDeps): Promise<PreflightProblem[]> {
  const quiet = { ...deps, warn: () => {} };
  const problems = dispatchPreflight(def, {
    validateProvider: (tracker) => {
      const config = trackerConfigOf(tracker);
      if (config) resolveTrackerSettings(config, quiet);
    },
  });
  const config = trackerConfigOf(def.config.tracker);
  if (problems.length || !config) return problems;
  try {
    await createTaskSource(config, { ...quiet, localTasks: deps.localTasks ?? (() => []) }).preflight?.();
  } catch (err) {
    if (!(err instanceof TrackerError)) throw err;
    problems.push({ code: err.category, message: err.message });
  }
  return problems;
}
