// Unit: journal reads from an offset (index) agree with a full parse, stay incremental, survive torn lines and replaced files.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, readJournal } from '../../src/core/observability/journal';
import { journalIndexStats, readIndexed, readIndexedPage } from '../../src/core/observability/journalIndex';
import type { JournalRecord } from '../../src/shared/events';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'q-ji-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The reference: parse every line, keep seq ≥ from. */
function naive(path: string, from: number): JournalRecord[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as JournalRecord];
      } catch {
        return [];
      }
    })
    .filter((r) => r.seq >= from);
}

function writeEvents(j: Journal, n: number, text = 'x'): void {
  for (let i = 0; i < n; i++) j.event({ type: 'warning', message: `${text} ${i} ${'é✓'.repeat(i % 7)}` });
}

test('reads from any seq match a full parse, including from 0, the last record and past the end', () => {
  withDir((dir) => {
    const path = join(dir, 'a.jsonl');
    const j = new Journal(path);
    writeEvents(j, 500);
    j.close();
    for (const from of [0, 1, 2, 99, 250, 498, 499, 500, 10_000]) {
      assert.deepEqual(readIndexed(path, from), naive(path, from), `from ${from}`);
      assert.deepEqual(readJournal(path, from), naive(path, from), `readJournal from ${from}`);
    }
  });
});

test('a tail read parses only the tail: appended records are indexed incrementally', () => {
  withDir((dir) => {
    const path = join(dir, 'b.jsonl');
    const j = new Journal(path);
    writeEvents(j, 2000);
    readIndexed(path, 1990); // builds the index once
    const parsedBefore = journalIndexStats.parsedLines;
    const scannedBefore = journalIndexStats.scannedBytes;
    assert.equal(readIndexed(path, 1995).length, 5);
    assert.equal(journalIndexStats.parsedLines - parsedBefore, 5, 'only the 5 tail lines were parsed');
    assert.equal(journalIndexStats.scannedBytes, scannedBefore, 'nothing was re-scanned');
    writeEvents(j, 10, 'more');
    const tail = readIndexed(path, 2000);
    assert.deepEqual(
      tail.map((r) => r.seq),
      [2000, 2001, 2002, 2003, 2004, 2005, 2006, 2007, 2008, 2009],
    );
    assert.ok(journalIndexStats.scannedBytes - scannedBefore < 2000, 'only the appended bytes were scanned');
    j.close();
  });
});

test('a line still being written is not returned until its newline arrives', () => {
  withDir((dir) => {
    const path = join(dir, 'c.jsonl');
    const j = new Journal(path);
    writeEvents(j, 3);
    j.close();
    const next = JSON.stringify({ seq: 3, at: 'now', kind: 'event', event: { type: 'warning', message: 'late' } });
    appendFileSync(path, next.slice(0, 10));
    assert.deepEqual(
      readIndexed(path, 2).map((r) => r.seq),
      [2],
    );
    appendFileSync(path, `${next.slice(10)}\n`);
    assert.deepEqual(
      readIndexed(path, 2).map((r) => r.seq),
      [2, 3],
    );
  });
});

test('a torn line from a crash is skipped, and the next Journal starts on a fresh line (no record glued to it)', () => {
  withDir((dir) => {
    const path = join(dir, 'd.jsonl');
    const j = new Journal(path);
    writeEvents(j, 4);
    j.close();
    appendFileSync(path, '{"seq":4,"at":"x","kind":"ev'); // the crash
    const again = new Journal(path);
    again.event({ type: 'warning', message: 'after the crash' });
    again.close();
    const all = readJournal(path);
    assert.deepEqual(
      all.map((r) => r.seq),
      [0, 1, 2, 3, 4],
    );
    assert.equal(
      all[4]?.kind === 'event' && all[4].event.type === 'warning' && all[4].event.message,
      'after the crash',
    );
    assert.deepEqual(readIndexed(path, 3), naive(path, 3));
  });
});

test('a journal replaced by a shorter file is re-indexed, not read at stale offsets', () => {
  withDir((dir) => {
    const path = join(dir, 'e.jsonl');
    const j = new Journal(path);
    writeEvents(j, 50, 'old');
    j.close();
    assert.equal(readIndexed(path, 40).length, 10);
    writeFileSync(path, '');
    const k = new Journal(path);
    writeEvents(k, 5, 'new');
    k.close();
    assert.deepEqual(readIndexed(path, 1), naive(path, 1));
    assert.ok(
      readIndexed(path, 0).every(
        (r) => r.kind === 'event' && r.event.type === 'warning' && r.event.message.startsWith('new'),
      ),
    );
  });
});

