// Typed reads of front matter values: defaults, presence tracking, unknown-key listing, `$VAR` and `~` resolution.

import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { configError } from './errors';

export type RawMap = Record<string, unknown>;

export const isMap = (v: unknown): v is RawMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `$NAME` or `${NAME}` as the whole value (SPEC §6.1: only values that explicitly reference a variable). */
const VAR_REF = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/;

export function envRef(value: string): string | null {
  const m = VAR_REF.exec(value.trim());
  return m ? ((m[1] ?? m[2]) as string) : null;
}

/** One pass over a front matter: every read records the key as present; leftovers are listed as ignored. */
export class ConfigReader {
  readonly present = new Set<string>();
  readonly ignored: string[] = [];
  readonly notes: string[] = [];

  constructor(
    readonly env: NodeJS.ProcessEnv,
    /** Directory of WORKFLOW.md: relative paths resolve against it. */
    readonly baseDir: string,
  ) {}

  /** A nested map (absent/null → {}); anything else is a config error. */
  section(obj: RawMap, key: string, path: string): RawMap {
    const v = obj[key];
    if (v === undefined || v === null) return {};
    if (!isMap(v)) throw configError(path, 'a map', v);
    return v;
  }

  /** Lists keys of `obj` (at `prefix`) that no reader knows. */
  unknownKeys(obj: RawMap, prefix: string, known: readonly string[]): void {
    for (const k of Object.keys(obj)) if (!known.includes(k)) this.ignored.push(prefix ? `${prefix}.${k}` : k);
  }

  private take(obj: RawMap, key: string, path: string): unknown {
    const v = obj[key];
    if (v !== undefined && v !== null) this.present.add(path);
    return v ?? undefined;
  }

  int(
    obj: RawMap,
    key: string,
    path: string,
    fallback: number,
    opts: { min?: number; max?: number; label?: string } = {},
  ): number {
    const v = this.take(obj, key, path);
    if (v === undefined) return fallback;
    const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
    const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER } = opts;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
      throw configError(path, opts.label ?? rangeLabel(min, max), v);
    }
    return n;
  }

  /** A positive finite number (e.g. dollars) or null when absent. */
  positive(obj: RawMap, key: string, path: string): number | null {
    const v = this.take(obj, key, path);
    if (v === undefined) return null;
    const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isFinite(n) || n <= 0) throw configError(path, 'a number above 0', v);
    return n;
  }

  /** A string or null when absent; `blankIsNull` turns '' into null. */
  str(obj: RawMap, key: string, path: string, opts: { blankIsNull?: boolean } = {}): string | null {
    const v = this.take(obj, key, path);
    if (v === undefined) return null;
    if (typeof v !== 'string') throw configError(path, 'a string', v);
    return opts.blankIsNull && !v.trim() ? null : v;
  }

  bool(obj: RawMap, key: string, path: string, fallback: boolean): boolean {
    const v = this.take(obj, key, path);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw configError(path, 'true or false', v);
    return v;
  }

  oneOf<T extends string>(obj: RawMap, key: string, path: string, allowed: readonly T[], fallback: T): T;
  oneOf<T extends string>(obj: RawMap, key: string, path: string, allowed: readonly T[], fallback: null): T | null;
  oneOf<T extends string>(obj: RawMap, key: string, path: string, allowed: readonly T[], fallback: T | null): T | null {
    const v = this.take(obj, key, path);
    if (v === undefined) return fallback;
    if (!allowed.includes(v as T)) throw configError(path, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }

  /** A list of strings or null when absent. */
  strings(obj: RawMap, key: string, path: string): string[] | null {
    const v = this.take(obj, key, path);
    if (v === undefined) return null;
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw configError(path, 'a list of strings', v);
    return v;
  }

  /** A local path: `$VAR` / `${VAR}` expanded, `~` expanded, relative to WORKFLOW.md's folder, absolute. */
  path(obj: RawMap, key: string, path: string, fallback: string): string {
    const v = this.str(obj, key, path, { blankIsNull: true });
    if (v === null) return fallback;
    let p = v.trim();
    const ref = envRef(p);
    if (ref) {
      const value = this.env[ref];
      if (!value) throw configError(path, `a path (environment variable ${ref} is not set)`, v);
      p = value;
    } else {
      p = p.replace(
        /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
        (_, a: string | undefined, b: string | undefined) => this.env[(a ?? b) as string] ?? '',
      );
    }
    if (p === '~') p = homedir();
    else if (p.startsWith('~/')) p = join(homedir(), p.slice(2));
    return isAbsolute(p) ? resolve(p) : resolve(this.baseDir, p);
  }
}

function rangeLabel(min: number, max: number): string {
  if (min === 1 && max === Number.MAX_SAFE_INTEGER) return 'a positive integer';
  if (min === 0 && max === Number.MAX_SAFE_INTEGER) return 'a non-negative integer';
  if (max === Number.MAX_SAFE_INTEGER) return min === Number.MIN_SAFE_INTEGER ? 'an integer' : `an integer ≥ ${min}`;
  return `an integer from ${min} to ${max}`;
}
