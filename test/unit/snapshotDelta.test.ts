// Unit: the event stream's deltas — applied in order they equal a fresh snapshot; a gap resyncs; legacy snapshots still work.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse, IncomingMessage } from 'node:http';
import { EventEmitter } from 'node:events';
import {
  buildSnapshot,
  snapshotCounts,
  type AttemptRecord,
  type TaskRecord,
} from '../../src/core/orchestrator/records';
import { newAttempt } from '../../src/core/orchestrator/launchPlan';
import { SnapshotFeed, type FeedSource } from '../../src/core/supervisor/snapshotFeed';
import { SnapshotMirror } from '../../src/core/client/snapshotMirror';
import type { Snapshot } from '../../src/shared/model';
import type { SnapshotDelta, VersionedSnapshot } from '../../src/shared/snapshotDelta';

/** The orchestrator as the feed sees it: records replaced (never edited) on every change. */
class FakeOrchestrator implements FeedSource {
  tasks: TaskRecord[] = [];
  warnings: string[] = [];
  private clock = 0;
  records(): readonly TaskRecord[] {
    return this.tasks;
  }
  snapshot(): Snapshot {
    return buildSnapshot('/repo', this.tasks, this.warnings, new Date(0));
  }
  snapshotHead(): Omit<Snapshot, 'tasks' | 'generatedAt'> {
    return { repo: '/repo', counts: snapshotCounts(this.tasks), warnings: [...this.warnings] };
  }
  launch(title: string, attempts: number): TaskRecord {
    const id = `t-${title}`;
    const task = {
      id,
      key: title,
      title,
      prompt: title,
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, 0, this.clock++)).toISOString(),
      state: 'open',
      baseRef: 'main',
      recommended: null,
      landing: null,
      source: null,
      verdict: null,
      earlyStop: null,
      baseCommit: 'abc',
      options: {},
      attempts: [],
    } as unknown as TaskRecord;
    task.attempts = Array.from({ length: attempts }, (_, i) =>
      newAttempt({ repo: '/repo', stateDir: '/state' }, id, title, i + 1, 'abc', '/wt'),
    );
    this.tasks.push(task);
    return task;
  }
  update(attemptId: string, change: Partial<AttemptRecord>): void {
    for (const t of this.tasks) {
      const i = t.attempts.findIndex((a) => a.id === attemptId);
      if (i !== -1) t.attempts[i] = { ...(t.attempts[i] as AttemptRecord), ...change };
    }
  }
  updateTask(id: string, change: Partial<TaskRecord>): void {
    this.tasks = this.tasks.map((t) => (t.id === id ? { ...t, ...change } : t));
  }
}

/** A stream subscriber: collects the frames the feed writes. */
function subscriber(): { req: IncomingMessage; res: ServerResponse; frames: { event: string; data: unknown }[] } {
  const frames: { event: string; data: unknown }[] = [];
  const res = {
    writableLength: 0,
    writeHead: () => res,
    write: (text: string) => {
      const event = /^event: (.*)$/m.exec(text)?.[1] ?? '';
      frames.push({ event, data: JSON.parse(/^data: (.*)$/m.exec(text)?.[1] ?? 'null') });
      return true;
    },
  } as unknown as ServerResponse;
  return { req: new EventEmitter() as IncomingMessage, res, frames };
}

/** What a client holds once it saw these frames (the snapshot's time stamp aside). */
function comparable(s: Snapshot | null): unknown {
  return s && { ...s, generatedAt: null };
}

function scenario(orch: FakeOrchestrator, feed: SnapshotFeed): void {
  const a = orch.launch('one', 3);
  feed.changed();
  orch.update(`${a.id}-1`, { phase: 'preparing' });
  orch.update(`${a.id}-2`, { phase: 'preparing', lastEvent: 'worktree' });
  feed.changed();
  const b = orch.launch('two', 2);
  orch.update(`${a.id}-1`, {
    phase: 'working',
    tokens: { input: 5, cachedInput: 0, output: 7, reasoningOutput: 0, total: 12 },
  });
  feed.changed();
  orch.warnings.push('a journal failed');
  orch.updateTask(b.id, { title: 'two, renamed' });
  feed.changed();
  feed.changed(); // nothing changed: no version
  orch.tasks[0]?.attempts.push(newAttempt({ repo: '/repo', stateDir: '/state' }, a.id, 'one', 4, 'abc', '/wt'));
  orch.update(`${b.id}-2`, { phase: 'failed', lastError: 'boom' });
  feed.changed();
  orch.tasks = orch.tasks.filter((t) => t.id !== a.id);
  feed.changed();
}

