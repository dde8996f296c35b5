// Unit: attempt scorecard — ranking rules, score/rank consistency, determinism, only finished attempts eligible.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseNumstat, scoreAttempts, type ScoreInput } from '../../src/core/verdict/scorecard';

const a = (id: string, over: Partial<ScoreInput> = {}): ScoreInput => ({
  attemptId: id,
  phase: 'finished',
  checks: { ok: true },
  conflictsWithBase: false,
  filesChanged: 2,
  linesAdded: 10,
  linesRemoved: 2,
  tokensTotal: 40_000,
  durationMs: 60_000,
  ...over,
});
const order = (inputs: ScoreInput[]): string[] => scoreAttempts(inputs).ranked.map((r) => r.attemptId);

test('passing checks dominate everything; then no base conflict; failing checks rank below "no checks"', () => {
  const huge = { filesChanged: 40, linesAdded: 4000, linesRemoved: 900, tokensTotal: 2_000_000, durationMs: 3_600_000 };
  assert.deepEqual(
    order([
      a('t-1', { checks: { ok: false } }),
      a('t-2', { ...huge, conflictsWithBase: true }),
      a('t-3', { checks: null }),
    ]),
    ['t-2', 't-3', 't-1'],
  );
  assert.deepEqual(order([a('t-1', { conflictsWithBase: true }), a('t-2', huge)]), ['t-2', 't-1']);
});

test('then smaller diff (by powers of two) and fewer files, then fewer tokens, then faster; empty diffs last', () => {
  assert.deepEqual(order([a('t-1', { linesAdded: 100 }), a('t-2', { linesAdded: 5, tokensTotal: 900_000 })]), [
    't-2',
    't-1',
  ]);
  assert.deepEqual(order([a('t-1', { filesChanged: 3 }), a('t-2', { filesChanged: 1, tokensTotal: 900_000 })]), [
    't-2',
    't-1',
  ]);
  // 12 vs 13 changed lines is noise: tokens decide.
  assert.deepEqual(
    order([a('t-1', { linesAdded: 11, tokensTotal: 90_000 }), a('t-2', { linesAdded: 10, tokensTotal: 20_000 })]),
    ['t-2', 't-1'],
  );
  assert.deepEqual(
    order([a('t-1', { durationMs: 90_000 }), a('t-2', { durationMs: 30_000 }), a('t-3', { durationMs: null })]),
    ['t-2', 't-1', 't-3'],
  );
  assert.deepEqual(
    order([a('t-1', { filesChanged: 0, linesAdded: 0, linesRemoved: 0 }), a('t-2', { linesAdded: 900 })]),
    ['t-2', 't-1'],
  );
});

test('only finished attempts are eligible; none finished → no recommendation', () => {
  const card = scoreAttempts([
    a('t-1', { phase: 'failed' }),
    a('t-2', { checks: { ok: false } }),
    a('t-3', { phase: 'working' }),
  ]);
  assert.equal(card.recommended, 't-2');
  assert.deepEqual(
    card.ranked.map((r) => [r.attemptId, r.eligible, r.score > 0]),
    [
      ['t-2', true, true],
      ['t-1', false, false],
      ['t-3', false, false],
    ],
  );
  assert.deepEqual(card.ranked[1]?.reasons, ['not finished (failed)']);
  assert.equal(scoreAttempts([a('t-1', { phase: 'stopped' })]).recommended, null);
  assert.deepEqual(scoreAttempts([]), { ranked: [], recommended: null });
});

test('deterministic: input order does not matter, ties break by attempt number, scores follow the ranking', () => {
  const inputs = [
    a('t-x-10'),
    a('t-x-2'),
    a('t-x-1', { checks: null }),
    a('t-x-3', { conflictsWithBase: true }),
    a('t-x-4', { linesAdded: 300 }),
  ];
  const first = scoreAttempts(inputs);
  for (let i = 0; i < 10; i++) {
    const shuffled = [...inputs].sort(() => (i % 2 ? 1 : -1) * (Math.random() - 0.5));
    assert.deepEqual(scoreAttempts(shuffled), first);
  }
  assert.deepEqual(
    first.ranked.map((r) => r.attemptId),
    ['t-x-2', 't-x-10', 't-x-4', 't-x-3', 't-x-1'],
  );
  const scores = first.ranked.map((r) => r.score);
  assert.deepEqual(
    [...scores].sort((x, y) => y - x),
    scores,
  );
  assert.ok(scores.every((s) => s >= 0 && s <= 100));
  assert.equal(scores[0], 100);
});

test('reasons are short human strings', () => {
  const [r] = scoreAttempts(
    [
      a('t-1', {
        linesAdded: 12,
        linesRemoved: 3,
        filesChanged: 2,
        tokensTotal: 48_200,
        durationMs: 192_000,
        conflictsWithBase: true,
      }),
    ],
    { baseLabel: 'main' },
  ).ranked;
  assert.deepEqual(r?.reasons, ['checks pass', 'conflicts with main', '+12 −3 in 2 files', '48k tokens', '3m 12s']);
  assert.equal(formatDuration(45_000), '45s');
});

test('parseNumstat counts binary files as files without lines', () => {
  assert.deepEqual(parseNumstat('3\t1\ta.js\n-\t-\timg.png\n10\t0\tdir/{old => new}.txt\n'), {
    files: 3,
    added: 13,
    removed: 1,
  });
});