test('a journal whose folder cannot be created does not throw: the error is reported once', () => {
  withDir((dir) => {
    writeFileSync(join(dir, 'file'), 'x');
    const errors: string[] = [];
    const j = new Journal(join(dir, 'file', 'journals', 'a.jsonl'), [], 1024, { onError: (m) => errors.push(m) });
    j.event({ type: 'warning', message: 'lost' });
    j.event({ type: 'warning', message: 'lost too' });
    assert.equal(errors.length, 1);
    assert.match(errors[0] ?? '', /journal write failed: .*(ENOTDIR|EEXIST)/);
    assert.equal(j.error, errors[0]);
  });
});

test('a record over the line cap becomes one truncated malformed record', () => {
  withDir((dir) => {
    const path = join(dir, 'f.jsonl');
    const j = new Journal(path, [], 4096);
    j.event({ type: 'agent_message', itemId: 'i', text: 'y'.repeat(10_000) });
    j.close();
    const [rec] = readJournal(path);
    assert.ok(rec?.kind === 'event' && rec.event.type === 'malformed');
    assert.match(
      rec.kind === 'event' && rec.event.type === 'malformed' ? rec.event.reason : '',
      /over 4096 bytes truncated/,
    );
    assert.ok(readFileSync(path).length < 4096);
  });
});

test('pages: at most maxBytes of lines (never less than one record), with the next page’s seq, until null at the end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-jpage-'));
  try {
    const path = join(dir, 'a.jsonl');
    const j = new Journal(path);
    for (let i = 0; i < 100; i++) j.event({ type: 'warning', message: `w${i} ${'x'.repeat(i === 50 ? 5000 : 50)}` });
    j.close();
    const seen: number[] = [];
    let pages = 0;
    for (let at: number | null = 0; at !== null; pages++) {
      const page = readIndexedPage(path, at, 1024);
      assert.ok(page.records.length >= 1);
      const bytes = page.records.reduce((s, r) => s + JSON.stringify(r).length + 1, 0);
      assert.ok(page.records.length === 1 || bytes <= 1024, `page of ${bytes} bytes`);
      seen.push(...page.records.map((r) => r.seq));
      if (page.next !== null) assert.equal(page.next, (page.records.at(-1)?.seq ?? -1) + 1);
      at = page.next;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 100 }, (_, i) => i),
    );
    assert.ok(pages > 5, `${pages} pages`);
    assert.deepEqual(readIndexedPage(path, 100, 1024), { records: [], next: null });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a follower polling pages (as the panel pump does) reads exactly the new records and only the new bytes each time', () => {
  withDir((dir) => {
    const path = join(dir, 'follow.jsonl');
    const j = new Journal(path);
    writeEvents(j, 300);
    let cursor = 0;
    const poll = (): { seqs: number[]; parsed: number; scanned: number } => {
      const [parsed, scanned] = [journalIndexStats.parsedLines, journalIndexStats.scannedBytes];
      const seqs: number[] = [];
      for (let at: number | null = cursor; at !== null;) {
        const page = readIndexedPage(path, at, 4096);
        seqs.push(...page.records.map((r) => r.seq));
        if (page.records.length) cursor = (page.records.at(-1) as JournalRecord).seq + 1;
        at = page.next;
      }
      return {
        seqs,
        parsed: journalIndexStats.parsedLines - parsed,
        scanned: journalIndexStats.scannedBytes - scanned,
      };
    };
    assert.equal(poll().seqs.length, 300);
    const idle = poll();
    assert.deepEqual(idle, { seqs: [], parsed: 0, scanned: 0 }, 'a poll with nothing new reads nothing');
    for (const k of [1, 7, 40]) {
      const size = readFileSync(path).length;
      writeEvents(j, k, `round ${k}`);
      const got = poll();
      assert.deepEqual(
        got.seqs,
        Array.from({ length: k }, (_, i) => cursor - k + i),
        `the ${k} new records, in order`,
      );
      assert.equal(got.parsed, k, 'only the new lines were parsed');
      assert.equal(got.scanned, readFileSync(path).length - size, 'only the appended bytes were scanned');
    }
    j.close();
  });
});
