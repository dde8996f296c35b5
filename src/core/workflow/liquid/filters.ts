// The Liquid filters Quartet supports (documented in docs/workflow.md); any other name is a render error.

/** Liquid's text form of a value: nil is empty, arrays concatenate their items (as Liquid does). */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map(toText).join('');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Liquid "empty": nil, false, '' or an empty list/map — what `default` replaces. */
export function isEmptyish(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v).length === 0;
}

function num(v: unknown, filter: string): number {
  const n = typeof v === 'number' ? v : Number(toText(v));
  if (!Number.isFinite(n)) throw new Error(`${filter} needs a number (got ${JSON.stringify(v)})`);
  return n;
}

function list(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  return v === null || v === undefined ? [] : [v];
}

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

interface FilterSpec {
  /** Accepted argument counts [min, max]. */
  arity: [number, number];
  apply(input: unknown, args: unknown[]): unknown;
}

const f = (min: number, max: number, apply: FilterSpec['apply']): FilterSpec => ({ arity: [min, max], apply });

export const FILTERS: Record<string, FilterSpec> = {
  default: f(1, 1, (v, [d]) => (isEmptyish(v) ? d : v)),
  upcase: f(0, 0, (v) => toText(v).toUpperCase()),
  downcase: f(0, 0, (v) => toText(v).toLowerCase()),
  capitalize: f(0, 0, (v) => {
    const s = toText(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  }),
  strip: f(0, 0, (v) => toText(v).trim()),
  lstrip: f(0, 0, (v) => toText(v).trimStart()),
  rstrip: f(0, 0, (v) => toText(v).trimEnd()),
  strip_newlines: f(0, 0, (v) => toText(v).replace(/\r?\n/g, '')),
  truncate: f(0, 2, (v, [n = 50, ellipsis = '...']) => {
    const s = toText(v);
    const max = num(n, 'truncate');
    const tail = toText(ellipsis);
    return s.length <= max ? s : s.slice(0, Math.max(0, max - tail.length)) + tail;
  }),
  truncatewords: f(0, 2, (v, [n = 15, ellipsis = '...']) => {
    const words = toText(v).split(/\s+/).filter(Boolean);
    const max = Math.max(1, num(n, 'truncatewords'));
    return words.length <= max ? words.join(' ') : words.slice(0, max).join(' ') + toText(ellipsis);
  }),
  escape: f(0, 0, (v) => toText(v).replace(/[&<>"']/g, (c) => HTML[c] ?? c)),
  url_encode: f(0, 0, (v) => encodeURIComponent(toText(v)).replace(/%20/g, '+')),
  append: f(1, 1, (v, [s]) => toText(v) + toText(s)),
  prepend: f(1, 1, (v, [s]) => toText(s) + toText(v)),
  replace: f(2, 2, (v, [a, b]) => toText(v).split(toText(a)).join(toText(b))),
  remove: f(1, 1, (v, [a]) => toText(v).split(toText(a)).join('')),
  split: f(1, 1, (v, [sep]) => toText(v).split(toText(sep))),
  join: f(0, 1, (v, [sep = ' ']) => list(v).map(toText).join(toText(sep))),
  size: f(0, 0, (v) => (Array.isArray(v) || typeof v === 'string' ? v.length : v && typeof v === 'object' ? Object.keys(v).length : 0)),
  first: f(0, 0, (v) => (typeof v === 'string' ? (v[0] ?? null) : (list(v)[0] ?? null))),
  last: f(0, 0, (v) => (typeof v === 'string' ? (v[v.length - 1] ?? null) : (list(v).at(-1) ?? null))),
  map: f(1, 1, (v, [key]) => list(v).map((x) => (x && typeof x === 'object' ? ((x as Record<string, unknown>)[toText(key)] ?? null) : null))),
  uniq: f(0, 0, (v) => [...new Set(list(v))]),
  compact: f(0, 0, (v) => list(v).filter((x) => x !== null && x !== undefined)),
  sort: f(0, 0, (v) => [...list(v)].sort((a, b) => (toText(a) < toText(b) ? -1 : toText(a) > toText(b) ? 1 : 0))),
  reverse: f(0, 0, (v) => [...list(v)].reverse()),
  plus: f(1, 1, (v, [n]) => num(v, 'plus') + num(n, 'plus')),
  minus: f(1, 1, (v, [n]) => num(v, 'minus') - num(n, 'minus')),
};
