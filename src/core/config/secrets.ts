// Declared secrets: which environment variables never reach an agent, and scrubbing their values from text.

/** Always secret, whatever the user configures (README lists them). */
export const BUILTIN_SECRET_NAMES = ['GITHUB_TOKEN', 'GH_TOKEN', 'LINEAR_API_KEY', 'QUARTET_GITHUB_TOKEN'];

/** Names from the built-in list, `QUARTET_SECRET_ENV` (comma-separated) and the caller's extras. */
export function secretNames(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): Set<string> {
  const fromEnv = (env.QUARTET_SECRET_ENV ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return new Set([...BUILTIN_SECRET_NAMES, ...fromEnv, ...extraNames]);
}

/** The environment minus declared secrets (and minus undefined values). */
export function scrubSecrets(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): Record<string, string> {
  const names = secretNames(env, extraNames);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined || names.has(k)) continue;
    out[k] = v;
  }
  return out;
}

/** Values of declared secrets present in `env`, longest first, ignoring trivially short ones. */
export function secretValues(env: NodeJS.ProcessEnv, extraNames: readonly string[] = []): string[] {
  const values: string[] = [];
  for (const name of secretNames(env, extraNames)) {
    const v = env[name];
    // Very short values would redact ordinary words; a real token is never this short.
    if (v && v.length >= 6) values.push(v);
  }
  return values.sort((a, b) => b.length - a.length);
}

/** Replaces every known secret value in `text` with a marker. */
export function redact(text: string, values: readonly string[]): string {
  let out = text;
  for (const v of values) out = out.split(v).join('[REDACTED]');
  return out;
}
