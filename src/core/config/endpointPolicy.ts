// Where a tracker token may go: https only (http just on loopback), and a non-default host only once the sender agreed.

/** The host each provider's token goes to when nothing else is configured. */
export const DEFAULT_TOKEN_HOSTS = { github: 'api.github.com', linear: 'api.linear.app' } as const;
export type TokenProvider = keyof typeof DEFAULT_TOKEN_HOSTS;

/** CLI: `quartet autopilot … --allow-tracker-host HOST` or this variable (comma-separated hosts). */
export const ALLOW_HOSTS_ENV = 'QUARTET_ALLOW_TRACKER_HOSTS';

/** 127.0.0.0/8, ::1 and localhost: traffic to them never leaves the machine. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Null when a token may be sent to `url`, else why not. https always; plain http only to a loopback address
 * (it cannot leave the machine — the tests' fake GitHub and Linear run there); anything else would put the token
 * on the network in clear text.
 */
export function endpointProblem(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `must be an absolute https URL (got "${url}")`;
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:' && isLoopbackHost(u.hostname)) return null;
  if (u.protocol === 'http:')
    return `must use https: a token would cross the network in clear text to ${u.host} (plain http is accepted only for 127.0.0.1 / localhost)`;
  return `must be an https URL (got "${url}")`;
}

/** `host[:port]`, lower case; the unit a person confirms. */
export function tokenHost(url: string): string {
  return new URL(url).host.toLowerCase();
}

/**
 * True when sending `provider`'s token to `url` needs the person's one-time yes: not the provider's own API host,
 * not loopback, and not in `allowed` (hosts the sender confirmed or set in its own user/machine settings).
 */
export function needsHostConsent(provider: TokenProvider, url: string, allowed: readonly string[] = []): boolean {
  const u = new URL(url);
  const host = u.host.toLowerCase();
  if (host === DEFAULT_TOKEN_HOSTS[provider] || isLoopbackHost(u.hostname)) return false;
  return !allowed.some((a) => a.trim().toLowerCase() === host);
}

/** The refusal text: names the host and how to allow it, never a token. */
export function hostConsentMessage(provider: TokenProvider, url: string): string {
  const host = tokenHost(url);
  const name = provider === 'github' ? 'GitHub token' : 'Linear API key';
  return (
    `WORKFLOW.md's tracker.provider.endpoint would send your ${name} to ${host}, not ${DEFAULT_TOKEN_HOSTS[provider]}. ` +
    `Confirm that host once: in VS Code, Start Autopilot asks; with the CLI, pass --allow-tracker-host ${host} (or set ${ALLOW_HOSTS_ENV}=${host}).`
  );
}

/** `a.example, b.example:8443` → hosts, lower case. */
export function parseAllowedHosts(text: string | undefined): string[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
}

/** The endpoints whose host still needs the person's yes, one per host. */
export function hostsNeedingConsent<E extends { provider: TokenProvider; url: string }>(
  endpoints: readonly E[],
  allowed: readonly string[],
): E[] {
  const seen = new Set<string>();
  return endpoints.filter((e) => {
    if (!needsHostConsent(e.provider, e.url, allowed) || seen.has(tokenHost(e.url))) return false;
    seen.add(tokenHost(e.url));
    return true;
  });
}
