// GitHub issue payload → NormalizedIssue (pure): state/label mapping, priority, assignment rule, native_ref.

import { instantOrNull, normalizeLabels, presentString, priorityFromLabels, stringOrNull } from '../normalize';
import type { IssueAuthor, NormalizedIssue } from '../types';
import { canWrite } from '../../github/prState';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface GithubMapping {
  owner: string;
  repo: string;
  /** Ordered (normalized label, state name) pairs; the first label an open issue carries names its state. */
  stateLabels: ReadonlyArray<readonly [string, string]>;
  openState: string;
  closedState: string;
  /** Normalized label → priority, checked before the built-in `p1`/`priority:1` patterns. */
  priorityLabels: ReadonlyMap<string, number>;
  /** Lowercased login the work is routed to, or null for no assignment rule. */
  assignee: string | null;
  /** With an assignee rule: may unassigned open issues be dispatched? */
  allowUnassigned: boolean;
}

/** The issues API also lists pull requests; they carry a `pull_request` key and are never tasks. */
export function isPullRequest(raw: unknown): boolean {
  return isObj(raw) && 'pull_request' in raw;
}

/** True when the payload belongs to the configured repository (a transferred issue redirects elsewhere). */
export function inRepository(raw: unknown, owner: string, repo: string): boolean {
  if (!isObj(raw) || typeof raw.repository_url !== 'string') return true; // not present: trust the request path
  return raw.repository_url.toLowerCase().endsWith(`/repos/${owner}/${repo}`.toLowerCase());
}

function logins(raw: Obj): string[] {
  const all = [raw.assignee, ...(Array.isArray(raw.assignees) ? raw.assignees : [])];
  return [
    ...new Set(all.map((a) => (isObj(a) ? presentString(a.login) : null)).filter((l): l is string => l !== null)),
  ];
}

/** `user.login` and `author_association` of an issue, PR, review or comment payload; anything missing means no write access. */
export function githubAuthor(raw: unknown): IssueAuthor {
  const o = isObj(raw) ? raw : {};
  const role = presentString(o.author_association)?.trim().toUpperCase() ?? null;
  return {
    login: isObj(o.user) ? presentString(o.user.login) : null,
    role,
    canWrite: canWrite(role),
  };
}

function stateOf(providerState: 'open' | 'closed', labels: string[], m: GithubMapping): string {
  if (providerState === 'closed') return m.closedState;
  for (const [label, state] of m.stateLabels) if (labels.includes(label)) return state;
  return m.openState;
}

/** Null when the record lacks what a NormalizedIssue requires (number, title, open/closed state). */
export function normalizeGithubIssue(raw: unknown, m: GithubMapping): NormalizedIssue | null {
  if (!isObj(raw)) return null;
  const num = raw.number;
  const title = presentString(raw.title);
  const providerState = raw.state === 'open' || raw.state === 'closed' ? raw.state : null;
  if (typeof num !== 'number' || !Number.isSafeInteger(num) || num <= 0 || !title || !providerState) return null;

  // GitHub sends label objects; some payloads (and older APIs) use bare strings.
  const rawLabels = Array.isArray(raw.labels) ? raw.labels : [];
  const labels = normalizeLabels(rawLabels.map((l) => (isObj(l) ? l.name : l)));
  const assigned = logins(raw);
  const routed =
    m.assignee === null ||
    (assigned.length === 0 ? m.allowUnassigned : assigned.some((l) => l.toLowerCase() === m.assignee));
  const nodeId = presentString(raw.node_id);
  return {
    id: String(num),
    nativeRef: { owner: m.owner, repo: m.repo, number: num, node_id: nodeId },
    identifier: `#${num}`,
    title,
    description: stringOrNull(raw.body),
    priority: priorityFromLabels(labels, m.priorityLabels),
    state: stateOf(providerState, labels, m),
    branchName: null,
    url: stringOrNull(raw.html_url),
    assigneeId: assigned[0] ?? null,
    labels,
    // GitHub has no reliable blocker relation on the issues API ("blocked by" is prose or a project field).
    blockedBy: [],
    dispatchable: providerState === 'open' && routed,
    author: githubAuthor(raw),
    createdAt: instantOrNull(raw.created_at),
    updatedAt: instantOrNull(raw.updated_at),
  };
}
