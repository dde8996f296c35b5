// Unit: trace building from journal records, the log summary, failure lines, diffstat and wire conversion.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JournalRecord } from '../../src/shared/events';
import { TraceBuilder } from '../../src/shared/traceBuilder';
import { summarize } from '../../src/shared/logSummary';
import { importantLines } from '../../src/shared/failureLines';
import { parseUnifiedDiff } from '../../src/shared/diffstat';
import { toWire, rawItemId, MAX_WIRE_TEXT } from '../../src/shared/wire';
import { describeItem, visibleIndices } from '../../src/shared/traceText';
import type { WireEvent, WireRecord } from '../../src/shared/protocol';
import { syntheticJournal } from '../webview/syntheticJournal';

let seq = 0;
const rec = (event: WireEvent, at = `2026-11-21T10:00:${String(seq % 60).padStart(2, '0')}.000Z`): WireRecord => ({
  seq: seq++,
  at,
  event,
});

function sampleTrace(): TraceBuilder {
  seq = 0;
  const b = new TraceBuilder();
  b.append([
    rec({ type: 'session_started', threadId: 'th', model: 'gpt-5.5', modelProvider: 'openai' }),
    rec({ type: 'turn_started', turnId: 'u1' }),
    rec({ type: 'command_started', itemId: 'c1', command: '/bin/bash -lc "npm test"' }),
    rec({
      type: 'tokens',
      threadId: 'th',
      totals: { input: 1000, cachedInput: 100, output: 20, reasoningOutput: 2, total: 1020 },
    }),
    rec({
      type: 'command',
      itemId: 'c1',
      command: '/bin/bash -lc "npm test"',
      exitCode: 1,
      durationMs: 1200,
      status: 'failed',
      outputTail:
        '> test\nok 1 - a\nnot ok 2 - greets\n  AssertionError: Expected 1 to equal 2\n    at x (test.js:3:4)\n# fail 1\n',
    }),
    rec({ type: 'approval_requested', pendingId: 'p1', kind: 'command', summary: 'rm -rf build' }),
    rec({ type: 'approval_resolved', pendingId: 'p1', decision: 'accept', by: 'user' }),
    rec({
      type: 'file_change',
      itemId: 'f1',
      status: 'completed',
      files: [
        { path: 'src/a.ts', kind: 'update' },
        { path: 'src/b.ts', kind: 'add' },
      ],
    }),
    rec({
      type: 'command',
      itemId: 'c2',
      command: 'npm run lint',
      exitCode: 2,
      durationMs: 300,
      status: 'failed',
      outputTail: 'src/a.ts:1:1 error: no-unused-vars\n',
    }),
    rec({
      type: 'command',
      itemId: 'c3',
      command: '/bin/bash -lc "npm test"',
      exitCode: 0,
      durationMs: 900,
      status: 'completed',
      outputTail: 'ok\n',
    }),
    rec({
      type: 'diffstat',
      turnId: 'u1',
      files: [
        { path: 'src/a.ts', added: 3, removed: 1 },
        { path: 'src/b.ts', added: 10, removed: 0 },
      ],
    }),
    rec({
      type: 'tokens',
      threadId: 'th',
      totals: { input: 3000, cachedInput: 1000, output: 200, reasoningOutput: 20, total: 3200 },
    }),
    rec({ type: 'agent_message', itemId: 'm1', text: 'Fixed the greeting.\n\nAll tests pass.' }),
    rec({ type: 'turn_completed', turnId: 'u1', status: 'completed', error: null }),
  ]);
  return b;
}

test('a command updates its started item in place, keeping its position', () => {
  const b = sampleTrace();
  const cmd = b.items.find((i) => i.kind === 'command');
  assert.equal(cmd?.index, 2);
  assert.equal(cmd?.kind === 'command' && cmd.exitCode, 1);
  assert.equal(cmd?.kind === 'command' && cmd.running, false);
  assert.equal(b.items.filter((i) => i.kind === 'command').length, 3);
});

