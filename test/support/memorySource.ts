// Test double: an in-memory TaskSource whose issues a test mutates (states, labels, closing, new issues) and whose reads can fail.

import { TrackerError, type NormalizedIssue, type TaskSource } from '../../src/core/tracker/types';

let seq = 0;

/** A normalized issue with sensible defaults; `over` wins. */
export function issue(over: Partial<NormalizedIssue> & { identifier?: string } = {}): NormalizedIssue {
  const n = ++seq;
  const identifier = over.identifier ?? `#${n}`;
  return {
    id: over.id ?? `I_${identifier.replace(/\W/g, '')}`,
    nativeRef: null,
    identifier,
    title: `Issue ${identifier}`,
    description: null,
    priority: null,
    state: 'Todo',
    branchName: null,
    url: `https://tracker.test/issues/${identifier.replace(/\W/g, '')}`,
    assigneeId: null,
    labels: [],
    blockedBy: [],
    dispatchable: true,
    author: { login: 'maintainer', role: 'OWNER', canWrite: true },
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: null,
    ...over,
  };
}

export class MemorySource implements TaskSource {
  readonly kind = 'memory';
  readonly label = 'memory tracker';
  private readonly issues = new Map<string, NormalizedIssue>();
  /** Calls made, for assertions: `states:Todo,In Progress` or `ids:a,b`. */
  readonly calls: string[] = [];
  private failures: { op: 'states' | 'ids'; error: Error }[] = [];

  constructor(initial: NormalizedIssue[] = []) {
    for (const i of initial) this.put(i);
  }

  put(i: NormalizedIssue): void {
    this.issues.set(i.id, { ...i });
  }

  update(id: string, change: Partial<NormalizedIssue>): void {
    const cur = this.issues.get(id);
    if (!cur) throw new Error(`no issue ${id}`);
    this.issues.set(id, { ...cur, ...change });
  }

  /** Makes the issue invisible (deleted, moved out of scope). */
  remove(id: string): void {
    this.issues.delete(id);
  }

  /** The next read of this kind throws (a transport error by default). */
  failNext(op: 'states' | 'ids', error: Error = new TrackerError('tracker_request', 'connection reset')): void {
    this.failures.push({ op, error });
  }

  private maybeFail(op: 'states' | 'ids'): void {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i === -1) return;
    const [f] = this.failures.splice(i, 1);
    throw f!.error;
  }

  async fetchIssuesByStates(stateNames: string[]): Promise<NormalizedIssue[]> {
    this.calls.push(`states:${stateNames.join(',')}`);
    if (!stateNames.length) return [];
    this.maybeFail('states');
    const want = new Set(stateNames.map((s) => s.trim().toLowerCase()));
    return [...this.issues.values()].filter((i) => want.has(i.state.trim().toLowerCase())).map((i) => ({ ...i }));
  }

  async fetchIssuesByIds(ids: string[]): Promise<NormalizedIssue[]> {
    this.calls.push(`ids:${ids.join(',')}`);
    if (!ids.length) return [];
    this.maybeFail('ids');
    return ids.flatMap((id) => {
      const i = this.issues.get(id);
      return i ? [{ ...i }] : [];
    });
  }
}
