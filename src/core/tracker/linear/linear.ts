// Linear as a TaskSource (kind `linear`): issues of one project (by slugId), cursor pagination, refresh by issue id.

import { linearRateLimits, RateLimitRecorder } from '../rateLimits';
import { LINEAR_API_URL, linearData, postLinear } from './linearClient';
import { normalizeLinearIssue, type LinearMapping } from './linearNormalize';
import { stateKey, TrackerError, type NormalizedIssue, type TaskSource } from '../types';

export interface LinearOptions {
  endpoint?: string;
  /** The project's `slugId` (the short id at the end of its URL). */
  projectSlug: string;
  getApiKey(): Promise<string | null>;
  keyWhere?: string;
  secretEnvNames?: readonly string[];
  /** Linear user id, or `me` (the key's user, one `viewer` query per source). */
  assignee?: string | null;
  allowUnassigned?: boolean;
  terminalStates?: readonly string[];
  pageSize?: number;
  maxPages?: number;
  timeoutMs?: number;
  warn?: (message: string) => void;
}

const ISSUE_FIELDS = `id identifier title description priority state { name type } branchName url assignee { id } creator { name guest }
      labels { nodes { name } }
      inverseRelations(first: $relationFirst) { nodes { type issue { id identifier state { name type } } } }
      createdAt updatedAt`;

export const LINEAR_ISSUES_QUERY = `query QuartetLinearIssues($projectSlug: String!, $stateNames: [String!]!, $first: Int!, $relationFirst: Int!, $after: String) {
  issues(filter: { project: { slugId: { eq: $projectSlug } }, state: { name: { in: $stateNames } } }, first: $first, after: $after) {
    nodes { ${ISSUE_FIELDS} }
    pageInfo { hasNextPage endCursor }
  }
}`;

export const LINEAR_ISSUES_BY_ID_QUERY = `query QuartetLinearIssuesById($ids: [ID!]!, $projectSlug: String!, $first: Int!, $relationFirst: Int!) {
  issues(filter: { id: { in: $ids }, project: { slugId: { eq: $projectSlug } } }, first: $first) {
    nodes { ${ISSUE_FIELDS} }
  }
}`;

export const LINEAR_VIEWER_QUERY = 'query QuartetLinearViewer { viewer { id } }';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : null);

