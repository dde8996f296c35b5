// Estimated cost of an attempt's tokens from a configurable per-model price table (an estimate, never a bill).

import type { TokenTotals } from './model';

/** USD per one million tokens. */
export interface ModelPrice {
  input: number;
  cachedInput: number;
  output: number;
}

export interface PriceTable {
  /** Keyed by model name; a key also matches longer names that start with it (`gpt-5.5` ⊃ `gpt-5.5-codex`). */
  models: Record<string, ModelPrice>;
  /** Used when the model is unknown or Codex's default (model `null`). */
  fallback: ModelPrice;
}

/**
 * List prices as published by OpenAI in mid-2026 (standard tier, prompts under 272K tokens). They
 * change; the setting `quartet.prices` overrides them and the panel always labels the result "est.".
 */
export const DEFAULT_PRICE_TABLE: PriceTable = {
  models: {
    'gpt-5.5': { input: 5, cachedInput: 0.5, output: 30 },
    'gpt-5.4': { input: 2.5, cachedInput: 0.25, output: 15 },
    'gpt-5.4-mini': { input: 0.75, cachedInput: 0.075, output: 4.5 },
  },
  fallback: { input: 5, cachedInput: 0.5, output: 30 },
};

export interface CostEstimate {
  usd: number;
  /** The table key that priced it, or `fallback`. */
  pricedAs: string;
  /** Quartet's offline demo model costs nothing. */
  free: boolean;
}

export function priceFor(model: string | null, table: PriceTable): { price: ModelPrice; key: string } {
  if (model) {
    const exact = table.models[model];
    if (exact) return { price: exact, key: model };
    let best: string | null = null;
    for (const key of Object.keys(table.models)) {
      if (model.startsWith(key) && (best === null || key.length > best.length)) best = key;
    }
    const prefixed = best === null ? undefined : table.models[best];
    if (best !== null && prefixed) return { price: prefixed, key: best };
  }
  return { price: table.fallback, key: 'fallback' };
}

/**
 * Codex reports cached input as part of input and reasoning as part of output, so uncached input
 * is `input - cachedInput` and output is billed once.
 */
export function estimateCost(
  tokens: TokenTotals,
  model: string | null,
  table: PriceTable,
  demoModel = false,
): CostEstimate {
  const { price, key } = priceFor(model, table);
  if (demoModel) return { usd: 0, pricedAs: key, free: true };
  const cached = Math.min(tokens.cachedInput, tokens.input);
  const usd =
    ((tokens.input - cached) * price.input + cached * price.cachedInput + tokens.output * price.output) / 1_000_000;
  return { usd, pricedAs: key, free: false };
}

const isPrice = (v: unknown): v is ModelPrice => {
  const p = v as Partial<ModelPrice> | null;
  return (
    typeof p === 'object' &&
    p !== null &&
    [p.input, p.cachedInput, p.output].every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)
  );
};

/** Merges a user's setting over the defaults, dropping malformed entries instead of failing. */
export function mergePriceTable(user: unknown, base: PriceTable = DEFAULT_PRICE_TABLE): PriceTable {
  const out: PriceTable = { models: { ...base.models }, fallback: base.fallback };
  if (typeof user !== 'object' || user === null) return out;
  const u = user as { models?: unknown; fallback?: unknown };
  if (isPrice(u.fallback)) out.fallback = u.fallback;
  if (typeof u.models === 'object' && u.models !== null) {
    for (const [k, v] of Object.entries(u.models as Record<string, unknown>)) if (isPrice(v)) out.models[k] = v;
  }
  return out;
}
