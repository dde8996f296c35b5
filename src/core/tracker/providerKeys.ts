// Typed reads of `tracker.provider` keys (snake_case as in WORKFLOW.md, camelCase accepted) with actionable errors.

import { endpointProblem } from '../config/endpointPolicy';
import { TrackerError } from './types';

type Obj = Record<string, unknown>;

const camel = (snake: string): string => snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

const bad = (key: string, why: string): TrackerError =>
  new TrackerError('invalid_tracker_config', `tracker.provider.${key} ${why}`);

/** Reads adapter-owned keys; remembers which ones were read so the rest can be reported as unknown. */
export class ProviderKeys {
  private readonly used = new Set<string>();

  constructor(private readonly provider: Obj) {}

  raw(key: string): unknown {
    this.used.add(key);
    this.used.add(camel(key));
    return this.provider[key] ?? this.provider[camel(key)];
  }

  string(key: string, required: string | null = null): string | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null || v === '') {
      if (required) throw bad(key, `is required: ${required}`);
      return undefined;
    }
    if (typeof v !== 'string') throw bad(key, `must be a string (got ${typeof v}).`);
    return v.trim();
  }

  url(key: string): string | undefined {
    const v = this.string(key);
    if (v === undefined) return undefined;
    // WORKFLOW.md is repository content: the token it points at must not cross the network in clear text.
    const problem = endpointProblem(v);
    if (problem) throw bad(key, `${problem}.`);
    return v.replace(/\/+$/, '');
  }

  int(key: string, min: number, max: number): number | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      throw bad(key, `must be an integer from ${min} to ${max} (got ${JSON.stringify(v)}).`);
    return v;
  }

  bool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw bad(key, `must be true or false (got ${JSON.stringify(v)}).`);
    return v;
  }

  /** A map of non-blank string keys to non-blank strings, in the order written. */
  stringMap(key: string): Array<[string, string]> {
    return this.map(key, (v) => (typeof v === 'string' && v.trim() ? v.trim() : null), 'a non-empty state name');
  }

  intMap(key: string): Array<[string, number]> {
    return this.map(key, (v) => (typeof v === 'number' && Number.isInteger(v) ? v : null), 'an integer');
  }

  /** Keys present in the provider object that no adapter read (typos, or settings for another kind). */
  unknownKeys(): string[] {
    return Object.keys(this.provider).filter((k) => !this.used.has(k));
  }

  private map<T>(key: string, value: (v: unknown) => T | null, what: string): Array<[string, T]> {
    const v = this.raw(key);
    if (v === undefined || v === null) return [];
    if (typeof v !== 'object' || Array.isArray(v)) throw bad(key, `must be a map of label → ${what}.`);
    return Object.entries(v as Obj).map(([k, raw]) => {
      const parsed = value(raw);
      if (!k.trim() || parsed === null) throw bad(`${key}.${k}`, `must be ${what} (got ${JSON.stringify(raw)}).`);
      return [k, parsed];
    });
  }
}
