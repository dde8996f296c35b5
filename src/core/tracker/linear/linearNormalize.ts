// Linear issue node → NormalizedIssue (pure): priority 0 → null, labels, "blocks" inverse relations, assignment rule.

import { instantOrNull, integerOrNull, normalizeLabels, presentString, stringOrNull } from '../normalize';
import { stateKey, type BlockerRef, type IssueAuthor, type NormalizedIssue } from '../types';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const nodes = (conn: unknown): unknown[] => (isObj(conn) && Array.isArray(conn.nodes) ? conn.nodes : []);

export interface LinearMapping {
  /** Linear user id the work is routed to (`me` already resolved), or null for no assignment rule. */
  assignee: string | null;
  allowUnassigned: boolean;
  /** Terminal state keys: decide whether a blocker without a workflow-state type is resolved. */
  terminalStateKeys: ReadonlySet<string>;
}

/** Workflow-state types of issues nobody has started; blockers only gate these (see docs/trackers.md). */
const NOT_STARTED = new Set(['triage', 'backlog', 'unstarted']);
const RESOLVED = new Set(['completed', 'canceled']);

/**
 * Linear's "A blocks B" relation appears on B as an *inverse* relation of type `blocks` whose `issue` is A.
 * Entries without a usable blocker issue are dropped (best-effort metadata, SPEC §11.3).
 */
export function linearBlockers(raw: Obj): Array<BlockerRef & { stateType: string | null }> {
  const out: Array<BlockerRef & { stateType: string | null }> = [];
  for (const rel of nodes(raw.inverseRelations)) {
    if (!isObj(rel) || typeof rel.type !== 'string' || rel.type.trim().toLowerCase() !== 'blocks' || !isObj(rel.issue))
      continue;
    const b = rel.issue;
    const st = isObj(b.state) ? b.state : {};
    const ref = {
      id: presentString(b.id),
      identifier: presentString(b.identifier),
      state: presentString(st.name),
      stateType: presentString(st.type),
    };
    if (ref.id || ref.identifier) out.push(ref);
  }
  return out;
}

function blockerOpen(b: { state: string | null; stateType: string | null }, terminal: ReadonlySet<string>): boolean {
  if (b.stateType) return !RESOLVED.has(b.stateType);
  if (b.state) return !terminal.has(stateKey(b.state));
  return true; // unknown state: assume it still blocks
}

/**
 * Linear has no repository permission: a full member of the workspace (the team) may instruct an agent; a guest, or
 * an issue with no creator (made by an integration, a customer request or Linear Asks), may not; a trusted label
 * lets the latter run, never a guest's issue.
 */
export function linearAuthor(raw: Obj): IssueAuthor {
  if (!isObj(raw.creator)) return { login: null, role: 'integration', canWrite: false };
  const guest = raw.creator.guest !== false;
  // A guest can label issues in their teams, so a trusted label on a guest's issue is no maintainer's decision.
  return {
    login: presentString(raw.creator.name),
    role: guest ? 'guest' : 'member',
    canWrite: !guest,
    ...(guest ? { setsOwnLabels: true } : {}),
  };
}

/** Null when `id`, `identifier`, `title` or `state.name` is missing or blank. */
export function normalizeLinearIssue(raw: unknown, m: LinearMapping): NormalizedIssue | null {
  if (!isObj(raw)) return null;
  const id = presentString(raw.id);
  const identifier = presentString(raw.identifier);
  const title = presentString(raw.title);
  const stateObj = isObj(raw.state) ? raw.state : {};
  const state = presentString(stateObj.name);
  if (!id || !identifier || !title || !state) return null;

  const stateType = presentString(stateObj.type);
  const assigneeId = isObj(raw.assignee) ? presentString(raw.assignee.id) : null;
  const routed = m.assignee === null || (assigneeId === null ? m.allowUnassigned : assigneeId === m.assignee);
  const blockers = linearBlockers(raw);
  const notStarted = stateType ? NOT_STARTED.has(stateType) : stateKey(state) === 'todo';
  const blocked = notStarted && blockers.some((b) => blockerOpen(b, m.terminalStateKeys));
  // Linear priority: 0 = no priority, 1 urgent … 4 low.
  const priority = integerOrNull(raw.priority);
  return {
    id,
    nativeRef: { issue_id: id, identifier },
    identifier,
    title,
    description: stringOrNull(raw.description),
    priority: priority === 0 ? null : priority,
    state,
    branchName: presentString(raw.branchName),
    url: stringOrNull(raw.url),
    assigneeId,
    labels: normalizeLabels(nodes(raw.labels).map((l) => (isObj(l) ? l.name : null))),
    blockedBy: blockers.map(({ id: bid, identifier: bident, state: bstate }) => ({
      id: bid,
      identifier: bident,
      state: bstate,
    })),
    dispatchable: routed && !blocked,
    author: linearAuthor(raw),
    createdAt: instantOrNull(raw.createdAt),
    updatedAt: instantOrNull(raw.updatedAt),
  };
}
