// Unit: the post-mortem text of an attempt, built from its journal records — deterministic and short.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { postMortem } from '../../src/core/land/postMortem';
import type { AgentEvent, JournalRecord } from '../../src/shared/events';

const journal = (events: AgentEvent[]): JournalRecord[] => [
  { seq: 0, at: '2025-01-01T00:00:00Z', kind: 'raw', dir: 'in', msg: { method: 'x' } },
  ...events.map((event, i): JournalRecord => ({
    seq: i + 1,
    at: `2025-01-01T00:00:0${i % 10}Z`,
    kind: 'event',
    event,
  })),
];

test('what it ran, the first failing command with its key lines, files touched, final message, phase/reason', () => {
  const records = journal([
    { type: 'phase', phase: 'working', reason: null },
    {
      type: 'command',
      itemId: 'c1',
      command: '/bin/bash -lc "ls"',
      exitCode: 0,
      durationMs: 5,
      status: 'completed',
      outputTail: 'a\nb\n',
    },
    {
      type: 'file_change',
      itemId: 'f1',
      status: 'completed',
      files: [
        { path: 'src/b.js', kind: 'update' },
        { path: 'a.js', kind: 'add' },
      ],
    },
    {
      type: 'command',
      itemId: 'c2',
      command: '/bin/bash -lc "npm test"',
      exitCode: 1,
      durationMs: 900,
      status: 'failed',
      outputTail: '> test\nnot ok 1 - greets\n  AssertionError: expected "Hi"\nnoise\n',
    },
    {
      type: 'command',
      itemId: 'c3',
      command: 'rm -rf /',
      exitCode: null,
      durationMs: null,
      status: 'declined',
      outputTail: '',
    },
    { type: 'file_change', itemId: 'f2', status: 'declined', files: [{ path: 'secret.txt', kind: 'add' }] },
    { type: 'agent_message', itemId: 'm1', text: 'Changed the greeting.\n\nTests  fail.' },
    { type: 'error', message: 'model overloaded', codexErrorInfo: null, willRetry: false },
    { type: 'phase', phase: 'failed', reason: 'turn_failed', message: 'turn failed' },
  ]);
  const text = postMortem(records);
  assert.equal(
    text,
    [
      'Outcome: failed (turn_failed): turn failed',
      'Commands: 3 run, 1 failed, 1 declined',
      'First failing command: `npm test` (exit 1)',
      '    not ok 1 - greets',
      '    AssertionError: expected "Hi"',
      'Files touched (2): a.js, src/b.js',
      'Last error: model overloaded',
      'Final message: Changed the greeting. Tests fail.',
      '',
    ].join('\n'),
  );
  assert.equal(postMortem(records), text, 'deterministic');
});

test('an empty journal still gives a readable text', () => {
  assert.equal(
    postMortem([]),
    'Outcome: unknown (no phase recorded)\nCommands: 0 run, 0 failed\nFiles touched: none\nFinal message: none\n',
  );
});
