// The verdict's rules: evidence tiers before size, no pick while anything is pending, honest confidence.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CrossTestCell } from '../../src/core/verdict/crossTest';
import { decideVerdict, type VerdictInput } from '../../src/core/verdict/verdict';

function attempt(index: number, over: Partial<VerdictInput> = {}): VerdictInput {
  return {
    attemptId: `t-1-${index}`,
    index,
    phase: 'finished',
    pending: false,
    checks: { ok: true },
    conflictsWithBase: false,
    filesChanged: 1,
    linesAdded: 10,
    linesRemoved: 0,
    tokensTotal: 1000,
    durationMs: 1000,
    testFiles: 0,
    ...over,
  };
}

function cell(tests: number, code: number, ok: boolean, failedTests: string[] = []): CrossTestCell {
  return { tests: `t-1-${tests}`, code: `t-1-${code}`, ok, passed: null, total: null, failedTests, summary: [] };
}

test('the four demo shapes: right+test wins, wrong-but-green is not picked even with the smallest diff, the failing one is last', () => {
  const inputs = [
    attempt(1, { linesAdded: 30, testFiles: 1 }), // right, with a test
    attempt(2, { linesAdded: 2, testFiles: 1 }), // green on its own test, breaks what #1's test pins — and the smallest diff
    attempt(3, { linesAdded: 20 }), // right, no test
    attempt(4, { checks: { ok: false } }), // fails its checks
  ];
  const cells = [
    cell(1, 2, false, ['greet › in French']),
    cell(1, 3, true),
    cell(1, 4, false),
    cell(2, 1, true),
    cell(2, 3, true),
    cell(2, 4, false),
  ];
  const v = decideVerdict(inputs, cells);
  assert.equal(v.recommended, 't-1-1');
  // #1 and #3 are both right: only "adds its own tests" orders them, which is a close call, said with why.
  assert.equal(v.confidence, 'close');
  assert.deepEqual(
    v.ranked.map((r) => r.attemptId),
    ['t-1-1', 't-1-3', 't-1-2', 't-1-4'],
  );
  assert.equal(v.headline, 'close call: #1 and #3 have the same evidence; #1 adds its own tests');
  assert.match(v.ranked[0]!.line, /^#1: passes the tests #2 wrote/);
  // Without #3, the runner-up fails #1's tests: strong evidence, a clear winner.
  const two = decideVerdict(
    inputs.filter((i) => i.index !== 3),
    cells.filter((c) => c.code !== 't-1-3'),
  );
  assert.equal(two.confidence, 'clear');
  assert.match(two.headline, /^clear winner: #1 — passes the tests #2 wrote/);
  assert.match(v.ranked[2]!.line, /#2: fails #1's tests \(greet › in French\)/);
  assert.match(v.ranked[3]!.line, /#4: its own checks fail/);
});

test('the old rule picked the smallest diff; tests written by a failing attempt are not held against others', () => {
  const inputs = [attempt(1, { linesAdded: 40 }), attempt(2, { linesAdded: 3, checks: { ok: false }, testFiles: 1 })];
  // #2's tests fail on #1's code, but #2's own checks fail too: its tests are not evidence.
  const v = decideVerdict(inputs, [cell(2, 1, false)]);
  assert.equal(v.recommended, 't-1-1');
  assert.deepEqual(v.ranked[0]!.against, []);
});

test('no pick while an attempt runs or its checks are pending', () => {
  const v = decideVerdict([attempt(1), attempt(3, { pending: true, phase: 'working' })], []);
  assert.equal(v.confidence, 'waiting');
  assert.equal(v.recommended, null);
  assert.equal(v.headline, 'waiting for #3');
});

test('"no good attempt" when every finished attempt fails its checks or another attempt\'s tests', () => {
  const v = decideVerdict([attempt(1, { checks: { ok: false } }), attempt(2, { checks: { ok: false } })], []);
  assert.equal(v.confidence, 'none');
  assert.equal(v.recommended, null);
  assert.match(v.headline, /^no good attempt: its own checks fail/);
  const cross = decideVerdict(
    [attempt(1, { testFiles: 1 }), attempt(2, { testFiles: 1 })],
    [cell(1, 2, false), cell(2, 1, false)],
  );
  assert.equal(cross.confidence, 'none', "each fails the other's tests: neither is evidently right");
});

test('a close call when the top two have the same evidence; a review blocker outranks size', () => {
  const same = decideVerdict([attempt(1, { linesAdded: 5 }), attempt(2, { linesAdded: 50 })], []);
  assert.equal(same.confidence, 'close');
  assert.equal(same.recommended, 't-1-1');
  assert.match(same.headline, /close call: #1 and #2/);
  const blocked = decideVerdict(
    [
      attempt(1, { linesAdded: 5, reviewBlockers: ['deletes the README (README.md:1)'] }),
      attempt(2, { linesAdded: 50 }),
    ],
    [],
  );
  assert.equal(blocked.recommended, 't-1-2');
  assert.match(blocked.ranked[1]!.line, /review: deletes the README/);
});
