// The `quartet:` extension key: Quartet's own launch, land and cost settings, validated like the core keys.

import { configError } from './errors';
import { isMap, type ConfigReader, type RawMap } from './values';
import type { QuartetSettings } from './types';
import type { ModelPrice, PriceTable } from '../../shared/cost';
import { MAX_ATTEMPTS } from '../../shared/launchLimits';

export const QUARTET_KEY = 'quartet';

export function readQuartet(r: ConfigReader, root: RawMap): QuartetSettings {
  const q = r.section(root, QUARTET_KEY, 'quartet');
  r.unknownKeys(q, 'quartet', [
    'attempts',
    'check_command',
    'check_timeout_ms',
    'land',
    'prices',
    'token_budget',
    'loop_limit',
    'agent_tools',
    'trusted_labels',
    'policy',
    'review',
    'task_budget',
  ]);
  const taskBudget = r.section(q, 'task_budget', 'quartet.task_budget');
  r.unknownKeys(taskBudget, 'quartet.task_budget', ['tokens', 'usd', 'minutes']);
  const minutes = r.positive(taskBudget, 'minutes', 'quartet.task_budget.minutes');
  const land = r.section(q, 'land', 'quartet.land');
  r.unknownKeys(land, 'quartet.land', ['mode', 'policy', 'pr']);
  const budget = r.int(q, 'token_budget', 'quartet.token_budget', 0, { min: 1 });
  return {
    attempts: r.int(q, 'attempts', 'quartet.attempts', 4, { min: 1, max: MAX_ATTEMPTS }),
    checkCommand: r.str(q, 'check_command', 'quartet.check_command'),
    checkTimeoutMs: r.int(q, 'check_timeout_ms', 'quartet.check_timeout_ms', 600_000, { min: 1 }),
    land: {
      mode: r.oneOf(land, 'mode', 'quartet.land.mode', ['squash', 'merge'] as const, 'squash'),
      policy: r.oneOf(land, 'policy', 'quartet.land.policy', ['manual', 'auto'] as const, 'manual'),
      pr: r.bool(land, 'pr', 'quartet.land.pr', false),
    },
    prices: readPrices(r, q),
    tokenBudget: budget || null,
    policy: r.oneOf(q, 'policy', 'quartet.policy', ['all', 'race'] as const, 'all'),
    review: r.bool(q, 'review', 'quartet.review', true),
    taskBudget: {
      tokens: r.int(taskBudget, 'tokens', 'quartet.task_budget.tokens', 0, { min: 1 }) || null,
      usd: r.positive(taskBudget, 'usd', 'quartet.task_budget.usd'),
      ms: minutes === null ? null : Math.round(minutes * 60_000),
    },
    loopLimit: r.int(q, 'loop_limit', 'quartet.loop_limit', 3, { min: 0, max: 100 }),
    agentTools: r.bool(q, 'agent_tools', 'quartet.agent_tools', true),
    // Blank entries would match nothing; dropping them keeps "no trusted label" meaning exactly that.
    trustedLabels: (r.strings(q, 'trusted_labels', 'quartet.trusted_labels') ?? [])
      .map((l) => l.trim().toLowerCase())
      .filter(Boolean),
  };
}

const PRICE_FIELDS = ['input', 'cachedInput', 'output'] as const;

function price(v: unknown, path: string): ModelPrice {
  const expected = 'a price map {input, cachedInput, output} in USD per 1M tokens (non-negative numbers)';
  if (!isMap(v)) throw configError(path, expected, v);
  for (const f of PRICE_FIELDS) {
    const n = v[f];
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0)
      throw configError(`${path}.${f}`, 'a non-negative number', n);
  }
  const extra = Object.keys(v).filter((k) => !(PRICE_FIELDS as readonly string[]).includes(k));
  if (extra.length)
    throw configError(`${path}.${extra[0] as string}`, `only ${PRICE_FIELDS.join(', ')}`, v[extra[0] as string]);
  return { input: v.input as number, cachedInput: v.cachedInput as number, output: v.output as number };
}

/** Same shape as the `quartet.prices` setting: `{models: {name: price}, fallback: price}`, both optional. */
function readPrices(r: ConfigReader, q: RawMap): Partial<PriceTable> | null {
  const p = q.prices;
  if (p === undefined || p === null) return null;
  if (!isMap(p)) throw configError('quartet.prices', 'a map {models: {…}, fallback: {…}}', p);
  r.present.add('quartet.prices');
  r.unknownKeys(p, 'quartet.prices', ['models', 'fallback']);
  const out: Partial<PriceTable> = {};
  if (p.models !== undefined) {
    if (!isMap(p.models)) throw configError('quartet.prices.models', 'a map of model name → price', p.models);
    out.models = Object.fromEntries(
      Object.entries(p.models).map(([name, v]) => [name, price(v, `quartet.prices.models.${name}`)]),
    );
  }
  if (p.fallback !== undefined) out.fallback = price(p.fallback, 'quartet.prices.fallback');
  return out;
}
