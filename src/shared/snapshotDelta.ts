// The event stream's changes: a version number and the task/attempt records that changed, applied onto a snapshot.

import type { AttemptSnapshot, Snapshot, TaskSnapshot } from './model';

/** Everything in a snapshot besides its tasks (small: sent whole whenever any of it changed). */
export type SnapshotHead = Omit<Snapshot, 'tasks' | 'generatedAt'>;

/** A task's own fields; its attempts travel as records of their own, in `attemptIds` order. */
export interface TaskHead extends Omit<TaskSnapshot, 'attempts'> {
  attemptIds: string[];
}

/** `event: full` on the stream: the whole state at `version` (on connect, and whenever a client asks). */
export interface VersionedSnapshot {
  version: number;
  snapshot: Snapshot;
}

/**
 * `event: delta`: what changed from `base` to `version` (always base + 1). Records are complete
 * replacements, so applying a delta to a snapshot that already holds some of its changes is harmless.
 */
export interface SnapshotDelta {
  version: number;
  base: number;
  generatedAt: string;
  head?: SnapshotHead;
  /** Task ids in snapshot order, when a task came or went. */
  order?: string[];
  tasks?: TaskHead[];
  attempts?: AttemptSnapshot[];
}

export function taskHead(t: TaskSnapshot): TaskHead {
  const { attempts, ...rest } = t;
  return { ...rest, attemptIds: attempts.map((a) => a.id) };
}

export function snapshotHead(s: Snapshot): SnapshotHead {
  const { tasks: _tasks, generatedAt: _at, ...head } = s;
  return head;
}

/** Unchanged tasks and attempts keep their objects, so a listener can tell what changed by identity. */
export function applyDelta(current: Snapshot, delta: SnapshotDelta): Snapshot {
  const heads = new Map((delta.tasks ?? []).map((t) => [t.id, t]));
  const attempts = new Map((delta.attempts ?? []).map((a) => [a.id, a]));
  const byId = new Map(current.tasks.map((t) => [t.id, t]));
  const order = delta.order ?? current.tasks.map((t) => t.id);
  const tasks: TaskSnapshot[] = [];
  for (const id of order) {
    const before = byId.get(id);
    const head = heads.get(id);
    if (!before && !head) continue; // a task this client never saw whole: the next full snapshot brings it
    const ids = head ? head.attemptIds : (before as TaskSnapshot).attempts.map((a) => a.id);
    const old = new Map((before?.attempts ?? []).map((a) => [a.id, a]));
    const list = ids
      .map((aid) => attempts.get(aid) ?? old.get(aid))
      .filter((a): a is AttemptSnapshot => a !== undefined);
    const sameAttempts =
      before !== undefined && list.length === before.attempts.length && list.every((a, i) => a === before.attempts[i]);
    if (before && !head && sameAttempts) {
      tasks.push(before);
      continue;
    }
    const own: Omit<TaskSnapshot, 'attempts'> = head ? withoutIds(head) : withoutAttempts(before as TaskSnapshot);
    tasks.push({ ...own, attempts: sameAttempts ? (before as TaskSnapshot).attempts : list });
  }
  const head = delta.head ?? snapshotHead(current);
  return { ...head, generatedAt: delta.generatedAt, tasks };
}

function withoutIds(h: TaskHead): Omit<TaskSnapshot, 'attempts'> {
  const { attemptIds: _ids, ...rest } = h;
  return rest;
}

function withoutAttempts(t: TaskSnapshot): Omit<TaskSnapshot, 'attempts'> {
  const { attempts: _a, ...rest } = t;
  return rest;
}

/** What a client does with one frame of the stream, given the version it holds (null: none yet). */
export type FrameOutcome = 'apply' | 'stale' | 'gap';

export function deltaOutcome(held: number | null, delta: SnapshotDelta): FrameOutcome {
  if (held === null) return 'gap';
  if (delta.version <= held) return 'stale';
  return delta.base === held ? 'apply' : 'gap';
}
