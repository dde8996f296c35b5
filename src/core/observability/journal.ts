// Per-attempt JSONL journal: every raw protocol message and every normalized event, capped and scrubbed.

import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AgentEvent, JournalRecord } from '../../shared/events';
import { redact } from '../config/secrets';

export const DEFAULT_JOURNAL_LINE_CAP = 16 * 1024 * 1024;

export class Journal {
  private fd: number | null = null;
  private seq: number;
  private failed: string | null = null;
  /** Latest `turn/diff/updated` per turn: each repeats the whole diff, so only the last is kept. */
  private pendingDiffs = new Map<string, unknown>();

  constructor(
    readonly path: string,
    private readonly secrets: readonly string[] = [],
    private readonly lineCap = DEFAULT_JOURNAL_LINE_CAP,
  ) {
    this.seq = 0;
    try {
      mkdirSync(dirname(path), { recursive: true });
      this.seq = existsSync(path) ? countLines(path) : 0;
    } catch (err) {
      // A journal that cannot be opened must not take the attempt (or the supervisor) down: SPEC §17.6.
      this.failed = `journal write failed: ${(err as Error).message}`;
    }
  }

  /** Set when a write failed (e.g. a full disk); the attempt keeps running without a journal. */
  get error(): string | null {
    return this.failed;
  }

  raw(dir: 'in' | 'out', msg: unknown): void {
    const m = msg as { method?: string; params?: { turnId?: string } };
    if (dir === 'in' && m?.method === 'turn/diff/updated') {
      this.pendingDiffs.set(m.params?.turnId ?? '', msg);
      return;
    }
    if (dir === 'in' && m?.method === 'turn/completed') this.flushDiffs();
    this.write({ seq: 0, at: new Date().toISOString(), kind: 'raw', dir, msg });
  }

  event(event: AgentEvent): void {
    this.write({ seq: 0, at: new Date().toISOString(), kind: 'event', event });
  }

  flushDiffs(): void {
    for (const msg of this.pendingDiffs.values()) this.write({ seq: 0, at: new Date().toISOString(), kind: 'raw', dir: 'in', msg });
    this.pendingDiffs.clear();
  }

  close(): void {
    this.flushDiffs();
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private write(record: JournalRecord): void {
    if (this.failed) return;
    record.seq = this.seq;
    let line = redact(JSON.stringify(record), this.secrets);
    if (Buffer.byteLength(line) > this.lineCap) {
      const cut: JournalRecord = {
        seq: this.seq,
        at: record.at,
        kind: 'event',
        event: { type: 'malformed', reason: `journal record over ${this.lineCap} bytes truncated`, sample: line.slice(0, 500) },
      };
      line = redact(JSON.stringify(cut), this.secrets);
    }
    try {
      if (this.fd === null) this.fd = openSync(this.path, 'a', 0o600);
      writeSync(this.fd, `${line}\n`);
      this.seq++;
    } catch (err) {
      this.failed = `journal write failed: ${(err as Error).message}`;
    }
  }
}

/** Appends one event to a journal no runner holds open (checks, lands, archives), and closes it again. */
export function appendJournalEvent(path: string, event: AgentEvent): void {
  const journal = new Journal(path);
  journal.event(event);
  journal.close();
}

function countLines(path: string): number {
  const buf = readFileSync(path);
  let n = 0;
  for (const b of buf) if (b === 10) n++;
  return n;
}

/** Reads journal records from `from` (inclusive); unparsable lines are skipped. */
export function readJournal(path: string, from = 0): JournalRecord[] {
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
