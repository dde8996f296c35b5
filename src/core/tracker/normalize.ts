// Shared normalization for tracker adapters (SPEC §11.3): strings, labels, RFC 3339 instants, priorities.

/** The value when it is a string with visible text, else null (required fields use this to detect malformed records). */
export function presentString(v: unknown): string | null {
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** A string (possibly empty) or null: optional text such as descriptions. */
export function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** Trimmed, lowercased, blanks dropped, duplicates removed, first-seen order kept. Non-strings are dropped. */
export function normalizeLabels(names: readonly unknown[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    if (typeof n !== 'string') continue;
    const label = n.trim().toLowerCase();
    if (label && !out.includes(label)) out.push(label);
  }
  return out;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** A parsed RFC 3339 instant as a UTC ISO string, or null when absent or unusable (never a guess). */
export function instantOrNull(v: unknown): string | null {
  if (typeof v !== 'string' || !RFC3339.test(v)) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

/** An integer or null; floats that are whole numbers (Linear sends `priority` as a Float) count as integers. */
export function integerOrNull(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) ? v : null;
}

const NAMED_PRIORITIES: Record<string, number> = { urgent: 1, critical: 1, high: 2, medium: 3, normal: 3, low: 4 };

/**
 * Priority from label names: `p1`..`p4`, `priority:1`, `priority/2`, `priority-3`, `priority: high`,
 * `priority/urgent`… `p0` (and `priority:0`) means "most urgent" in many teams, so it maps to 1: the
 * scheduler only ranks 1..4 ahead of null. Explicit `overrides` (normalized label → integer) win.
 * Several matches: the most urgent (lowest) wins. No match: null.
 */
export function priorityFromLabels(
  labels: readonly string[],
  overrides: ReadonlyMap<string, number> = new Map(),
): number | null {
  let best: number | null = null;
  const take = (p: number): void => {
    if (best === null || p < best) best = p;
  };
  for (const label of labels) {
    const explicit = overrides.get(label);
    if (explicit !== undefined) {
      take(explicit);
      continue;
    }
    const m = /^(?:p|priority\s*[:/_-]?\s*)([0-4])$/.exec(label);
    if (m) {
      take(Math.max(1, Number(m[1])));
      continue;
    }
    const named = /^priority\s*[:/_-]?\s*([a-z]+)$/.exec(label);
    const p = named?.[1] ? NAMED_PRIORITIES[named[1]] : undefined;
    if (p !== undefined) take(p);
  }
  return best;
}

/** Replaces every occurrence of the secret (if any) in text: errors and tool output never carry a token. */
export function redactSecret(text: string, secret: string | null | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[REDACTED]') : text;
}

/** A short single-line excerpt of provider text for error messages. */
export function excerpt(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
