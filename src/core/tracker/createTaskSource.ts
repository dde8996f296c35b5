// Builds the TaskSource for a tracker config (`local`, `github`, `linear`); the WORKFLOW.md loader maps onto TrackerConfig.

import { createGithubIssuesSource } from './github/githubIssues';
import { createLinearSource } from './linear/linear';
import { createLocalSource, type LocalTask } from './localSource';
import type { SecretDeps } from './secretRef';
import { resolveTrackerSettings } from './trackerSettings';
import { TrackerError, type TaskSource } from './types';

/**
 * SPEC §5.3.1 `tracker`, camelCased. `provider` holds the adapter-owned keys exactly as written in WORKFLOW.md
 * (snake_case; camelCase is accepted too) — see docs/trackers.md for each kind's keys and defaults.
 */
export interface TrackerConfig {
  /** `local` | `github` | `linear`. */
  kind: string;
  provider?: Record<string, unknown>;
  /** Applied by the scheduler (GitHub can also send them as a server-side pre-filter: `label_prefilter`). */
  requiredLabels?: string[];
  /** Omitted: the adapter profile's defaults (see `effectiveTrackerStates`). */
  activeStates?: string[];
  terminalStates?: string[];
}

export interface TrackerDeps extends SecretDeps {
  /** The orchestrator's tasks, for kind `local`. */
  localTasks?: () => readonly LocalTask[] | Promise<readonly LocalTask[]>;
  /** Where adapters report omitted malformed records and config warnings (default: console.warn). */
  warn?: (message: string) => void;
}

/**
 * Validates `config` and returns its TaskSource. Throws `unsupported_tracker_kind` or `invalid_tracker_config`
 * at once; a missing credential surfaces as `missing_tracker_secret` from `preflight()` or the first read.
 */
export function createTaskSource(config: TrackerConfig, deps: TrackerDeps): TaskSource {
  const s = resolveTrackerSettings(config, deps);
  switch (s.kind) {
    case 'local':
      if (!deps.localTasks)
        throw new TrackerError(
          'invalid_tracker_config',
          'tracker.kind "local" needs the orchestrator task list (TrackerDeps.localTasks).',
        );
      return createLocalSource(deps.localTasks);
    case 'github':
      return createGithubIssuesSource(s.github);
    case 'linear':
      return createLinearSource(s.linear);
  }
}

/** Active and terminal state names after applying the adapter profile's defaults. */
export function effectiveTrackerStates(
  config: TrackerConfig,
  deps: TrackerDeps,
): { activeStates: string[]; terminalStates: string[] } {
  const { activeStates, terminalStates } = resolveTrackerSettings(config, { ...deps, warn: () => {} });
  return { activeStates, terminalStates };
}
