// Per-attempt JSONL journal: every raw protocol message and every normalized event, capped and scrubbed.

import {
  closeSync,
  existsSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { AgentEvent, JournalRecord } from '../../shared/events';
import { redact } from '../config/secrets';
import { readIndexed } from './journalIndex';
import { flushWriters, registerWriter, unregisterWriter } from './journalWriters';

export const DEFAULT_JOURNAL_LINE_CAP = 16 * 1024 * 1024;
/** `quartet.journal.maxBytesPerAttempt` by default: generous for real work, finite for a process that prints forever. */
export const DEFAULT_JOURNAL_BUDGET = 256 * 1024 * 1024;

/** Streamed output pieces: past the budget they are counted, not written (the completed item still carries its output). */
const OUTPUT_DELTAS = new Set([
  'item/agentMessage/delta',
  'item/commandExecution/outputDelta',
  'item/fileChange/outputDelta',
  'item/reasoning/summaryTextDelta',
  'item/reasoning/textDelta',
  'item/plan/delta',
]);
/** A summary record per this many skipped bytes, so a reader sees the output went on. */
const SUMMARY_EVERY = 8 * 1024 * 1024;
/**
 * Records are buffered and written with one write per journal at most this often: a supervisor that dies
 * loses at most these last milliseconds (any exit that runs 'exit' handlers loses nothing).
 */
export const JOURNAL_FLUSH_MS = 10;
/** Buffered bytes that are written at once, without waiting for the timer. */
const FLUSH_BYTES = 64 * 1024;

export interface JournalOptions {
  /** Called once, on the first failed write (a full disk, a journal folder that became a file…). */
  onError?: (message: string) => void;
  /** Byte budget of the whole file (every run of the attempt); past it output deltas are summarized. */
  maxBytes?: number;
  /** Called once, when the budget is first reached (the orchestrator stops the attempt). */
  onBudget?: (message: string) => void;
}

export class Journal {
  private fd: number | null = null;
  private seq = 0;
  private failed: string | null = null;
  /** Where a torn last line (a crash mid-write) starts: it is cut off before the first write. */
  private tornAt: number | null = null;
  /** Latest `turn/diff/updated` per turn: each repeats the whole diff, so only the last is kept. */
  private pendingDiffs = new Map<string, unknown>();
  /** Bytes in the file (what was there at open plus what this instance wrote). */
  private bytes = 0;
  private budgetNotice: string | null = null;
  /** Output deltas not written since the last summary record. */
  private skipped = { count: 0, bytes: 0 };
  /** Lines accepted (seq given, bytes counted) but not yet written: one write per flush. */
  private pending: string[] = [];
  private pendingBytes = 0;
  private flushTimer: NodeJS.Timeout | null = null;
  private readonly writer = { flush: (): void => this.flush() };

  constructor(
    readonly path: string,
    private readonly secrets: readonly string[] = [],
    private readonly lineCap = DEFAULT_JOURNAL_LINE_CAP,
    private readonly options: JournalOptions = {},
  ) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      // Another writer of this file in this process (a land's or a check's event) goes first.
      flushWriters(path);
      if (existsSync(path)) ({ lines: this.seq, size: this.bytes, tornAt: this.tornAt } = scanLines(path));
    } catch (err) {
      // Never throw: the attempt must end with a clear reason, not crash the supervisor.
      this.fail(err);
    }
  }

  /** Set when a write failed (e.g. a full disk); the attempt keeps running without a journal. */
  get error(): string | null {
    return this.failed;
  }

  /** Set once the byte budget was reached: the message the attempt shows. */
  get budgetReached(): string | null {
    return this.budgetNotice;
  }

  /** `text`: the message's own JSON line when it came in as one (written as it is: no second serialization). */
  raw(dir: 'in' | 'out', msg: unknown, text?: string): void {
    const m = msg as { method?: string; params?: { turnId?: string } };
    if (this.budgetNotice && dir === 'in' && OUTPUT_DELTAS.has(m?.method ?? '')) return this.skip(msg);
    // The summary goes before the next real record, so the journal reads in order.
    this.summarize();
    if (dir === 'in' && m?.method === 'turn/diff/updated') {
      this.pendingDiffs.set(m.params?.turnId ?? '', msg);
      return;
    }
    if (dir === 'in' && m?.method === 'turn/completed') this.flushDiffs();
    this.write({ seq: 0, at: new Date().toISOString(), kind: 'raw', dir, msg }, text);
  }

  event(event: AgentEvent): void {
    this.summarize();
    this.write({ seq: 0, at: new Date().toISOString(), kind: 'event', event });
  }

  flushDiffs(): void {
    for (const msg of this.pendingDiffs.values())
      this.write({ seq: 0, at: new Date().toISOString(), kind: 'raw', dir: 'in', msg });
    this.pendingDiffs.clear();
  }

  close(): void {
    this.flushDiffs();
    this.summarize();
    this.flush();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  /** Writes the buffered lines now (one write); readers of the file call this through `flushWriters`. */
  flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    unregisterWriter(this.path, this.writer);
    if (!this.pending.length || this.fd === null) return;
    const text = this.pending.join('');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      writeSync(this.fd, text);
    } catch (err) {
      this.fail(err);
    }
  }

  /** Counts an output delta past the budget; writes a summary record every SUMMARY_EVERY bytes. */
  private skip(msg: unknown): void {
    this.skipped.count++;
    this.skipped.bytes += Buffer.byteLength(JSON.stringify(msg) ?? '');
    if (this.skipped.bytes >= SUMMARY_EVERY) this.summarize();
  }

  private summarize(): void {
    if (!this.skipped.count) return;
    const { count, bytes } = this.skipped;
    this.skipped = { count: 0, bytes: 0 };
    this.write({
      seq: 0,
      at: new Date().toISOString(),
      kind: 'event',
      event: {
        type: 'warning',
        message: `journal budget reached: ${count} output deltas (${bytes} bytes) summarized, not written`,
      },
    });
  }

  private write(record: JournalRecord, msgText?: string): void {
    if (this.failed) return;
    // Past the budget and its headroom only phase records still go in: the attempt's end must stay readable.
    const cap = this.options.maxBytes;
    if (
      cap !== undefined &&
      this.bytes >= cap + budgetHeadroom(cap) &&
      !(record.kind === 'event' && record.event.type === 'phase')
    )
      return;
    record.seq = this.seq;
    // The same line JSON.stringify would give (same keys, same order), with the message as Codex wrote it.
    const json =
      msgText !== undefined && record.kind === 'raw'
        ? `{"seq":${record.seq},"at":"${record.at}","kind":"raw","dir":"${record.dir}","msg":${msgText}}`
        : JSON.stringify(record);
    let line = redact(json, this.secrets);
    if (Buffer.byteLength(line) > this.lineCap) {
      const cut: JournalRecord = {
        seq: this.seq,
        at: record.at,
        kind: 'event',
        event: {
          type: 'malformed',
          reason: `journal record over ${this.lineCap} bytes truncated`,
          sample: line.slice(0, 500),
        },
      };
      line = redact(JSON.stringify(cut), this.secrets);
    }
    try {
      // Opened at the first record, so a journal that cannot be opened says so at once.
      if (this.fd === null) this.fd = this.open();
    } catch (err) {
      return this.fail(err);
    }
    const text = `${line}\n`;
    const size = Buffer.byteLength(text);
    this.pending.push(text);
    this.pendingBytes += size;
    this.seq++;
    this.bytes += size;
    // A phase record marks a state change a crash must not lose; a big buffer goes out without waiting.
    if ((record.kind === 'event' && record.event.type === 'phase') || this.pendingBytes >= FLUSH_BYTES) this.flush();
    else if (!this.flushTimer) {
      registerWriter(this.path, this.writer);
      this.flushTimer = setTimeout(() => this.flush(), JOURNAL_FLUSH_MS);
      this.flushTimer.unref();
    }
    if (cap !== undefined && this.bytes >= cap && !this.budgetNotice) this.reachBudget(cap);
  }

  /** Opens for appending; a torn last line (a crash mid-write) is cut off first, so every line is a whole record. */
  private open(): number {
    const fd = openSync(this.path, 'a', 0o600);
    if (this.tornAt !== null) {
      ftruncateSync(fd, this.tornAt);
      this.bytes = this.tornAt;
      this.tornAt = null;
    }
    return fd;
  }

  private reachBudget(cap: number): void {
    this.budgetNotice = `journal budget reached (${cap} bytes, quartet.journal.maxBytesPerAttempt): output summarized, attempt stopped`;
    this.write({
      seq: 0,
      at: new Date().toISOString(),
      kind: 'event',
      event: { type: 'warning', message: this.budgetNotice },
    });
    this.options.onBudget?.(this.budgetNotice);
  }

  private fail(err: unknown): void {
    if (this.failed) return;
    this.failed = `journal write failed: ${(err as Error).message}`;
    this.options.onError?.(this.failed);
  }
}

