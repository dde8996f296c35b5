// What `quartet serve` hands its supervisor (on stdin, never argv or env): where to listen and the two tokens.

import type { Readable } from 'node:stream';
import type { CredentialNeeds } from '../../tracker/credentials';
import type { TrackerCredentials } from '../../contract/replies';
import { GITHUB_TOKEN_ENV } from '../../tracker/trackerSettings';

/** The supervisor's flag: read the serve config from stdin, then listen on TCP as well as on the socket. */
export const SERVE_FLAG = '--serve';

export interface ServeConfig {
  /** Loopback unless the person chose otherwise (`--host`). */
  host: string;
  /** 0 = any free port (the log and supervisor.json say which). */
  port: number;
  /** Required (Bearer) on every state-changing request; null = the server is read-only. */
  authToken: string | null;
  /** The tracker's token for a headless Autopilot: it starts with the supervisor, no client needed. */
  trackerToken: string | null;
  /** Non-default tracker hosts the person allowed to receive the token (`--allow-tracker-host`). */
  allowHosts: string[];
}

const MAX_CONFIG_BYTES = 64 * 1024;

export function parseServeConfig(text: string): ServeConfig {
  const v = JSON.parse(text) as Partial<ServeConfig>;
  const port = Number(v.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`serve: port must be 0–65535, not ${String(v.port)}`);
  const token = (t: unknown): string | null => (typeof t === 'string' && t.trim() ? t.trim() : null);
  return {
    host: typeof v.host === 'string' && v.host ? v.host : '127.0.0.1',
    port,
    authToken: token(v.authToken),
    trackerToken: token(v.trackerToken),
    allowHosts: Array.isArray(v.allowHosts) ? v.allowHosts.filter((h): h is string => typeof h === 'string') : [],
  };
}

/** The config when started with SERVE_FLAG (null otherwise); stdin is read to its end, then closed by the sender. */
export async function readServeConfig(argv: readonly string[], stdin: Readable): Promise<ServeConfig | null> {
  if (!argv.includes(SERVE_FLAG)) return null;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of stdin) {
    size += (c as Buffer).length;
    if (size > MAX_CONFIG_BYTES) throw new Error('serve: the config on stdin is over 64 KiB');
    chunks.push(c as Buffer);
  }
  return parseServeConfig(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The token from `--tracker-token-file` / `--tracker-token-env` as the credentials the tracker reads: under its
 * provider's secret key and every variable it names — except GitHub's defaults when the tracker is Linear (those
 * are for a land as PR, and a Linear key is no GitHub token).
 */
export function trackerTokenCredentials(
  token: string,
  needs: CredentialNeeds | null | undefined,
  hosts: string[],
): TrackerCredentials {
  const provider = needs?.endpoints?.[0]?.provider ?? (needs?.secretKeys.includes('linear') ? 'linear' : 'github');
  const skip = provider === 'linear' ? new Set(GITHUB_TOKEN_ENV) : new Set<string>();
  const env = Object.fromEntries((needs?.envNames ?? []).filter((n) => !skip.has(n)).map((n) => [n, token]));
  return { secrets: { [provider]: token }, env, ...(hosts.length ? { hosts } : {}) };
}
