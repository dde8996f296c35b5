// Tracker credentials: `$VAR` references, host secret storage and well-known env names, resolved host-side only.

/** Where adapters may look for a credential; the extension passes VS Code SecretStorage as `secretStore`. */
export interface SecretDeps {
  env: NodeJS.ProcessEnv;
  /** Host secret storage by key (`github` / `linear`); null/undefined when nothing is stored. */
  secretStore?: (key: string) => Promise<string | null | undefined>;
  /** Non-default hosts the sender of the credentials agreed to send them to (endpointPolicy.needsHostConsent). */
  allowedHosts?: readonly string[];
}

export interface TokenResolver {
  getToken(): Promise<string | null>;
  /** Env names the launcher must strip from agent environments (SPEC §15.3). */
  envNames: string[];
  /** Human text naming every place the token may come from, for `missing_tracker_secret` messages. */
  where: string;
}

/** `$NAME` or `${NAME}` → `NAME`; anything else → null. */
export function envReference(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$/.exec(value.trim());
  return m ? (m[1] ?? m[2] ?? null) : null;
}

const nonEmpty = (v: string | null | undefined): string | null => (v && v.trim() ? v.trim() : null);

/**
 * A configured value wins: `$VAR` reads that variable (empty or unset means missing — SPEC §5.3.1 — with no
 * silent fallback to another name), a literal is used as is. Without one: host secret storage, then the
 * fallback env names in order.
 */
export function tokenResolver(
  configured: unknown,
  configKey: string,
  storeKey: string,
  fallbackEnv: string[],
  deps: SecretDeps,
): TokenResolver {
  const ref = envReference(configured);
  const literal = ref === null && typeof configured === 'string' ? nonEmpty(configured) : null;
  const envNames = [...new Set([...fallbackEnv, ...(ref ? [ref] : [])])];
  const where = ref
    ? `environment variable ${ref} (from ${configKey})`
    : `${configKey}, host secret storage ("${storeKey}") or one of ${fallbackEnv.join(', ')}`;
  const getToken = async (): Promise<string | null> => {
    if (ref) return nonEmpty(deps.env[ref]);
    if (literal) return literal;
    const stored = deps.secretStore ? nonEmpty(await deps.secretStore(storeKey)) : null;
    if (stored) return stored;
    for (const name of fallbackEnv) {
      const v = nonEmpty(deps.env[name]);
      if (v) return v;
    }
    return null;
  };
  return { getToken, envNames, where };
}
