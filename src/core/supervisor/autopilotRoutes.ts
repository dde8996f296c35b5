// Supervisor routes of the Autopilot: start / stop / refresh / state, and launching attempts on one issue by hand.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { AutopilotService } from './autopilotService';
import { UsageError } from '../orchestrator/validation';
import { parseCredentials } from '../tracker/credentials';
import type { TrackerCredentials } from '../contract/replies';

type Send = (res: ServerResponse, status: number, body: unknown) => void;
type ReadBody = (req: IncomingMessage) => Promise<Record<string, unknown>>;

/** SPEC §13.7 `POST /api/v1/refresh` body: queued for the Autopilot's next poll + reconcile and the dispatch queue. */
export function refreshRoute(orch: Orchestrator, autopilot: AutopilotService | null): Record<string, unknown> {
  const r = autopilot?.refresh() ?? { queued: false, coalesced: false };
  orch.configure({});
  return { queued: true, coalesced: r.coalesced, requested_at: new Date().toISOString(), operations: r.queued ? ['poll', 'reconcile', 'dispatch'] : ['reconcile', 'dispatch'] };
}

/** The tracker credentials of a start/launch body (kept in memory only by the service); errors never echo a value. */
function credentialsOf(body: Record<string, unknown>): TrackerCredentials | null {
  try {
    return parseCredentials(body.credentials);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** `/api/v1/autopilot[/start|/stop|/refresh|/issues/<id>/launch]`; returns false for an unknown action. */
export async function autopilotRoute(
  autopilot: AutopilotService,
  orch: Orchestrator,
  req: IncomingMessage,
  res: ServerResponse,
  parts: string[],
  io: { send: Send; readBody: ReadBody; only(method: string): void },
): Promise<boolean> {
  const [action, issueId, sub] = parts;
  if (action === undefined) {
    io.only('GET');
    io.send(res, 200, autopilot.snapshot({ reread: true }));
    return true;
  }
  io.only('POST');
  if (action === 'start') {
    const body = await io.readBody(req);
    io.send(res, 200, await autopilot.start({ once: body.once === true, credentials: credentialsOf(body) }));
  } else if (action === 'stop') io.send(res, 200, autopilot.stop());
  else if (action === 'refresh') io.send(res, 202, refreshRoute(orch, autopilot));
  else if (action === 'issues' && issueId && sub === 'launch') {
    const body = await io.readBody(req);
    const attempts = typeof body.attempts === 'number' ? body.attempts : undefined;
    io.send(res, 201, await autopilot.launchIssue(issueId, { attempts, options: body.options as never, env: body.env as Record<string, string> | undefined, credentials: credentialsOf(body) }));
  } else return false;
  return true;
}
