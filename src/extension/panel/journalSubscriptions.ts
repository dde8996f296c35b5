// The journals one panel follows: a pump per subscribed attempt, started, resynced and stopped as asked.

import type { JournalRecord } from '../../shared/events';
import {
  DEFAULT_PUMP_OPTIONS,
  JournalPump,
  type FetchedPage,
  type JournalChunk,
  type PumpOptions,
} from './journalPump';

export interface Wanted {
  attemptId: string;
  fromSeq: number;
}

export interface SubscriptionDeps {
  /** Attempt ids in the current snapshot: nothing else is ever streamed. */
  known(): Set<string>;
  isLive(attemptId: string): boolean;
  fetch(attemptId: string, from: number): Promise<JournalRecord[] | FetchedPage>;
  send(chunk: JournalChunk, approxBytes: number): void;
  log(message: string): void;
}

export class JournalSubscriptions {
  private readonly pumps = new Map<string, JournalPump>();
  private wanted: Wanted[] = [];

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly opts: PumpOptions = DEFAULT_PUMP_OPTIONS,
  ) {}

  /** Follows exactly these attempts; a pump already running elsewhere in the journal moves to `fromSeq`. */
  set(wanted: Wanted[]): void {
    this.wanted = wanted;
    const known = this.deps.known();
    const keep = new Set(wanted.filter((w) => known.has(w.attemptId)).map((w) => w.attemptId));
    for (const [id, pump] of this.pumps) {
      if (keep.has(id)) continue;
      pump.stop();
      this.pumps.delete(id);
    }
    for (const w of wanted) {
      if (!keep.has(w.attemptId)) continue;
      const existing = this.pumps.get(w.attemptId);
      if (!existing) this.start(w);
      else if (existing.nextSeq !== w.fromSeq) existing.resync(w.fromSeq);
    }
  }

  resync(attemptId: string, fromSeq: number): void {
    this.pumps.get(attemptId)?.resync(fromSeq);
  }

  nudge(attemptId: string): void {
    this.pumps.get(attemptId)?.nudge();
  }

  /** Attempts asked for before the snapshot knew them (the panel opened before the supervisor answered). */
  startNewlyKnown(): void {
    const known = this.deps.known();
    for (const w of this.wanted) if (!this.pumps.has(w.attemptId) && known.has(w.attemptId)) this.start(w);
  }

  rawSeqs(attemptId: string, itemId: string): readonly number[] | undefined {
    return this.pumps.get(attemptId)?.rawSeqs.get(itemId);
  }

  get following(): string[] {
    return [...this.pumps.keys()];
  }

  stopAll(): void {
    for (const pump of this.pumps.values()) pump.stop();
    this.pumps.clear();
    this.wanted = [];
  }

  private start(w: Wanted): void {
    const pump = new JournalPump(w.attemptId, w.fromSeq, this.deps, this.opts);
    this.pumps.set(w.attemptId, pump);
    pump.start();
  }
}
