// TrackerConfig → validated adapter settings (one snapshot shared by the TaskSource and the agent tools).

import type { TrackerConfig, TrackerDeps } from './createTaskSource';
import type { GithubIssuesOptions } from './github/githubIssues';
import { DEFAULT_GITHUB_API } from '../github/githubClient';
import type { LinearOptions } from './linear/linear';
import { LINEAR_API_URL } from './linear/linearClient';
import { LOCAL_ACTIVE_STATES, LOCAL_TERMINAL_STATES } from './localSource';
import { hostConsentMessage, needsHostConsent, type TokenProvider } from '../config/endpointPolicy';
import { ProviderKeys } from './providerKeys';
import { envReference, tokenResolver } from './secretRef';
import { TrackerError } from './types';

export const TRACKER_KINDS = ['local', 'github', 'linear'] as const;

export const GITHUB_TOKEN_ENV = ['QUARTET_GITHUB_TOKEN', 'GITHUB_TOKEN', 'GH_TOKEN'];
export const LINEAR_KEY_ENV = ['LINEAR_API_KEY'];
export const LINEAR_DEFAULT_ACTIVE = ['Todo', 'In Progress'];
export const LINEAR_DEFAULT_TERMINAL = ['Closed', 'Cancelled', 'Canceled', 'Duplicate', 'Done'];

export type TrackerSettings =
  | { kind: 'local'; activeStates: string[]; terminalStates: string[] }
  | {
      kind: 'github';
      activeStates: string[];
      terminalStates: string[];
      github: GithubIssuesOptions & { baseUrl: string };
    }
  | { kind: 'linear'; activeStates: string[]; terminalStates: string[]; linear: LinearOptions & { endpoint: string } };

function stateList(v: unknown, key: string, fallback: string[]): string[] {
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string'))
    throw new TrackerError('invalid_tracker_config', `tracker.${key} must be a list of state names.`);
  return v as string[];
}

function literalWarning(keys: ProviderKeys, key: string, warn: (m: string) => void): void {
  const v = keys.raw(key);
  if (typeof v === 'string' && v.trim() && !envReference(v)) {
    warn(
      `tracker.provider.${key} holds a literal credential; an agent that can read the workspace can read it. Prefer a $VAR reference.`,
    );
  }
}

/**
 * The token only for a host its sender agreed to: checked each time it is read, just before a request carries it,
 * so every path (polls, agent tools, a land as PR) is covered.
 */
function guarded(
  provider: TokenProvider,
  url: string,
  deps: TrackerDeps,
  getToken: () => Promise<string | null>,
): () => Promise<string | null> {
  return async () => {
    if (needsHostConsent(provider, url, deps.allowedHosts))
      throw new TrackerError('untrusted_tracker_host', hostConsentMessage(provider, url));
    return getToken();
  };
}