/** Room past the budget for the records that are still written (protocol, events) while the attempt stops. */
function budgetHeadroom(cap: number): number {
  return Math.max(64 * 1024, Math.floor(cap / 4));
}

/** Appends one event to a journal no runner holds open (checks, lands, archives), and closes it again. */
export function appendJournalEvent(path: string, event: AgentEvent): void {
  const journal = new Journal(path);
  journal.event(event);
  journal.close();
}

/** Complete lines in the file (the next seq), and where a torn, unterminated last line starts (null: none). */
function scanLines(path: string): { lines: number; tornAt: number | null; size: number } {
  const size = statSync(path).size;
  if (size === 0) return { lines: 0, tornAt: null, size };
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(Math.min(size, 1 << 20));
    let lines = 0;
    let lineStart = 0;
    for (let pos = 0; pos < size;) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) {
        lines++;
        lineStart = pos + i + 1;
      }
      pos += n;
    }
    return { lines, tornAt: lineStart < size ? lineStart : null, size };
  } finally {
    closeSync(fd);
  }
}

/** Reads journal records from `from` (inclusive); unparsable lines are skipped. */
export function readJournal(path: string, from = 0): JournalRecord[] {
  if (from > 0) return readIndexed(path, from);
  flushWriters(path);
  if (!existsSync(path)) return [];
  const out: JournalRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    try {
      const rec = JSON.parse(line) as JournalRecord;
      if (rec.seq >= from) out.push(rec);
    } catch {
      // a torn last line after a crash: the rest of the journal is still good
    }
  }
  return out;
}