test('approvals record who answered; turns carry their diffstat', () => {
  const b = sampleTrace();
  const approval = b.items.find((i) => i.kind === 'approval');
  assert.equal(approval?.kind === 'approval' && approval.by, 'user');
  assert.match(describeItem(approval!), /accept by you/);
  const turn = b.items.find((i) => i.kind === 'turn');
  assert.equal(turn?.kind === 'turn' && turn.status, 'completed');
  assert.match(describeItem(turn!), /2 files changed/);
});

test('the log summary lists the first failing command first, with the lines that matter', () => {
  const s = summarize(sampleTrace());
  assert.equal(s.failures.length, 2);
  assert.match(s.failures[0]!.title, /^npm test \(exit 1\)/);
  assert.ok(s.failures[0]!.fixedLater, 'a later npm test passed');
  assert.deepEqual(s.failures[0]!.lines, [
    'not ok 2 - greets',
    '  AssertionError: Expected 1 to equal 2',
    '    at x (test.js:3:4)',
  ]);
  assert.match(s.failures[1]!.title, /npm run lint \(exit 2\)/);
  assert.equal(s.failures[1]!.fixedLater, false);
  assert.equal(s.finalMessage, 'Fixed the greeting.\n\nAll tests pass.');
  assert.deepEqual([s.diffstat.added, s.diffstat.removed, s.diffstat.files.length], [13, 1, 2]);
  assert.equal(s.diffstat.files[1]!.kind, 'add');
  assert.equal(s.tokens.total, 3200);
  assert.deepEqual(s.commands, { total: 3, failed: 2 });
});

test('tokens: latest absolute total per thread, summed over threads; the series grows per event', () => {
  seq = 0;
  const b = new TraceBuilder();
  const t = (threadId: string, total: number): WireRecord =>
    rec({ type: 'tokens', threadId, totals: { input: total, cachedInput: 0, output: 0, reasoningOutput: 0, total } });
  b.append([t('a', 100), t('a', 300), t('b', 50)]);
  assert.equal(b.tokens.total, 350);
  assert.deepEqual(
    b.tokenSeries.map((p) => p.total),
    [100, 300, 350],
  );
});

test('records below nextSeq are skipped, so a resent overlap never duplicates items', () => {
  const records = syntheticJournal({ events: 200 })
    .map(toWire)
    .filter((r): r is WireRecord => r !== null);
  const b = new TraceBuilder();
  b.append(records.slice(0, 120));
  b.append(records.slice(100));
  const once = new TraceBuilder();
  once.append(records);
  assert.equal(b.items.length, once.items.length);
  assert.equal(b.nextSeq, once.nextSeq);
});

test('filters: commands only, errors only, and search', () => {
  const b = sampleTrace();
  assert.equal(visibleIndices(b.items, 'commands', '').length, 3);
  assert.deepEqual(
    visibleIndices(b.items, 'errors', '').map((i) => b.items[i]!.kind),
    ['command', 'command'],
  );
  assert.equal(visibleIndices(b.items, 'all', 'ASSERTIONERROR').length, 1);
});

test('important lines: error markers beat noise; without any, the last lines', () => {
  assert.deepEqual(
    importantLines('compiling\n\u001b[31merror[E0308]: mismatched types\u001b[0m\n --> src/main.rs:4:5\ndone'),
    ['error[E0308]: mismatched types'],
  );
  assert.deepEqual(importantLines('a\nb\nc\nd\n'), ['b', 'c', 'd']);
  assert.ok(importantLines('x\n'.repeat(100) + 'FAIL src/a.test.ts\n').includes('FAIL src/a.test.ts'));
});

