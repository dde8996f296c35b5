// `quartet autopilot`: runs the repository's Autopilot in its supervisor and prints its events until Ctrl-C (or one tick with --once).

import type { AutopilotEvent, AutopilotSnapshot } from '../shared/autopilot';
import type { SupervisorClient } from '../core/client/supervisorClient';
import { credentialsFromEnv } from '../core/tracker/credentials';
import type { TrackerCredentials } from '../core/contract/replies';
import { ALLOW_HOSTS_ENV, parseAllowedHosts } from '../core/config/endpointPolicy';
import { hostConsentProblem } from '../core/workflow/trackerBinding';

export const AUTOPILOT_HELP = `quartet autopilot [--repo DIR] [--once] [--json] [--allow-tracker-host HOST[,HOST]]

  Runs the Autopilot in the repository's supervisor: polls the tracker configured in WORKFLOW.md
  (tracker.kind), works active issues as Quartet tasks (one task per issue), runs continuation turns,
  stops work on issues that leave the active states and retries failures with backoff.
  Stays attached and prints what it does; Ctrl-C stops the Autopilot (not the supervisor: attempts
  already running go on as ordinary tasks).
  The tracker's credential comes from this shell: the variable WORKFLOW.md names (tracker.provider.token /
  api_key: $VAR), else QUARTET_GITHUB_TOKEN, GITHUB_TOKEN or GH_TOKEN (GitHub) or LINEAR_API_KEY (Linear).
  It is sent to the supervisor, kept in its memory only, and never given to an agent.
  WORKFLOW.md is repository content, so its tracker.provider.endpoint must be https (plain http only to
  127.0.0.1 / localhost), and a host other than api.github.com / api.linear.app gets the token only when
  you allow it here (or in ${ALLOW_HOSTS_ENV}, comma-separated).

  --once   one poll tick (reconcile, fetch, dispatch), then stop the Autopilot and exit; exit 1 if the poll failed
  --json   print events (or, with --once, the Autopilot state) as JSON
  --allow-tracker-host HOST   send the tracker token to this non-default host (e.g. ghe.example.com)`;

function line(e: AutopilotEvent, json: boolean): string {
  return json ? JSON.stringify(e) : `${e.at.slice(11, 19)}  ${e.message}`;
}

/** Prints events not printed yet; a new Autopilot run (new start time) starts its numbering again. */
class EventPrinter {
  private lastSeq = 0;
  private run: string | null = null;

  constructor(private readonly json: boolean) {}

  print(ap: AutopilotSnapshot | undefined): void {
    if (!ap) return;
    if (ap.startedAt !== this.run) {
      this.run = ap.startedAt;
      this.lastSeq = 0;
    }
    for (const e of ap.events) {
      if (e.seq <= this.lastSeq) continue;
      this.lastSeq = e.seq;
      console.log(line(e, this.json));
    }
  }
}

/** A WORKFLOW.md endpoint on a host the person did not allow: refused here, before the token leaves this process. */
export class TrackerHostError extends Error {}

/**
 * Only the variables the configured tracker reads (the supervisor names them), taken from this process's environment,
 * and only when every host they would go to is the provider's own, loopback, or allowed by the person.
 */
async function credentialsFor(
  client: SupervisorClient,
  env: NodeJS.ProcessEnv,
  allowHosts: string[],
): Promise<TrackerCredentials> {
  const needs = (await client.autopilot()).credentials;
  const hosts = [...allowHosts, ...parseAllowedHosts(env[ALLOW_HOSTS_ENV])];
  const refused = hostConsentProblem(needs?.endpoints ?? [], hosts);
  if (refused) throw new TrackerHostError(refused);
  return credentialsFromEnv(needs, env, {}, hosts);
}

export async function runAutopilot(
  client: SupervisorClient,
  opts: { once: boolean; json: boolean; env?: NodeJS.ProcessEnv; allowHosts?: string[] },
): Promise<number> {
  const env = opts.env ?? process.env;
  const allow = opts.allowHosts ?? [];
  const credentials = (c: SupervisorClient, e: NodeJS.ProcessEnv): Promise<TrackerCredentials> =>
    credentialsFor(c, e, allow);
  if (opts.once) {
    const ap = await client.autopilotStart({ once: true, credentials: await credentials(client, env) });
    client.close();
    if (opts.json) console.log(JSON.stringify(ap, null, 2));
    else new EventPrinter(false).print(ap);
    return ap.lastPollError ? 1 : 0;
  }
  const printer = new EventPrinter(opts.json);
  printer.print(await client.autopilotStart({ credentials: await credentials(client, env) }));
  return new Promise((resolve) => {
    let stopping = false;
    const sub = client.onSnapshot((s) => printer.print(s.autopilot));
    const stop = async (): Promise<void> => {
      if (stopping) return;
      stopping = true;
      sub.dispose();
      const ap = await client.autopilotStop().catch(() => undefined);
      printer.print(ap);
      client.close();
      resolve(0);
    };
    process.once('SIGINT', () => void stop());
    process.once('SIGTERM', () => void stop());
    client.onDisconnect((err) => {
      if (stopping) return;
      process.stderr.write(`quartet: lost the supervisor${err ? `: ${err.message}` : ''}\n`);
      resolve(1);
    });
  });
}
