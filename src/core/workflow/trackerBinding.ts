// WORKFLOW.md's `tracker:` bound to the tracker adapters: TrackerConfig, the credentials it reads, the full dispatch preflight.

import { createTaskSource, type TrackerConfig, type TrackerDeps } from '../tracker/createTaskSource';
import type { CredentialNeeds } from '../tracker/credentials';
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
  for (const [key, name] of Object.entries(t.providerEnvRefs)) if (CREDENTIAL_KEYS.includes(key)) provider[key] = `$${name}`;
  return {
    kind: t.kind,
    provider,
    requiredLabels: t.requiredLabels,
    ...(t.activeStates ? { activeStates: t.activeStates } : {}),
    ...(t.terminalStates ? { terminalStates: t.terminalStates } : {}),
  };
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
  if (def.config.quartet.land.policy === 'auto' && def.config.quartet.land.pr) github();
  return { secretKeys: [...keys], envNames: [...names] };
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
