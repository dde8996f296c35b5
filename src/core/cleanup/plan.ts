// What Clean Up would free: worktrees and branches of ended attempts, and old archives (pure; facts come in).

import { isTerminal, type AttemptSnapshot, type TaskSnapshot } from '../../shared/model';
import type { RetentionSettings } from '../contract/settings';
import type { CleanupItem, CleanupPlan } from '../contract/replies';

/** What the service measured on disk and in git for one attempt. */
export interface AttemptFacts {
  worktreeExists: boolean;
  branchExists: boolean;
  /** Uncommitted or untracked changes, or commits beyond the base (work that exists nowhere else). */
  unsavedWork: boolean;
  bytes: number;
}

export interface ArchiveFacts {
  name: string;
  dir: string;
  attemptId: string;
  createdAt: string;
  bytes: number;
}

/** One warm worktree of the pool (git/worktreePool.ts) as Clean Up sees it. */
export interface PoolSlotFacts {
  path: string;
  branch: string;
  bytes: number;
}

const DAY = 24 * 60 * 60 * 1000;

/** A task as Clean Up reads it: the orchestrator's records (their attempts of its own record type `A`) fit. */
type CleanupTask<A extends AttemptSnapshot> = Pick<TaskSnapshot, 'title' | 'state' | 'landing'> & {
  attempts: readonly A[];
};

/** When an attempt stopped mattering: the latest of its end, land and archive. */
export function endedAt(a: Pick<AttemptSnapshot, 'endedAt' | 'landed' | 'archived'>): number {
  return Math.max(...[a.endedAt, a.landed?.at, a.archived?.at].map((t) => (t ? Date.parse(t) : 0)));
}

/** An attempt Clean Up may touch: ended, no retry scheduled, its task not landing right now. */
export function isCleanable(
  task: Pick<TaskSnapshot, 'landing'>,
  a: Pick<AttemptSnapshot, 'phase' | 'nextRetryAt'>,
): boolean {
  return isTerminal(a.phase) && !a.nextRetryAt && task.landing?.status !== 'running';
}

/**
 * Landed and discarded work is due after `attemptDays`; a finished attempt of an open task is still a
 * candidate for landing, so it is listed (its branch keeps the result) but never due.
 */
function isDiscarded(task: Pick<TaskSnapshot, 'state'>, a: AttemptSnapshot): boolean {
  return a.phase !== 'finished' || task.state !== 'open' || !!a.archived || !!a.landed;
}

export function planCleanup<A extends AttemptSnapshot>(input: {
  tasks: readonly CleanupTask<A>[];
  facts: (a: A) => AttemptFacts | undefined;
  archives: readonly ArchiveFacts[];
  /** The pool's slots and its configured size (`quartet.worktreePool`). */
  pool?: { slots: readonly PoolSlotFacts[]; size: number };
  retention: RetentionSettings;
  now: number;
}): CleanupPlan {
  const { retention, now } = input;
  const items: CleanupItem[] = [];
  for (const task of input.tasks) {
    for (const a of task.attempts) {
      const f = input.facts(a);
      if (!f || !isCleanable(task, a)) continue;
      const ageDays = (now - endedAt(a)) / DAY;
      const old = retention.attemptDays > 0 && ageDays >= retention.attemptDays;
      const discarded = isDiscarded(task, a);
      const why = `${task.title} · attempt ${a.index} · ${a.landed ? 'landed' : a.archived ? 'archived' : a.phase} ${Math.floor(ageDays)} d ago`;
      const archiveFirst = f.unsavedWork && !a.archived;
      if (f.worktreeExists) {
        items.push({
          id: `worktree:${a.id}`,
          kind: 'worktree',
          attemptId: a.id,
          label: `worktree ${a.worktree}`,
          detail: `${why}${archiveFirst ? ' · its changes are archived first' : ''}`,
          path: a.worktree,
          branch: a.branch,
          bytes: f.bytes,
          due: old && discarded,
          archiveFirst,
          ageDays,
        });
      }
      // Branches go only with landed or archived work (a failed attempt's branch is its record); listed for the rest.
      if (f.branchExists && a.branch.startsWith('quartet/')) {
        const done = !!a.landed || !!a.archived || task.state !== 'open';
        items.push({
          id: `branch:${a.id}`,
          kind: 'branch',
          attemptId: a.id,
          label: `branch ${a.branch}`,
          detail: `${why}${f.worktreeExists ? ' · its worktree goes too' : ''}${archiveFirst ? ' · archived first' : ''}`,
          path: null,
          branch: a.branch,
          bytes: 0,
          due: old && done,
          archiveFirst,
          ageDays,
        });
      }
    }
  }
  for (const ar of input.archives) {
    const ageDays = (now - Date.parse(ar.createdAt)) / DAY;
    items.push({
      id: `archive:${ar.name}`,
      kind: 'archive',
      attemptId: ar.attemptId,
      label: `archive ${ar.name}`,
      detail: `patch of ${ar.attemptId}, made ${Math.floor(ageDays)} d ago · deleting it is final`,
      path: ar.dir,
      branch: null,
      bytes: ar.bytes,
      due: retention.archiveDays > 0 && ageDays >= retention.archiveDays,
      archiveFirst: false,
      ageDays,
    });
  }
  for (const slot of input.pool?.slots ?? []) {
    const size = input.pool?.size ?? 0;
    items.push({
      id: `pool:${slot.branch}`,
      kind: 'pool',
      attemptId: null,
      label: `warm worktree ${slot.path}`,
      // With the pool off, a slot is only disk: due. With it on, removing one is fine but the pool makes it again.
      detail: size
        ? `kept for the next launch (quartet.worktreePool = ${size}); made again in the background unless you lower the setting`
        : 'left from the worktree pool, which is off (quartet.worktreePool = 0)',
      path: slot.path,
      branch: slot.branch,
      bytes: slot.bytes,
      due: size === 0,
      archiveFirst: false,
      ageDays: 0,
    });
  }
  const sum = (xs: CleanupItem[]): number => xs.reduce((s, i) => s + i.bytes, 0);
  return { items, totalBytes: sum(items), dueBytes: sum(items.filter((i) => i.due)), retention };
}
