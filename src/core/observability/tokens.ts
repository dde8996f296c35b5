// Token accounting from absolute thread totals: latest total per thread, summed over an attempt's threads.

import { ZERO_TOKENS, type TokenTotals } from '../../shared/model';

/** Reads the `total` breakdown of a `thread/tokenUsage/updated` payload leniently. */
export function totalsFromUsage(tokenUsage: unknown): TokenTotals | null {
  const total = (tokenUsage as { total?: Record<string, unknown> } | null)?.total;
  if (!total || typeof total !== 'object') return null;
  const n = (k: string): number => (typeof total[k] === 'number' ? (total[k] as number) : 0);
  return {
    input: n('inputTokens'),
    cachedInput: n('cachedInputTokens'),
    output: n('outputTokens'),
    reasoningOutput: n('reasoningOutputTokens'),
    total: n('totalTokens'),
  };
}

export function addTotals(a: TokenTotals, b: TokenTotals): TokenTotals {
  return {
    input: a.input + b.input,
    cachedInput: a.cachedInput + b.cachedInput,
    output: a.output + b.output,
    reasoningOutput: a.reasoningOutput + b.reasoningOutput,
    total: a.total + b.total,
  };
}

/** Attempt total = sum over threads of each thread's latest absolute total (never summing events). */
export function attemptTotal(byThread: Record<string, TokenTotals>): TokenTotals {
  return Object.values(byThread).reduce(addTotals, { ...ZERO_TOKENS });
}
