// Unit: the one token-count format every surface shows (panel, tree, CLI, scorecard, PR text).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTokens } from '../../src/shared/tokenFormat';

test('formatTokens keeps a decimal only while it informs', () => {
  assert.deepEqual(
    [
      0, 850, 999, 1000, 1234, 1500, 6140, 25_000, 61_400, 999_400, 999_600, 1_200_000, 1_250_000, 3_400_000,
      12_000_000,
    ].map(formatTokens),
    ['0', '850', '999', '1k', '1.2k', '1.5k', '6.1k', '25k', '61k', '999k', '1M', '1.2M', '1.3M', '3.4M', '12M'],
  );
});

test('formatTokens never shows a negative or non-number count', () => {
  assert.deepEqual([-5, Number.NaN, Number.POSITIVE_INFINITY].map(formatTokens), ['0', '0', '0']);
});
