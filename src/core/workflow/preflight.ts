// Dispatch preflight (SPEC §6.3): can the scheduler poll and launch with this workflow? Separate from loading.

import { TrackerError, type TrackerErrorCategory } from '../tracker/types';
import { TRACKER_KINDS } from '../tracker/trackerSettings';
import type { TrackerSettings, WorkflowDefinition } from './types';

export type PreflightCode = TrackerErrorCategory | 'missing_tracker_kind' | 'missing_codex_command';

export interface PreflightProblem {
  code: PreflightCode;
  message: string;
}

export interface PreflightOptions {
  /** Tracker kinds this build has adapters for (default: the adapter registry, `TRACKER_KINDS`). */
  supportedTrackerKinds?: readonly string[];
  /** The selected adapter's check of `tracker.provider` (after `$VAR` resolution); throws a TrackerError when it rejects it. */
  validateProvider?: (tracker: TrackerSettings & { kind: string }) => void;
}

/** Every problem, not just the first: the operator fixes them in one edit. Template errors are not here: they fail only the run (§5.5). */
export function dispatchPreflight(def: WorkflowDefinition, opts: PreflightOptions = {}): PreflightProblem[] {
  const problems: PreflightProblem[] = [];
  const kinds = opts.supportedTrackerKinds ?? TRACKER_KINDS;
  const { tracker, codex } = def.config;
  if (!tracker.kind) {
    problems.push({
      code: 'missing_tracker_kind',
      message: 'tracker.kind is missing; set it to one of ' + kinds.join(', '),
    });
  } else if (!kinds.includes(tracker.kind.trim().toLowerCase())) {
    problems.push({
      code: 'unsupported_tracker_kind',
      message: `tracker.kind "${tracker.kind}" is not supported (supported: ${kinds.join(', ')})`,
    });
  } else if (opts.validateProvider) {
    try {
      opts.validateProvider({ ...tracker, kind: tracker.kind });
    } catch (err) {
      if (!(err instanceof TrackerError)) throw err;
      problems.push({ code: err.category, message: err.message });
    }
  }
  if (!codex.command.trim())
    problems.push({
      code: 'missing_codex_command',
      message: 'codex.command is empty; remove it (default "codex app-server") or give a command',
    });
  return problems;
}