test('unified diff numstat, renames included', () => {
  const stats = parseUnifiedDiff(
    'diff --git a/x.txt b/y.txt\nsimilarity index 90%\n--- a/x.txt\n+++ b/y.txt\n@@ -1,2 +1,2 @@\n-a\n+b\n c\ndiff --git a/n b/n\nnew file mode 100644\n--- /dev/null\n+++ b/n\n@@ -0,0 +1 @@\n+x\n',
  );
  assert.deepEqual(stats, [
    { path: 'y.txt', added: 1, removed: 1 },
    { path: 'n', added: 1, removed: 0 },
  ]);
});

test('wire: raw traffic stays home except turn diffs, which cross as a diffstat; long text is clipped', () => {
  const raw: JournalRecord = {
    seq: 1,
    at: 't',
    kind: 'raw',
    dir: 'in',
    msg: { method: 'item/completed', params: { item: { id: 'c1', aggregatedOutput: 'x' } } },
  };
  assert.equal(toWire(raw), null);
  assert.equal(rawItemId(raw), 'c1');
  const diff: JournalRecord = {
    seq: 2,
    at: 't',
    kind: 'raw',
    dir: 'in',
    msg: { method: 'turn/diff/updated', params: { turnId: 'u', diff: 'diff --git a/a b/a\n@@ -1 +1 @@\n-x\n+y\n' } },
  };
  assert.deepEqual(toWire(diff)?.event, {
    type: 'diffstat',
    turnId: 'u',
    files: [{ path: 'a', added: 1, removed: 1 }],
  });
  const big = toWire({
    seq: 3,
    at: 't',
    kind: 'event',
    event: { type: 'agent_message', itemId: 'm', text: 'y'.repeat(MAX_WIRE_TEXT * 2) },
  });
  assert.ok(big?.event.type === 'agent_message' && big.event.text.length < MAX_WIRE_TEXT + 200);
});

test('a 100,000-event journal builds into a trace with its failures', () => {
  const records = syntheticJournal({ events: 100_000 })
    .map(toWire)
    .filter((r): r is WireRecord => r !== null);
  const b = new TraceBuilder();
  for (let i = 0; i < records.length; i += 5000) b.append(records.slice(i, i + 5000));
  assert.ok(b.items.length > 30_000, String(b.items.length));
  assert.ok(summarize(b).failures.length > 0);
});

test('the same command failing again and again is one failure, counted', () => {
  const records = syntheticJournal({ events: 400, failEvery: 5 })
    .map(toWire)
    .filter((r): r is WireRecord => r !== null);
  const b = new TraceBuilder();
  b.append(records);
  const s = summarize(b);
  assert.equal(s.failures.length, 1);
  assert.equal(s.failures[0]!.times, s.failureCount);
  assert.ok(s.failureCount > 10);
  assert.ok(s.failures[0]!.lines.some((l) => l.includes('AssertionError')));
});

test("post-run checks are trace items; a failing one is a failure with the supervisor's lines", () => {
  seq = 0;
  const b = new TraceBuilder();
  b.append([
    rec({
      type: 'checks',
      command: 'npm test',
      ok: false,
      exitCode: 1,
      durationMs: 3000,
      summary: ['✖ greets', 'AssertionError: x'],
      outputTail: 'long output',
    }),
  ]);
  const s = summarize(b);
  assert.equal(s.failures[0]!.title, 'checks: npm test (exit 1)');
  assert.deepEqual(s.failures[0]!.lines, ['✖ greets', 'AssertionError: x']);
  assert.match(describeItem(b.items[0]!), /^checks failed: npm test \(exit 1, 3\.0 s\)$/);
});

test('a session on the offline demo model says so; a real model is named', () => {
  seq = 0;
  const b = new TraceBuilder();
  b.append([
    rec({ type: 'session_started', threadId: 'd', model: 'gpt-5.5', modelProvider: 'quartet_demo' }),
    rec({ type: 'session_started', threadId: 'r', model: 'gpt-5.5', modelProvider: 'openai' }),
  ]);
  const sessions = b.items.filter((i) => i.kind === 'session');
  assert.deepEqual(sessions.map(describeItem), ['session started (offline demo model)', 'session started (gpt-5.5)']);
});