test('deltas applied in order equal a fresh snapshot after every change; unchanged records are not resent', async () => {
  const orch = new FakeOrchestrator();
  const feed = new SnapshotFeed(orch);
  const sub = subscriber();
  feed.subscribe(sub.req, sub.res, true, () => undefined);
  const published: Snapshot[] = [];
  const mirror = new SnapshotMirror({
    fetchFull: () => Promise.reject(new Error('no resync expected')),
    publish: (s) => published.push(s),
  });
  let seen = 0;
  const check = (): void => {
    for (; seen < sub.frames.length; seen++) mirror.accept(sub.frames[seen]!.event, sub.frames[seen]!.data);
    assert.deepEqual(comparable(mirror.snapshot), comparable(orch.snapshot()));
  };
  check();
  const a = orch.launch('one', 3);
  feed.changed();
  check();
  orch.update(`${a.id}-2`, { phase: 'preparing' });
  feed.changed();
  check();
  const last = sub.frames.at(-1)!.data as SnapshotDelta;
  assert.deepEqual(
    last.attempts?.map((x) => x.id),
    [`${a.id}-2`],
    'only the attempt that changed travels',
  );
  assert.equal(last.tasks, undefined);
  assert.equal(last.base + 1, last.version);
  scenario(orch, feed);
  check();
  assert.equal(sub.frames[0]?.event, 'full');
  assert.ok(sub.frames.slice(1).every((f) => f.event === 'delta'));
  // Records that did not change keep their objects on the client (the tree redraws only what changed).
  const before = published.at(-2)!;
  const after = published.at(-1)!;
  assert.ok(after.tasks.every((t) => before.tasks.includes(t)));
});

test('a missed delta is a gap: the client fetches the whole state and replays what came meanwhile', async () => {
  const orch = new FakeOrchestrator();
  const feed = new SnapshotFeed(orch);
  const sub = subscriber();
  feed.subscribe(sub.req, sub.res, true, () => undefined);
  let fetches = 0;
  let full: VersionedSnapshot | null = null;
  const mirror = new SnapshotMirror({
    fetchFull: async () => {
      fetches++;
      return full as VersionedSnapshot;
    },
    publish: () => undefined,
  });
  mirror.accept(sub.frames[0]!.event, sub.frames[0]!.data);
  scenario(orch, feed);
  const deltas = sub.frames.slice(1);
  assert.ok(deltas.length >= 5);
  mirror.accept('delta', deltas[0]!.data);
  // deltas[1] is lost: the next one does not follow the version held.
  full = feed.full();
  const stateAtFull = comparable(orch.snapshot());
  mirror.accept('delta', deltas[2]!.data);
  assert.equal(fetches, 1);
  for (const d of deltas.slice(3)) mirror.accept('delta', d.data); // queued behind the resync
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(comparable(mirror.snapshot), stateAtFull);
  // The stream goes on from the resynced version without asking again.
  orch.update(orch.tasks[0]!.attempts[0]!.id, { lastEvent: 'later' });
  feed.changed();
  mirror.accept('delta', sub.frames.at(-1)!.data);
  assert.equal(fetches, 1);
  assert.deepEqual(comparable(mirror.snapshot), comparable(orch.snapshot()));
});

test('a stream client without deltas (an older build) gets a full snapshot per change', () => {
  const orch = new FakeOrchestrator();
  const feed = new SnapshotFeed(orch);
  const sub = subscriber();
  feed.subscribe(sub.req, sub.res, false, () => undefined);
  orch.launch('one', 2);
  feed.changed();
  assert.deepEqual(
    sub.frames.map((f) => f.event),
    ['snapshot', 'snapshot'],
  );
  assert.deepEqual(comparable(sub.frames[1]!.data as Snapshot), comparable(orch.snapshot()));
  const mirror = new SnapshotMirror({ fetchFull: () => Promise.reject(new Error('unused')), publish: () => undefined });
  mirror.accept('snapshot', sub.frames[1]!.data);
  assert.deepEqual(comparable(mirror.snapshot), comparable(orch.snapshot()));
});

test('a subscriber that lags gets no deltas, then one full snapshot once its socket drained', () => {
  const orch = new FakeOrchestrator();
  const feed = new SnapshotFeed(orch);
  const sub = subscriber();
  feed.subscribe(sub.req, sub.res, true, () => undefined);
  (sub.res as unknown as { writableLength: number }).writableLength = 64 * 1024 * 1024;
  orch.launch('one', 2);
  feed.changed();
  assert.equal(sub.frames.length, 1);
  (sub.res as unknown as { writableLength: number }).writableLength = 0;
  orch.launch('two', 1);
  feed.changed();
  assert.equal(sub.frames.at(-1)?.event, 'full');
  assert.deepEqual(comparable((sub.frames.at(-1)!.data as VersionedSnapshot).snapshot), comparable(orch.snapshot()));
});
