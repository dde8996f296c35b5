// The event stream: a version per change, a full snapshot on connect, then only the task/attempt records that changed.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Snapshot } from '../../shared/model';
import { taskHead, type SnapshotDelta, type SnapshotHead, type VersionedSnapshot } from '../../shared/snapshotDelta';
import {
  attemptSnapshot,
  sortedTasks,
  taskSnapshot,
  type AttemptRecord,
  type TaskRecord,
} from '../orchestrator/records';

/** What the feed reads of the orchestrator. */
export interface FeedSource {
  records(): readonly TaskRecord[];
  snapshot(): Snapshot;
  snapshotHead(): SnapshotHead;
}

/** A subscriber whose socket holds this much unsent data gets no more deltas, then one full snapshot once it drained. */
const LAGGING_BYTES = 8 * 1024 * 1024;

/**
 * The orchestrator replaces a task or attempt record whenever it changes (records are never edited in
 * place after start-up), so "changed since the last version" is a pointer comparison: a change costs
 * the records it touched, not every task ever kept.
 */
export class SnapshotFeed {
  private version = 0;
  private tasks = new Map<string, { record: TaskRecord; attempts: readonly AttemptRecord[] }>();
  private attempts = new Map<string, AttemptRecord>();
  private order = '';
  private head = '';
  /** Clients of the delta stream (`?deltas=1`), and whether each must get a full snapshot next. */
  private readonly subscribers = new Map<ServerResponse, { needsFull: boolean }>();
  /** Clients from before deltas: a full snapshot per change, as they expect. */
  private readonly legacy = new Set<ServerResponse>();

  constructor(private readonly source: FeedSource) {
    this.next();
  }

  get count(): number {
    return this.subscribers.size + this.legacy.size;
  }

  /** The state now and the version it is at (later deltas re-apply harmlessly: they carry whole records). */
  full(): VersionedSnapshot {
    return { version: this.version, snapshot: this.source.snapshot() };
  }

  /** Opens an SSE stream on `res`; `onCount` hears the number of subscribers. */
  subscribe(req: IncomingMessage, res: ServerResponse, deltas: boolean, onCount: (n: number) => void): void {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    if (deltas) {
      res.write(frame('full', this.full()));
      this.subscribers.set(res, { needsFull: false });
    } else {
      res.write(frame('snapshot', this.source.snapshot()));
      this.legacy.add(res);
    }
    onCount(this.count);
    req.on('close', () => {
      this.subscribers.delete(res);
      this.legacy.delete(res);
      onCount(this.count);
    });
  }

  /** The orchestrator changed something: one delta to every delta subscriber, a snapshot to every legacy one. */
  changed(): void {
    const delta = this.next();
    if (delta && this.subscribers.size) {
      const text = frame('delta', delta);
      let full: string | null = null;
      for (const [res, sub] of this.subscribers) {
        if (res.writableLength > LAGGING_BYTES) {
          sub.needsFull = true;
          continue;
        }
        if (!sub.needsFull) res.write(text);
        else {
          full ??= frame('full', this.full());
          res.write(full);
          sub.needsFull = false;
        }
      }
    }
    if (this.legacy.size) {
      const text = frame('snapshot', this.source.snapshot());
      for (const res of this.legacy) res.write(text);
    }
  }

  /** Compares the records with the last version's; a new version and its delta when anything changed. */
  private next(): SnapshotDelta | null {
    const records = sortedTasks(this.source.records());
    const delta: SnapshotDelta = {
      version: this.version + 1,
      base: this.version,
      generatedAt: new Date().toISOString(),
    };
    const head = this.source.snapshotHead();
    const headText = JSON.stringify(head);
    if (headText !== this.head) delta.head = head;
    this.head = headText;
    const order = records.map((t) => t.id).join('\n');
    if (order !== this.order) delta.order = records.map((t) => t.id);
    this.order = order;
    const seenTasks = new Map<string, { record: TaskRecord; attempts: readonly AttemptRecord[] }>();
    const seenAttempts = new Map<string, AttemptRecord>();
    for (const t of records) {
      const before = this.tasks.get(t.id);
      const sameList =
        before !== undefined &&
        before.attempts.length === t.attempts.length &&
        before.attempts.every((a, i) => a.id === t.attempts[i]?.id);
      if (!before || before.record !== t || !sameList)
        (delta.tasks ??= []).push({
          ...taskHead(taskSnapshot({ ...t, attempts: [] })),
          attemptIds: t.attempts.map((a) => a.id),
        });
      for (const a of t.attempts) {
        if (this.attempts.get(a.id) !== a) (delta.attempts ??= []).push(attemptSnapshot(a));
        seenAttempts.set(a.id, a);
      }
      seenTasks.set(t.id, { record: t, attempts: [...t.attempts] });
    }
    this.tasks = seenTasks;
    this.attempts = seenAttempts;
    if (!delta.head && !delta.order && !delta.tasks && !delta.attempts) return null;
    this.version = delta.version;
    return delta;
  }
}

function frame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
