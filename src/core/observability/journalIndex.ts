// Byte-offset index of journals: a read from seq N parses only the lines from N on, not the whole file.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { JournalRecord } from '../../shared/events';
import { flushWriters } from './journalWriters';

/** Per journal: where each complete line starts and the seq it carries, up to `scanned` bytes. */
interface Index {
  ino: number;
  scanned: number;
  seqs: number[];
  offsets: number[];
  /** [start, end) of complete lines that are no whole record (rare: a torn line an older build kept). */
  gaps: [number, number][];
}

const MAX_INDEXES = 64;
const indexes = new Map<string, Index>();
const SEQ_PREFIX = Buffer.from('{"seq":', 'latin1');
/** One read buffer for every refresh: a poll that allocated its own would hand the GC a megabyte each time. */
let scratch: Buffer | null = null;

/** The seq a journal line starts with (`{"seq":N,`), read from its bytes: this runs once per line a follower is shown. */
function seqOf(line: Buffer): number | null {
  if (line.length <= SEQ_PREFIX.length || line.compare(SEQ_PREFIX, 0, SEQ_PREFIX.length, 0, SEQ_PREFIX.length) !== 0)
    return null;
  let n = 0;
  let digits = 0;
  for (let i = SEQ_PREFIX.length; i < line.length; i++) {
    const c = line[i] as number;
    if (c === 44) return digits ? n : null; // ','
    if (c < 48 || c > 57) return null;
    n = n * 10 + (c - 48);
    digits++;
  }
  return null;
}

/** Lines parsed as JSON by indexed reads since start (lets tests check a tail read stays a tail read). */
export const journalIndexStats = { parsedLines: 0, scannedBytes: 0 };

/** Extends the index over bytes appended since the last call; a file that shrank or was replaced is re-indexed. */
function refresh(path: string): Index | null {
  flushWriters(path);
  if (!existsSync(path)) {
    indexes.delete(path);
    return null;
  }
  const st = statSync(path);
  let idx = indexes.get(path);
  if (!idx || idx.ino !== st.ino || st.size < idx.scanned)
    idx = { ino: st.ino, scanned: 0, seqs: [], offsets: [], gaps: [] };
  indexes.delete(path);
  indexes.set(path, idx); // most recently used last
  if (indexes.size > MAX_INDEXES) indexes.delete(indexes.keys().next().value as string);
  if (st.size === idx.scanned) return idx;
  const fd = openSync(path, 'r');
  try {
    const buf = (scratch ??= Buffer.allocUnsafe(1 << 20));
    let lineStart = idx.scanned;
    let head: Buffer[] = [];
    let last = 0;
    for (let pos = idx.scanned; pos < st.size;) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, st.size - pos), pos);
      if (n <= 0) break;
      journalIndexStats.scannedBytes += n;
      let from = 0;
      for (let nl = buf.indexOf(10, 0); nl !== -1 && nl < n; nl = buf.indexOf(10, nl + 1)) {
        const start = buf.subarray(from, Math.min(nl, from + 32));
        const seq = seqOf(head.length ? Buffer.concat([...head, start]) : start);
        // Only whole records are indexed (a seq first, `}` last): the route serves indexed lines as they are.
        if (nl > from) last = buf[nl - 1] as number;
        if (seq !== null && last === 125) {
          idx.seqs.push(seq);
          idx.offsets.push(lineStart);
        } else idx.gaps.push([lineStart, pos + nl + 1]);
        lineStart = pos + nl + 1;
        from = nl + 1;
        head = [];
      }
      // Keep the start of an unfinished line so its seq can be read once its newline arrives.
      if (from < n && head.reduce((s, b) => s + b.length, 0) < 32)
        head.push(Buffer.from(buf.subarray(from, Math.min(n, from + 32))));
      if (from < n) last = buf[n - 1] as number;
      pos += n;
    }
    // Only complete lines are indexed: a line still being written is read on the next call.
    idx.scanned = lineStart;
  } finally {
    closeSync(fd);
  }
  return idx;
}

/** First index position whose seq is ≥ `from` (seqs only grow within a journal). */
function lowerBound(seqs: number[], from: number): number {
  let lo = 0;
  let hi = seqs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((seqs[mid] as number) < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Records with seq ≥ `from`, parsing only the lines from the first such record on. */
export function readIndexed(path: string, from: number): JournalRecord[] {
  return readIndexedPage(path, from, Number.POSITIVE_INFINITY).records;
}

export interface JournalPage {
  records: JournalRecord[];
  /** The `from` of the next page, or null when this page reached the end of what is written. */
  next: number | null;
}

/** Whole journal lines as they are on disk, each ending in a newline; torn or foreign lines left out. */
export interface RawJournalPage {
  bytes: Buffer;
  /** Records in `bytes`. */
  count: number;
  next: number | null;
}

/** The bytes of the records with seq ≥ `from` in at most `maxBytes` (at least one record, however large). */
export function readRawPage(path: string, from: number, maxBytes: number): RawJournalPage {
  const idx = refresh(path);
  const none = { bytes: Buffer.alloc(0), count: 0, next: null };
  if (!idx) return none;
  const i = lowerBound(idx.seqs, from);
  if (i >= idx.offsets.length) return none;
  const start = idx.offsets[i] as number;
  const endOf = (k: number): number => (k >= idx.offsets.length ? idx.scanned : (idx.offsets[k] as number));
  // Binary search the last line boundary within the budget; one record always goes, so a page never stalls.
  let lo = i + 1;
  let hi = idx.offsets.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (endOf(mid) - start <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  const stop = lo;
  const next = stop < idx.offsets.length ? (idx.seqs[stop] as number) : null;
  const end = endOf(stop);
  let buf: Buffer = Buffer.allocUnsafe(end - start);
  const fd = openSync(path, 'r');
  try {
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, start + got);
      if (n <= 0) break;
      got += n;
    }
    // Cut short meanwhile (replaced): only the whole lines that were read.
    if (got < buf.length) return { bytes: buf.subarray(0, buf.lastIndexOf(10, got - 1) + 1), count: 0, next: null };
  } finally {
    closeSync(fd);
  }
  buf = withoutGaps(buf, start, end, idx.gaps);
  return { bytes: buf, count: stop - i, next };
}

/** Cuts the lines that are no record (a torn line an older build left) out of the bytes read from `start`. */
function withoutGaps(buf: Buffer, start: number, end: number, gaps: readonly [number, number][]): Buffer {
  const inside = gaps.filter(([a]) => a >= start && a < end);
  if (!inside.length) return buf;
  const parts: Buffer[] = [];
  let at = start;
  for (const [a, b] of inside) {
    parts.push(buf.subarray(at - start, a - start));
    at = b;
  }
  parts.push(buf.subarray(at - start));
  return Buffer.concat(parts);
}

/** Records with seq ≥ `from` in at most `maxBytes` of journal lines (at least one record, however large). */
export function readIndexedPage(path: string, from: number, maxBytes: number): JournalPage {
  const { bytes, next } = readRawPage(path, from, maxBytes);
  const out: JournalRecord[] = [];
  for (const line of bytes.toString('utf8').split('\n')) {
    if (!line) continue;
    journalIndexStats.parsedLines++;
    try {
      const rec = JSON.parse(line) as JournalRecord;
      if (rec.seq >= from) out.push(rec);
    } catch {
      // a line someone else wrote into the file: the records around it are still good
    }
  }
  return { records: out, next };
}
