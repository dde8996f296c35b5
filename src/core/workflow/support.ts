// What Quartet does with each WORKFLOW.md key it parses but does not act on for local tasks (shown by `workflow validate`).

import type { WorkflowDefinition } from './types';

export interface UnsupportedKey {
  key: string;
  reason: string;
}

const AUTOPILOT = 'read by Autopilot (tracker-driven runs); local tasks do not use it';

/** Key (or `prefix.*`) → why it has no effect on a local task. docs/workflow.md explains each. */
export const UNSUPPORTED_KEYS: Record<string, string> = {
  'tracker.*': AUTOPILOT,
  'polling.interval_ms': AUTOPILOT,
  'agent.max_concurrent_agents_by_state': `${AUTOPILOT} (local tasks have no tracker state)`,
  'agent.max_turns': 'Quartet runs one Codex turn per attempt run; continuation turns belong to Autopilot',
  'quartet.land.policy': AUTOPILOT,
  'quartet.land.pr': 'landing as a GitHub pull request is not built yet; lands are local',
};

export function unsupportedKeys(def: WorkflowDefinition): UnsupportedKey[] {
  const out: UnsupportedKey[] = [];
  const seen = new Set<string>();
  for (const key of def.present) {
    for (const [pattern, reason] of Object.entries(UNSUPPORTED_KEYS)) {
      const hit = pattern.endsWith('.*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern || key.startsWith(`${pattern}.`);
      const label = pattern.endsWith('.*') ? pattern.slice(0, -2) : pattern;
      if (hit && !seen.has(label)) {
        seen.add(label);
        out.push({ key: label, reason });
      }
    }
  }
  return out;
}
