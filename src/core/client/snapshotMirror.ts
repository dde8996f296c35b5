// A client's copy of the supervisor's state, kept from the event stream: full snapshots, deltas, a resync on a version gap.

import type { Snapshot } from '../../shared/model';
import { applyDelta, deltaOutcome, type SnapshotDelta, type VersionedSnapshot } from '../../shared/snapshotDelta';

export interface MirrorDeps {
  /** `GET /api/v1/snapshot/versioned`: the whole state and its version. */
  fetchFull(): Promise<VersionedSnapshot>;
  publish(snapshot: Snapshot): void;
  /** A resync failed (the supervisor went away): the stream's own close reports the disconnect. */
  log?(message: string): void;
}

export class SnapshotMirror {
  private version: number | null = null;
  private current: Snapshot | null = null;
  /** Deltas that arrived while a resync was under way: applied on top of the full snapshot it brings. */
  private pending: SnapshotDelta[] | null = null;

  constructor(private readonly deps: MirrorDeps) {}

  get snapshot(): Snapshot | null {
    return this.current;
  }

  /** One frame of the stream by its event name; unknown events are ignored (a newer supervisor may add some). */
  accept(event: string, data: unknown): void {
    if (event === 'snapshot') return this.legacy(data as Snapshot);
    if (event === 'full') return this.full(data as VersionedSnapshot);
    if (event === 'delta') return this.delta(data as SnapshotDelta);
  }

  /** A supervisor from before deltas sends a whole snapshot per change, without a version. */
  private legacy(s: Snapshot): void {
    this.version = null;
    this.set(s);
  }

  private full(v: VersionedSnapshot): void {
    // An older full (a resync answered after the stream moved on) never replaces a newer state.
    if (this.version !== null && v.version < this.version) return;
    this.version = v.version;
    this.set(v.snapshot);
  }

  private delta(d: SnapshotDelta): void {
    if (this.pending) {
      this.pending.push(d);
      return;
    }
    const outcome = deltaOutcome(this.version, d);
    if (outcome === 'stale') return;
    if (outcome === 'gap') return this.resync(d);
    this.version = d.version;
    this.set(applyDelta(this.current as Snapshot, d));
  }

  /** A delta that does not follow the version held: fetch the whole state, then replay what came meanwhile. */
  private resync(first: SnapshotDelta): void {
    this.pending = [first];
    this.deps
      .fetchFull()
      .then((v) => this.full(v))
      .catch((err: unknown) =>
        this.deps.log?.(`event stream: resync failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => {
        const queued = this.pending ?? [];
        this.pending = null;
        // Still behind (the resync failed): the next delta asks again.
        for (const d of queued) if (this.version !== null) this.delta(d);
      });
  }

  private set(s: Snapshot): void {
    this.current = s;
    this.deps.publish(s);
  }
}
