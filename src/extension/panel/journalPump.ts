// Streams one attempt's journal to the webview: polls for new records, sends them as capped, numbered chunks.

import type { JournalRecord } from '../../shared/events';
import type { HostNotifications, WireRecord } from '../../shared/protocol';
import { rawItemId, toWire } from '../../shared/wire';

export type JournalChunk = HostNotifications['journal/chunk/appended'];

export interface PumpOptions {
  intervalMs: number;
  /** After a failed fetch (attempt gone, supervisor restarting). */
  errorBackoffMs: number;
  maxRecordsPerChunk: number;
  /** Estimated JSON bytes per chunk; one oversized record still goes alone. */
  maxBytesPerChunk: number;
}

export const DEFAULT_PUMP_OPTIONS: PumpOptions = {
  intervalMs: 500,
  errorBackoffMs: 5000,
  maxRecordsPerChunk: 2000,
  maxBytesPerChunk: 512 * 1024,
};

/** A page of the journal route: `next` non-null means more is already written. */
export interface FetchedPage {
  records: JournalRecord[];
  next: number | null;
}

export interface PumpDeps {
  fetch(attemptId: string, from: number): Promise<JournalRecord[] | FetchedPage>;
  /** Posts a chunk; `approxBytes` is its JSON size as estimated while chunking (for the traffic count). */
  send(chunk: JournalChunk, approxBytes: number): void;
  /** False once the attempt ended: after draining, the pump idles until nudged. */
  isLive(attemptId: string): boolean;
  log(message: string): void;
}

/** Envelope of a chunk message (type, attempt id, sequence numbers) in JSON bytes, roughly. */
const CHUNK_OVERHEAD = 120;
/** Raw messages remembered per Codex item (their seqs only), so "full raw record" finds them. */
const MAX_INDEXED_ITEMS = 50_000;

export class JournalPump {
  private cursor: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private polling = false;
  private stopped = false;
  private failing = false;
  readonly rawSeqs = new Map<string, number[]>();

  constructor(
    readonly attemptId: string,
    fromSeq: number,
    private readonly deps: PumpDeps,
    private readonly opts: PumpOptions = DEFAULT_PUMP_OPTIONS,
  ) {
    this.cursor = fromSeq;
  }

  get nextSeq(): number {
    return this.cursor;
  }

  start(): void {
    this.schedule(0);
  }

  /** The webview saw a gap: start again from what it has. */
  resync(fromSeq: number): void {
    this.cursor = fromSeq;
    this.schedule(0);
  }

  /** Something changed for the attempt (a retry, a new event): poll now if idle. */
  nudge(): void {
    if (this.timer === null && !this.polling) this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll();
    }, ms);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    const from = this.cursor;
    let got = 0;
    let more = false;
    try {
      const fetched = await this.deps.fetch(this.attemptId, from);
      const records = (Array.isArray(fetched) ? fetched : fetched.records).filter((r) => r.seq >= from);
      more = !Array.isArray(fetched) && fetched.next !== null;
      if (this.stopped || this.cursor !== from) return; // stopped or resynced meanwhile: this answer is stale
      got = records.length;
      if (got) this.emit(from, records);
      this.failing = false;
    } catch (err) {
      if (!this.failing)
        this.deps.log(
          `control panel: journal of ${this.attemptId} unavailable: ${err instanceof Error ? err.message : String(err)}`,
        );
      this.failing = true;
    } finally {
      this.polling = false;
    }
    if (this.failing) this.schedule(this.opts.errorBackoffMs);
    else if (got > 0 && more) this.schedule(0);
    else if (got > 0 || this.deps.isLive(this.attemptId)) this.schedule(this.opts.intervalMs);
  }

  /** Splits new records into chunks; chunk ranges cover raw records too, so the webview's seq stays contiguous. */
  private emit(from: number, records: JournalRecord[]): void {
    let chunkFrom = from;
    let batch: WireRecord[] = [];
    let bytes = 0;
    for (const r of records) {
      this.index(r);
      const w = toWire(r);
      if (!w) continue;
      const size = JSON.stringify(w).length + 1;
      if (batch.length && (batch.length >= this.opts.maxRecordsPerChunk || bytes + size > this.opts.maxBytesPerChunk)) {
        const last = (batch[batch.length - 1] as WireRecord).seq + 1;
        this.deps.send(
          { attemptId: this.attemptId, fromSeq: chunkFrom, nextSeq: last, records: batch },
          bytes + CHUNK_OVERHEAD,
        );
        chunkFrom = last;
        batch = [];
        bytes = 0;
      }
      batch.push(w);
      bytes += size;
    }
    const end = (records[records.length - 1] as JournalRecord).seq + 1;
    this.deps.send(
      { attemptId: this.attemptId, fromSeq: chunkFrom, nextSeq: end, records: batch },
      bytes + CHUNK_OVERHEAD,
    );
    this.cursor = end;
  }

  private index(r: JournalRecord): void {
    const id = rawItemId(r);
    if (id === null) return;
    const seqs = this.rawSeqs.get(id);
    if (seqs) seqs.push(r.seq);
    else if (this.rawSeqs.size < MAX_INDEXED_ITEMS) this.rawSeqs.set(id, [r.seq]);
  }
}
