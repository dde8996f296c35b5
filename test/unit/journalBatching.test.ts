// Unit: journal records are buffered and written in batches, yet every read sees them, in order, and an exit loses none.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendJournalEvent, Journal, readJournal } from '../../src/core/observability/journal';
import { readIndexed, readIndexedPage } from '../../src/core/observability/journalIndex';
import { journalReply } from '../../src/core/supervisor/journalRoute';
import type { JournalRecord } from '../../src/shared/events';

// Child mode: journal records, then leave through process.exit before any flush timer could run.
if (process.env.QUARTET_JOURNAL_EXIT_CHILD) {
  const j = new Journal(process.env.QUARTET_JOURNAL_EXIT_CHILD);
  for (let i = 0; i < 25; i++) j.event({ type: 'warning', message: `before exit ${i}` });
  process.exit(0);
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'q-jb-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const lines = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
const messages = (records: JournalRecord[]): string[] =>
  records.map((r) => (r.kind === 'event' && r.event.type === 'warning' ? r.event.message : `${r.kind}`));

test('records wait in a buffer, yet every read of the journal sees all of them, in order', () => {
  withDir((dir) => {
    const path = join(dir, 'a.jsonl');
    const j = new Journal(path);
    for (let i = 0; i < 40; i++) j.event({ type: 'warning', message: `m${i}` });
    assert.ok(lines(path).length < 40, 'not one write per record: the batch is still buffered');
    assert.deepEqual(
      readJournal(path).map((r) => r.seq),
      Array.from({ length: 40 }, (_, i) => i),
    );
    j.event({ type: 'warning', message: 'm40' });
    assert.deepEqual(messages(readIndexed(path, 39)), ['m39', 'm40'], 'an indexed read flushes first too');
    j.event({ type: 'warning', message: 'm41' });
    assert.deepEqual(
      readIndexedPage(path, 41, 1024).records.map((r) => r.seq),
      [41],
    );
    j.close();
    assert.equal(lines(path).length, 42);
  });
});

test('close writes what is buffered; a phase record is written at once', () => {
  withDir((dir) => {
    const path = join(dir, 'b.jsonl');
    const j = new Journal(path);
    j.event({ type: 'warning', message: 'buffered' });
    j.event({ type: 'phase', phase: 'working', reason: null });
    assert.equal(lines(path).length, 2, 'the phase record took the buffered one with it');
    j.event({ type: 'warning', message: 'after' });
    j.close();
    assert.deepEqual(
      lines(path).map((l) => (JSON.parse(l) as JournalRecord).seq),
      [0, 1, 2],
    );
  });
});

test('a second writer of the same journal (a land’s or a check’s event) goes after the buffered records', () => {
  withDir((dir) => {
    const path = join(dir, 'c.jsonl');
    const j = new Journal(path);
    for (let i = 0; i < 5; i++) j.event({ type: 'warning', message: `runner ${i}` });
    appendJournalEvent(path, { type: 'warning', message: 'from the land' });
    j.close();
    const all = readJournal(path);
    assert.deepEqual(messages(all), ['runner 0', 'runner 1', 'runner 2', 'runner 3', 'runner 4', 'from the land']);
    assert.deepEqual(
      all.map((r) => r.seq),
      [0, 1, 2, 3, 4, 5],
    );
  });
});

test('a process that leaves through process.exit with records buffered loses none of them', () => {
  withDir((dir) => {
    const path = join(dir, 'd.jsonl');
    const child = spawnSync(process.execPath, [__filename], {
      env: { ...process.env, QUARTET_JOURNAL_EXIT_CHILD: path },
      encoding: 'utf8',
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(
      messages(readJournal(path)),
      Array.from({ length: 25 }, (_, i) => `before exit ${i}`),
    );
  });
});

test('the journal route’s reply, made from the file’s bytes, is the records a parse of every line gives', () => {
  withDir((dir) => {
    const path = join(dir, 'e.jsonl');
    const j = new Journal(path, ['sekret-value-123']);
    for (let i = 0; i < 30; i++) j.event({ type: 'warning', message: `é✓ ${i} "quoted" \n sekret-value-123` });
    j.raw('in', { method: 'item/commandExecution/outputDelta', params: { delta: 'line\r\n\t{}[],' } });
    j.close();
    // A line no whole record (what an older build left after a crash) between two records.
    appendFileSync(path, '{"seq":31,"at":"x","kind":"event","event":{"type":"warn\n');
    const k = new Journal(path);
    k.event({ type: 'warning', message: 'after the foreign line' });
    k.close();
    const naive = readFileSync(path, 'utf8')
      .split('\n')
      .flatMap((l) => {
        try {
          return [JSON.parse(l) as JournalRecord];
        } catch {
          return [];
        }
      });
    for (const from of [0, 1, 17, 30, 31, 32, 99]) {
      const reply = JSON.parse(journalReply(path, { from }).toString('utf8')) as JournalRecord[];
      assert.deepEqual(
        reply,
        naive.filter((r) => r.seq >= from),
        `from ${from}`,
      );
    }
    assert.equal(JSON.stringify(naive).includes('sekret-value-123'), false, 'the secret was redacted on the way in');
    const pages: JournalRecord[] = [];
    for (let at: number | null = 0; at !== null;) {
      const page = JSON.parse(journalReply(path, { from: at, maxBytes: 512 }).toString('utf8')) as {
        records: JournalRecord[];
        next: number | null;
      };
      assert.deepEqual(page, readIndexedPage(path, at, 512));
      pages.push(...page.records);
      at = page.next;
    }
    assert.deepEqual(pages, naive);
    assert.deepEqual(JSON.parse(journalReply(join(dir, 'none.jsonl'), {}).toString('utf8')), []);
    writeFileSync(join(dir, 'empty.jsonl'), '');
    assert.deepEqual(JSON.parse(journalReply(join(dir, 'empty.jsonl'), { maxBytes: 10 }).toString('utf8')), {
      records: [],
      next: null,
    });
  });
});

test('an incoming message is journaled from its own line: the bytes Codex sent, redacted, reading back as the record', () => {
  withDir((dir) => {
    const path = join(dir, 'f.jsonl');
    const j = new Journal(path, ['sekret-value-123']);
    const text =
      '{"method":"item/commandExecution/outputDelta", "params":{"delta":"tick é✓ sekret-value-123\\r\\n","n":1.50}}';
    j.raw('in', JSON.parse(text), text);
    j.raw('in', { method: 'x', params: {} });
    j.close();
    const [first, second] = lines(path);
    assert.ok(
      first?.endsWith(
        '"msg":{"method":"item/commandExecution/outputDelta", "params":{"delta":"tick é✓ [REDACTED]\\r\\n","n":1.50}}}',
      ),
      first,
    );
    const [a, b] = readJournal(path);
    assert.deepEqual(a, {
      seq: 0,
      at: a?.at,
      kind: 'raw',
      dir: 'in',
      msg: JSON.parse(text.replace('sekret-value-123', '[REDACTED]')),
    });
    assert.equal(second, JSON.stringify(b), 'a message without its line is serialized as before');
  });
});
