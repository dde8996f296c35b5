// Tasks made from tracker issues: the `source` a launch may carry, checked, and the task key derived from the identifier.

import type { TaskIssueSource } from '../../shared/autopilot';
import { slugify } from './ids';
import { UsageError } from './validation';

const MAX_FIELD = 2000;

function field(v: unknown, name: string, nullable = false): string | null {
  if (v === null || v === undefined) {
    if (nullable) return null;
    throw new UsageError(`source.${name} is required for a task made from an issue`);
  }
  if (typeof v !== 'string' || (!nullable && !v.trim()) || v.length > MAX_FIELD)
    throw new UsageError(`source.${name} must be a non-empty string of at most ${MAX_FIELD} characters`);
  return v;
}

/** Validates what a client sent as `source`; only http(s) links are kept. */
export function validateIssueSource(v: unknown): TaskIssueSource {
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw new UsageError('source must be an object {kind, issueId, identifier, url, state}');
  const s = v as Record<string, unknown>;
  const url = field(s.url, 'url', true);
  return {
    kind: field(s.kind, 'kind') as string,
    issueId: field(s.issueId, 'issueId') as string,
    identifier: field(s.identifier, 'identifier') as string,
    url: url && /^https?:\/\//i.test(url) ? url : null,
    state: field(s.state, 'state') as string,
  };
}

/**
 * `<slug of "identifier title" ≤ 40>-<8 hex of the task id>`: the identifier leads so worktrees and
 * branches (`quartet/42-fix-the-greeter-1a2b3c4d/1`) are found by issue; the id suffix keeps it unique
 * and path-safe whatever the identifier contains.
 */
export function issueTaskKey(identifier: string, title: string, taskId: string): string {
  return `${slugify(`${identifier} ${title}`)}-${taskId.replace(/^t-/, '').slice(0, 8)}`;
}
