// Unit: the journal as a logging sink (SPEC §17.6): a failing write never throws into orchestration, and secrets are redacted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal } from '../../src/core/observability/journal';

test('a journal whose file cannot be opened or written records the error and keeps accepting records without throwing', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-journal-'));
  try {
    const path = join(dir, 'a.jsonl');
    mkdirSync(path); // a directory where the file should be: every open fails
    // Neither opening nor writing throws: the attempt goes on without a journal, and says so.
    const j = new Journal(path);
    j.event({ type: 'warning', message: 'first' });
    assert.match(j.error ?? '', /^journal write failed: EISDIR/);
    assert.doesNotThrow(() => {
      j.raw('in', { method: 'turn/completed', params: {} });
      j.event({ type: 'warning', message: 'second' });
      j.close();
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('journal lines redact every declared secret value, in raw messages and events alike', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-journal-'));
  try {
    const path = join(dir, 'b.jsonl');
    const j = new Journal(path, ['ghp_journalSecret123456']);
    j.raw('in', { method: 'item/completed', params: { text: 'token ghp_journalSecret123456 echoed' } });
    j.event({ type: 'warning', message: 'again ghp_journalSecret123456' });
    j.close();
    const text = readFileSync(path, 'utf8');
    assert.equal(text.includes('ghp_journalSecret123456'), false);
    assert.equal(text.split('[REDACTED]').length, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('past the byte budget output deltas are counted, not written; the budget is reported once; the file stays bounded', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-journal-'));
  try {
    const path = join(dir, 'a.jsonl');
    const cap = 200 * 1024;
    const reached: string[] = [];
    const j = new Journal(path, [], undefined, { maxBytes: cap, onBudget: (m) => reached.push(m) });
    const delta = (i: number): unknown => ({
      method: 'item/commandExecution/outputDelta',
      params: { itemId: 'c1', delta: `y ${i} ${'y'.repeat(500)}` },
    });
    // An endless printer: ~50 MiB of deltas, 250 times the budget.
    for (let i = 0; i < 100_000; i++) j.raw('in', delta(i));
    j.raw('in', { method: 'item/completed', params: { item: { id: 'c1', type: 'commandExecution' } } });
    j.event({ type: 'phase', phase: 'stopped', reason: 'journal_budget', message: 'stopped' });
    j.close();
    assert.equal(reached.length, 1);
    assert.match(
      reached[0] ?? '',
      /journal budget reached \(204800 bytes, quartet\.journal\.maxBytesPerAttempt\): output summarized/,
    );
    const size = readFileSync(path).length;
    assert.ok(size < cap * 1.25 + 64 * 1024, `journal is ${size} bytes for a ${cap}-byte budget`);
    const records = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .map(
        (l) =>
          JSON.parse(l) as {
            kind: string;
            msg?: { method?: string };
            event?: { type: string; message?: string; phase?: string };
          },
      );
    const summaries = records.filter(
      (r) => r.event?.type === 'warning' && /output deltas \(\d+ bytes\) summarized/.test(r.event.message ?? ''),
    );
    assert.ok(summaries.length >= 1, 'the skipped output is summarized');
    assert.equal(records.at(-1)?.event?.phase, 'stopped', 'the end of the attempt is still recorded');
    assert.ok(
      records.some((r) => r.msg?.method === 'item/completed'),
      'protocol records past the budget are kept',
    );
    // A retry opens the same file: already over budget, it says so at its first record.
    const again: string[] = [];
    const k = new Journal(path, [], undefined, { maxBytes: cap, onBudget: (m) => again.push(m) });
    k.event({ type: 'phase', phase: 'preparing', reason: null });
    k.close();
    assert.equal(again.length, 1);
    assert.ok(k.budgetReached);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
