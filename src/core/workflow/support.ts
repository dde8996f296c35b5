// WORKFLOW.md keys Quartet parses but does not act on (shown by `workflow validate`); none since Autopilot reads the rest.

import type { WorkflowDefinition } from './types';

export interface UnsupportedKey {
  key: string;
  reason: string;
}

/**
 * Key (or `prefix.*`) → why Quartet ignores it although it parses it. Empty: `tracker.*`, `polling`, per-state limits,
 * `max_turns` and `quartet.land.{policy,pr}` are read by the Autopilot (docs/workflow.md says which keys only it uses).
 */
export const UNSUPPORTED_KEYS: Record<string, string> = {};

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
