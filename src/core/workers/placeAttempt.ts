// Pure: where one queued attempt goes now, from its record, the hosts' slots and whether the workflow has hooks.

import { LOCAL_HOST, place, type HostSlot, type Placement } from './placement';

export interface QueuedAttempt {
  /** Set once it was prepared before: a retry, a resume or a follow-up. */
  startedAt: string | null;
  /** Where it ran before; null or absent: this machine. */
  host?: string | null;
  /** A follow-up or resume continues this thread (it lives on the host that ran it). */
  resumeThread?: string | null;
}

/** Everything running at once: each host's capacity, a host without one counting as this machine's. */
export function globalLimit(slots: readonly HostSlot[], localCapacity: number): number {
  return slots.reduce((n, s) => n + (s.capacity ?? localCapacity), 0);
}

/**
 * WORKFLOW.md hooks run only on this machine (they are not carried to hosts), so a workflow with hooks
 * places every attempt here; remote hosts then take nothing, and the wait says why.
 */
export function placeQueued(
  a: QueuedAttempt,
  slots: readonly HostSlot[],
  localCapacity: number,
  hooks: readonly string[],
): Placement {
  const usable = hooks.length ? slots.filter((s) => s.host === LOCAL_HOST) : slots;
  const ranBefore = a.startedAt !== null;
  return place(
    {
      kind: a.resumeThread ? 'follow-up' : ranBefore ? 'retry' : 'new',
      previousHost: ranBefore ? (a.host ?? LOCAL_HOST) : null,
      // Its worktree (with whatever the agent left) is where it ran.
      sideEffects: ranBefore,
    },
    usable,
    globalLimit(slots, localCapacity),
  );
}

/** What a queued attempt's row says while it waits, or why it cannot run where its work is. */
export function placementText(p: Placement, previousHost: string | null | undefined, hooks: readonly string[]): string {
  const where = previousHost || 'this machine';
  if (p.kind === 'place') return `placed on ${p.host || 'this machine'}`;
  if (p.kind === 'refuse') return `its thread is on ${where}, which is unavailable: start a new attempt instead`;
  if (p.kind === 'new-attempt') return `its worktree is on ${where}, which is unavailable: start a new attempt instead`;
  if (p.why === 'same-host-busy') return `queued: waiting for a slot on ${where}`;
  if (p.why === 'no-healthy-host') return 'queued: no host is available (see quartet workers)';
  if (p.why === 'all-full' && hooks.length)
    return 'queued: all hosts full (WORKFLOW.md hooks run only on this machine)';
  return p.why === 'all-full' ? 'queued: all hosts are full' : 'queued';
}
