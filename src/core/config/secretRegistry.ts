// Secret values the supervisor holds in memory (tracker credentials a client sent): redacted from its log and journals.

import { redact } from './secrets';

/** Values shorter than this are not redacted: they would blank out ordinary words, and no real token is this short. */
const MIN_SECRET = 6;

export class SecretRegistry {
  private readonly values = new Set<string>();

  add(values: Iterable<string>): void {
    for (const v of values) if (v.trim().length >= MIN_SECRET) this.values.add(v);
  }

  /** Longest first, so a secret that contains another is redacted whole. */
  list(): string[] {
    return [...this.values].sort((a, b) => b.length - a.length);
  }

  redact(text: string): string {
    return this.values.size ? redact(text, this.list()) : text;
  }
}
