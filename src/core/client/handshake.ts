// Whether a client uses, replaces, keeps (and warns) or refuses the supervisor it found: a pure rule over both builds.

import { isNewerBuild } from '../contract/buildStamp';
import type { BuildStamp, BusyReport } from '../contract/hello';
import { describeBusy, isBusy } from '../contract/busy';

/** What the extension's tree and the CLI (on stderr) say while an outdated supervisor finishes its work. */
export const UPDATED_WARNING = 'Quartet was updated; the supervisor restarts when its attempts end';

/** A supervisor from before the handshake (no GET /api/v1/hello) speaks the API that version 1 names. */
export const LEGACY_API_VERSION = 1;

export interface FoundSupervisor {
  /** Null: a supervisor from before the handshake, an older build of API 1 that states no id. */
  stamp: BuildStamp | null;
  pid: number | null;
  busy: BusyReport;
}

export type HandshakeDecision =
  /** Same build, or a newer one this client can talk to (`note`: say so in the log). */
  | { action: 'use'; note: string | null }
  /** Another, older build and nothing runs: shut it down, start this client's own. */
  | { action: 'replace'; why: string }
  /** An older build that is busy and speaks this client's API: use it, say so, it restarts once idle. */
  | { action: 'keep'; warning: string }
  /** Using it could misbehave and replacing it would cut work off: stop with what to do. */
  | { action: 'refuse'; message: string };

const label = (s: BuildStamp | null): string =>
  s ? `build ${s.buildId}, API ${s.apiVersion}` : `a build from before version checks, API ${LEGACY_API_VERSION}`;

export function decideHandshake(client: BuildStamp, found: FoundSupervisor): HandshakeDecision {
  const s = found.stamp;
  if (s && s.buildId === client.buildId) return { action: 'use', note: null };
  const compatible = (s?.apiVersion ?? LEGACY_API_VERSION) === client.apiVersion;
  const pid = found.pid ? `pid ${found.pid}, ` : '';
  // A newer supervisor is never replaced by an older client: two builds would replace each other in turn.
  if (s && isNewerBuild(s, client)) {
    if (compatible)
      return {
        action: 'use',
        note: `this Quartet (build ${client.buildId}) is older than the repository's supervisor (${label(s)}); reload the window or update the CLI to match`,
      };
    return {
      action: 'refuse',
      message: `This repository's Quartet supervisor (${pid}${label(s)}) is newer than this Quartet (build ${client.buildId}, API ${client.apiVersion}) and speaks another API. Reload the VS Code window (Developer: Reload Window) or use the quartet CLI of the same install as the extension.`,
    };
  }
  const busy = found.busy;
  if (!isBusy(busy))
    return {
      action: 'replace',
      why: `the supervisor is ${label(s)}, this Quartet is build ${client.buildId}, and nothing runs`,
    };
  if (compatible) return { action: 'keep', warning: `${UPDATED_WARNING} (${describeBusy(busy)}).` };
  return {
    action: 'refuse',
    message:
      `Quartet was updated, but this repository's supervisor (${pid}${label(s)}) still runs ${describeBusy(busy)} and speaks an API this Quartet (API ${client.apiVersion}) cannot use. ` +
      'Let that work end — the supervisor then restarts on the new build by itself — and try again, or stop it now with `quartet supervisor stop` (running attempts become interrupted; Resume continues them).',
  };
}

/** A `refuse`: the CLI exits 2 with it, the extension shows it (an environment problem, not a failed run). */
export class SupervisorMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SupervisorMismatchError';
  }
}
