// Unit: token accounting from absolute totals (latest per thread, summed over threads, never per event).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attemptTotal, totalsFromUsage } from '../../src/core/observability/tokens';
import { normalizeNotification } from '../../src/core/execution/codexEvents';

const usage = (total: number, input: number, cached: number, output: number) => ({
  total: {
    totalTokens: total,
    inputTokens: input,
    cachedInputTokens: cached,
    cacheWriteInputTokens: 0,
    outputTokens: output,
    reasoningOutputTokens: 1,
  },
  last: {
    totalTokens: 999,
    inputTokens: 999,
    cachedInputTokens: 0,
    cacheWriteInputTokens: 0,
    outputTokens: 0,
    reasoningOutputTokens: 0,
  },
  modelContextWindow: 258400,
});

test('reads the absolute total, not the last-response delta', () => {
  assert.deepEqual(totalsFromUsage(usage(1032, 1011, 100, 21)), {
    input: 1011,
    cachedInput: 100,
    output: 21,
    reasoningOutput: 1,
    total: 1032,
  });
  assert.equal(totalsFromUsage({}), null);
  assert.equal(totalsFromUsage(null), null);
});

test('repeated updates of one thread replace, never add', () => {
  const byThread: Record<string, ReturnType<typeof totalsFromUsage> & object> = {};
  for (const [t, i, o] of [
    [1032, 1011, 21],
    [3034, 3000, 34],
    [6099, 6033, 66],
  ] as const) {
    const e = normalizeNotification(
      'thread/tokenUsage/updated',
      { threadId: 'th1', turnId: 'u', tokenUsage: usage(t, i, 0, o) },
      '/w',
    );
    assert.equal(e?.type, 'tokens');
    if (e?.type === 'tokens') byThread[e.threadId] = e.totals;
  }
  assert.equal(attemptTotal(byThread).total, 6099);
});

test("an attempt with several threads (retries) sums each thread's latest total", () => {
  const total = attemptTotal({
    a: { input: 100, cachedInput: 10, output: 5, reasoningOutput: 1, total: 105 },
    b: { input: 200, cachedInput: 0, output: 7, reasoningOutput: 0, total: 207 },
  });
  assert.deepEqual(total, { input: 300, cachedInput: 10, output: 12, reasoningOutput: 1, total: 312 });
});
