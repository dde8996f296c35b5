// Pure: which host an attempt runs on (this machine counts as one), or why it waits — SPEC Appendix A.2. Not wired into launching yet.

/** This machine, as a host. No ssh destination can be empty, so it never clashes with one. */
export const LOCAL_HOST = '';

export interface HostSlot {
  /** An ssh destination, or `LOCAL_HOST`. */
  host: string;
  /** Attempts at once here; null: only the global limit. 0: never place here (e.g. "run nothing locally"). */
  capacity: number | null;
  running: number;
  /** Preflight passed and the host has not dropped since; an unhealthy host takes nothing new. */
  healthy: boolean;
}

export interface PlacementRequest {
  /** A fresh attempt, a retry (new thread, same worktree) or a follow-up turn (same thread). */
  kind: 'new' | 'retry' | 'follow-up';
  /** Where the attempt ran before (retry, follow-up); null for a fresh one. */
  previousHost: string | null;
  /** The earlier run left something behind there (a worktree with changes, a turn started, a commit). */
  sideEffects: boolean;
}

export type Placement =
  | { kind: 'place'; host: string; why: 'least-loaded' | 'same-host' | 'failover-before-side-effects' }
  | { kind: 'wait'; why: 'global-limit' | 'all-full' | 'same-host-busy' | 'no-healthy-host' }
  /** The attempt cannot run where its work is; running it elsewhere is a new attempt (a new index, a fresh worktree), never a silent rerun. */
  | { kind: 'new-attempt'; why: 'previous-host-unavailable' }
  /** A follow-up continues a Codex thread that lives on its host: with that host gone, there is nothing to continue. */
  | { kind: 'refuse'; why: 'previous-host-gone' };

const free = (s: HostSlot): boolean => s.healthy && (s.capacity === null || s.running < s.capacity);

/** Fullness in [0, 1]: a host with no own capacity is measured against the global limit. */
function load(s: HostSlot, globalLimit: number): number {
  const cap = s.capacity ?? globalLimit;
  return cap > 0 ? s.running / cap : 1;
}

/** The free host with the lowest load; ties go to fewer running, then to list order (the user's order). */
function leastLoaded(slots: readonly HostSlot[], globalLimit: number): HostSlot | null {
  let best: HostSlot | null = null;
  for (const s of slots) {
    if (!free(s)) continue;
    if (
      !best ||
      load(s, globalLimit) < load(best, globalLimit) ||
      (load(s, globalLimit) === load(best, globalLimit) && s.running < best.running)
    )
      best = s;
  }
  return best;
}

export function place(req: PlacementRequest, slots: readonly HostSlot[], globalLimit: number): Placement {
  const running = slots.reduce((n, s) => n + s.running, 0);
  if (running >= globalLimit) return { kind: 'wait', why: 'global-limit' };
  const anyFree = (): Placement => {
    const best = leastLoaded(slots, globalLimit);
    if (best) return { kind: 'place', host: best.host, why: 'least-loaded' };
    // Never a silent fallback: with every host full or down, the attempt waits where the person can see why.
    return { kind: 'wait', why: slots.some((s) => s.healthy && s.capacity !== 0) ? 'all-full' : 'no-healthy-host' };
  };
  if (req.kind === 'new' || req.previousHost === null) return anyFree();
  const prev = slots.find((s) => s.host === req.previousHost);
  if (prev?.healthy) {
    if (free(prev)) return { kind: 'place', host: prev.host, why: 'same-host' };
    // Its worktree (and for a follow-up its thread) is there; only a retry with nothing left behind may start cold elsewhere.
    if (req.kind === 'retry' && !req.sideEffects) {
      const other = leastLoaded(
        slots.filter((s) => s.host !== prev.host),
        globalLimit,
      );
      if (other) return { kind: 'place', host: other.host, why: 'least-loaded' };
    }
    return { kind: 'wait', why: 'same-host-busy' };
  }
  // The previous host is down or no longer configured.
  if (req.kind === 'follow-up') return { kind: 'refuse', why: 'previous-host-gone' };
  if (req.sideEffects) return { kind: 'new-attempt', why: 'previous-host-unavailable' };
  const placed = anyFree();
  return placed.kind === 'place' ? { ...placed, why: 'failover-before-side-effects' } : placed;
}