export function createLinearSource(o: LinearOptions): TaskSource {
  const endpoint = o.endpoint ?? LINEAR_API_URL;
  const pageSize = o.pageSize ?? 50;
  const timeoutMs = o.timeoutMs ?? 30_000;
  const warn = o.warn ?? ((m: string) => console.warn(m));
  const terminalStateKeys = new Set((o.terminalStates ?? []).map(stateKey));
  let viewer: Promise<string> | null = null;
  const limits = new RateLimitRecorder(linearRateLimits);

  const apiKey = async (): Promise<string> => {
    const k = await o.getApiKey();
    if (!k)
      throw new TrackerError(
        'missing_tracker_secret',
        `No Linear API key for project ${o.projectSlug}: set ${o.keyWhere ?? 'an API key'}.`,
      );
    return k;
  };
  const query = async (key: string, doc: string, variables: Obj, what: string): Promise<Obj> => {
    const raw = await postLinear(endpoint, key, doc, variables, timeoutMs);
    limits.observe((n) => raw.headers.get(n));
    return linearData(raw, what, key);
  };

  const mapping = async (key: string): Promise<LinearMapping> => {
    const wanted = o.assignee?.trim() ?? '';
    let assignee: string | null = wanted || null;
    if (wanted.toLowerCase() === 'me') {
      viewer ??= query(key, LINEAR_VIEWER_QUERY, {}, 'viewer lookup (assignee: me)').then((d) => {
        const id = obj(d.viewer)?.id;
        if (typeof id !== 'string' || !id)
          throw new TrackerError('tracker_response', 'Linear viewer lookup returned no user id (assignee: me).');
        return id;
      });
      assignee = await viewer.catch((err: unknown) => {
        viewer = null;
        throw err;
      });
    }
    return { assignee, allowUnassigned: o.allowUnassigned ?? true, terminalStateKeys };
  };

  return {
    kind: 'linear',
    label: `Linear ${o.projectSlug}`,
    secretEnvNames: o.secretEnvNames ?? [],
    async preflight() {
      await apiKey();
    },
    rateLimits: () => limits.latest(),

    async fetchIssuesByStates(stateNames) {
      const names = [...new Set(stateNames)];
      if (names.length === 0) return [];
      const key = await apiKey();
      const m = await mapping(key);
      const wanted = new Set(names.map(stateKey));
      const out: NormalizedIssue[] = [];
      let malformed = 0;
      let after: string | null = null;
      const seen = new Set<string>();
      for (let page = 1; ; page++) {
        const what = `issue list of project ${o.projectSlug} (page ${page})`;
        let conn: Obj | null;
        try {
          const data = await query(
            key,
            LINEAR_ISSUES_QUERY,
            { projectSlug: o.projectSlug, stateNames: names, first: pageSize, relationFirst: 50, after },
            what,
          );
          conn = obj(data.issues);
        } catch (err) {
          if (
            page > 1 &&
            err instanceof TrackerError &&
            (err.category === 'tracker_status' || err.category === 'tracker_response')
          ) {
            throw new TrackerError('tracker_pagination', `${err.message} The listing is incomplete.`, err.detail);
          }
          throw err;
        }
        const nodes = conn?.nodes;
        const info = obj(conn?.pageInfo);
        if (!Array.isArray(nodes) || !info) {
          const msg = `Linear ${what} has no issues.nodes/pageInfo`;
          throw new TrackerError(page === 1 ? 'tracker_response' : 'tracker_pagination', `${msg}.`);
        }
        for (const node of nodes) {
          const issue = normalizeLinearIssue(node, m);
          if (!issue) malformed++;
          else if (wanted.has(stateKey(issue.state))) out.push(issue);
        }
        if (info.hasNextPage !== true) break;
        const cursor = info.endCursor;
        if (typeof cursor !== 'string' || !cursor)
          throw new TrackerError('tracker_pagination', `Linear ${what}: hasNextPage without an endCursor.`);
        if (seen.has(cursor))
          throw new TrackerError('tracker_pagination', `Linear ${what}: endCursor repeats; the listing loops.`);
        if (page >= (o.maxPages ?? 100)) {
          throw new TrackerError(
            'tracker_pagination',
            `Linear issue list of project ${o.projectSlug} has more than ${o.maxPages ?? 100} pages; raise tracker.provider.max_pages.`,
          );
        }
        seen.add(cursor);
        after = cursor;
      }
      if (malformed)
        warn(
          `Linear project ${o.projectSlug}: omitted ${malformed} malformed issue record(s) from the state list (missing id, identifier, title or state).`,
        );
      return out;
    },

    async fetchIssuesByIds(ids) {
      const unique = [...new Set(ids)];
      if (unique.length === 0) return [];
      const key = await apiKey();
      const m = await mapping(key);
      const requested = new Set(unique);
      const found = new Map<string, NormalizedIssue>();
      for (let i = 0; i < unique.length; i += pageSize) {
        const batch = unique.slice(i, i + pageSize);
        const what = `refresh of ${batch.length} issue(s) in project ${o.projectSlug}`;
        const data = await query(
          key,
          LINEAR_ISSUES_BY_ID_QUERY,
          { ids: batch, projectSlug: o.projectSlug, first: batch.length, relationFirst: 50 },
          what,
        );
        const nodes = obj(data.issues)?.nodes;
        if (!Array.isArray(nodes)) throw new TrackerError('tracker_response', `Linear ${what} has no issues.nodes.`);
        for (const node of nodes) {
          const issue = normalizeLinearIssue(node, m);
          if (!issue) {
            const id = obj(node)?.id;
            throw new TrackerError(
              'tracker_response',
              `Linear ${what}: record ${typeof id === 'string' ? id : '(no id)'} is malformed (missing id, identifier, title or state).`,
            );
          }
          if (requested.has(issue.id)) found.set(issue.id, issue);
        }
      }
      return [...found.values()];
    },
  };
}