/** Validates the config (no network, no secret read) and fills adapter-profile defaults (docs/trackers.md). */
export function resolveTrackerSettings(config: TrackerConfig, deps: TrackerDeps): TrackerSettings {
  const given = typeof config?.kind === 'string' ? config.kind.trim().toLowerCase() : '';
  if (!given)
    throw new TrackerError(
      'invalid_tracker_config',
      `tracker.kind is missing: set it to one of ${TRACKER_KINDS.join(', ')}.`,
    );
  const kind = TRACKER_KINDS.find((k) => k === given);
  if (!kind)
    throw new TrackerError(
      'unsupported_tracker_kind',
      `tracker.kind "${config.kind}" is not supported: use one of ${TRACKER_KINDS.join(', ')}.`,
    );
  const provider = config.provider ?? {};
  if (typeof provider !== 'object' || Array.isArray(provider))
    throw new TrackerError('invalid_tracker_config', 'tracker.provider must be a map of settings.');
  const keys = new ProviderKeys(provider);
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  let settings: TrackerSettings;

  if (kind === 'local') {
    settings = {
      kind,
      activeStates: stateList(config.activeStates, 'active_states', LOCAL_ACTIVE_STATES),
      terminalStates: stateList(config.terminalStates, 'terminal_states', LOCAL_TERMINAL_STATES),
    };
  } else if (kind === 'github') {
    const repoKey = keys.string('repo', 'the repository as "owner/name" (or set owner + repo).') ?? '';
    const ownerKey = keys.string('owner');
    const [owner, repo] = ownerKey ? [ownerKey, repoKey] : repoKey.split('/');
    const part = /^[A-Za-z0-9_.-]+$/;
    if (!owner || !repo || !part.test(owner) || !part.test(repo)) {
      throw new TrackerError(
        'invalid_tracker_config',
        `tracker.provider.repo must be "owner/name" (got "${repoKey}"${ownerKey ? ` with owner "${ownerKey}"` : ''}).`,
      );
    }
    literalWarning(keys, 'token', warn);
    const token = tokenResolver(keys.raw('token'), 'tracker.provider.token', 'github', GITHUB_TOKEN_ENV, deps);
    const stateLabels = keys.stringMap('state_labels');
    const openState = keys.string('open_state') ?? 'open';
    const closedState = keys.string('closed_state') ?? 'closed';
    const baseUrl = keys.url('endpoint') ?? DEFAULT_GITHUB_API;
    const github = {
      baseUrl,
      owner,
      repo,
      getToken: guarded('github', baseUrl, deps, token.getToken),
      tokenWhere: token.where,
      secretEnvNames: token.envNames,
      requiredLabels: config.requiredLabels ?? [],
      labelPrefilter: keys.bool('label_prefilter') ?? false,
      stateLabels,
      openState,
      closedState,
      assignee: keys.string('assignee') ?? null,
      allowUnassigned: keys.bool('allow_unassigned') ?? true,
      priorityLabels: Object.fromEntries(keys.intMap('priority_labels')),
      pageSize: keys.int('page_size', 1, 100),
      maxPages: keys.int('max_pages', 1, 10_000),
      timeoutMs: keys.int('timeout_ms', 1, 600_000),
      warn,
    };
    const active = [...new Set([openState, ...stateLabels.map(([, s]) => s)])];
    settings = {
      kind,
      github,
      activeStates: stateList(config.activeStates, 'active_states', active),
      terminalStates: stateList(config.terminalStates, 'terminal_states', [closedState]),
    };
  } else {
    const projectSlug =
      keys.string('project_slug', "the Linear project's slugId (the short id at the end of the project URL).") ?? '';
    literalWarning(keys, 'api_key', warn);
    const key = tokenResolver(keys.raw('api_key'), 'tracker.provider.api_key', 'linear', LINEAR_KEY_ENV, deps);
    const terminalStates = stateList(config.terminalStates, 'terminal_states', LINEAR_DEFAULT_TERMINAL);
    const endpoint = keys.url('endpoint') ?? LINEAR_API_URL;
    const linear = {
      endpoint,
      projectSlug,
      getApiKey: guarded('linear', endpoint, deps, key.getToken),
      keyWhere: key.where,
      secretEnvNames: key.envNames,
      assignee: keys.string('assignee') ?? null,
      allowUnassigned: keys.bool('allow_unassigned') ?? true,
      terminalStates,
      pageSize: keys.int('page_size', 1, 250),
      maxPages: keys.int('max_pages', 1, 10_000),
      timeoutMs: keys.int('timeout_ms', 1, 600_000),
      warn,
    };
    settings = {
      kind,
      linear,
      activeStates: stateList(config.activeStates, 'active_states', LINEAR_DEFAULT_ACTIVE),
      terminalStates,
    };
  }
  const unknown = keys.unknownKeys();
  if (unknown.length) warn(`tracker.provider: ignoring key(s) ${unknown.join(', ')} (not used by kind ${kind}).`);
  return settings;
}
