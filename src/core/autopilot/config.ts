// The Autopilot's typed configuration (SPEC §5.3.1, §5.3.2, §5.3.5 defaults) and its normalization.

import { stateKey } from '../tracker/types';

export type LandPolicy = 'manual' | 'auto';

export interface AutopilotConfig {
  pollIntervalMs: number;
  /** Tracker states that mean "work on this" (compared trimmed + lowercased). */
  activeStates: string[];
  /** Tracker states that mean "done": running work stops and its worktree is archived and removed. */
  terminalStates: string[];
  /** Lowercased labels an issue must all carry to be dispatched or continued. */
  requiredLabels: string[];
  /**
   * Quartet extension (`quartet.trusted_labels`): lowercased labels a maintainer sets to let an issue whose author
   * cannot write to the repository be dispatched. Empty (default): only the author's write access counts.
   */
  trustedLabels: string[];
  /** Issues worked on at once (each may run several attempts). */
  maxConcurrentAgents: number;
  /** Per-state limits; keys lowercased. */
  maxConcurrentByState: Record<string, number>;
  /** Turns one worker session may run on the same thread while the issue stays active. */
  maxTurns: number;
  maxRetryBackoffMs: number;
  /** Quartet extension: parallel attempts per issue (default 1). */
  attemptsPerIssue: number;
  /** Quartet extension: land results by hand (default) or automatically. */
  landPolicy: LandPolicy;
}

export const DEFAULT_AUTOPILOT_CONFIG: AutopilotConfig = {
  pollIntervalMs: 30_000,
  activeStates: ['Todo', 'In Progress'],
  terminalStates: ['Closed', 'Cancelled', 'Canceled', 'Duplicate', 'Done'],
  requiredLabels: [],
  trustedLabels: [],
  maxConcurrentAgents: 10,
  maxConcurrentByState: {},
  maxTurns: 20,
  maxRetryBackoffMs: 300_000,
  attemptsPerIssue: 1,
  landPolicy: 'manual',
};

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

/**
 * Fills defaults and checks types. Per-state limits ignore invalid entries (SPEC §5.3.5); other invalid
 * values are reported as problems (the caller refuses to start) rather than silently replaced.
 */
export function normalizeAutopilotConfig(input: Partial<Record<keyof AutopilotConfig, unknown>>): {
  config: AutopilotConfig;
  problems: string[];
} {
  const problems: string[] = [];
  const c: AutopilotConfig = { ...DEFAULT_AUTOPILOT_CONFIG, maxConcurrentByState: {} };
  for (const k of [
    'pollIntervalMs',
    'maxConcurrentAgents',
    'maxTurns',
    'maxRetryBackoffMs',
    'attemptsPerIssue',
  ] as const) {
    const v = input[k];
    if (v === undefined) continue;
    if (positiveInt(v)) c[k] = v;
    else problems.push(`${k} must be a positive whole number (got ${JSON.stringify(v)})`);
  }
  for (const k of ['activeStates', 'terminalStates', 'requiredLabels', 'trustedLabels'] as const) {
    const v = input[k];
    if (v === undefined) continue;
    if (strings(v))
      c[k] =
        k === 'requiredLabels' || k === 'trustedLabels'
          ? v.map(stateKey).filter((l) => k === 'requiredLabels' || l !== '')
          : v;
    else problems.push(`${k} must be a list of strings`);
  }
  if (input.landPolicy !== undefined) {
    if (input.landPolicy === 'manual' || input.landPolicy === 'auto') c.landPolicy = input.landPolicy;
    else problems.push(`landPolicy must be "manual" or "auto" (got ${JSON.stringify(input.landPolicy)})`);
  }
  const byState = input.maxConcurrentByState;
  if (byState && typeof byState === 'object' && !Array.isArray(byState)) {
    for (const [state, limit] of Object.entries(byState as Record<string, unknown>)) {
      if (positiveInt(limit) && stateKey(state)) c.maxConcurrentByState[stateKey(state)] = limit;
    }
  }
  if (!c.activeStates.some((s) => stateKey(s)))
    problems.push('activeStates is empty: the Autopilot would never pick anything up');
  const overlap = c.activeStates.map(stateKey).filter((s) => s && c.terminalStates.map(stateKey).includes(s));
  if (overlap.length) problems.push(`states both active and terminal: ${overlap.join(', ')}`);
  return { config: c, problems };
}
