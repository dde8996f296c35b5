// Supervisor routes of the Autopilot: start / stop / refresh / state, and launching attempts on one issue by hand.

import type { Orchestrator } from '../orchestrator/orchestrator';
import type { AutopilotService } from './autopilotService';
import { UsageError } from '../orchestrator/validation';
import { parseCredentials } from '../tracker/credentials';
import type { TrackerCredentials } from '../contract/replies';

import type { RefreshReply } from '../contract/routes';
import { HttpError, type Handlers } from './dispatch';

/** SPEC §13.7 `POST /api/v1/refresh` body: queued for the Autopilot's next poll + reconcile and the dispatch queue. */
export function refreshRoute(orch: Orchestrator, autopilot: AutopilotService | null): RefreshReply {
  const r = autopilot?.refresh() ?? { queued: false, coalesced: false };
  orch.configure({});
  return {
    queued: true,
    coalesced: r.coalesced,
    requested_at: new Date().toISOString(),
    operations: r.queued ? ['poll', 'reconcile', 'dispatch'] : ['reconcile', 'dispatch'],
  };
}

/** The tracker credentials of a start/launch body (kept in memory only by the service); errors never echo a value. */
function credentialsOf(credentials: unknown): TrackerCredentials | null {
  try {
    return parseCredentials(credentials);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

type AutopilotRoutes = 'autopilot' | 'autopilotStart' | 'autopilotStop' | 'autopilotRefresh' | 'launchIssue';

/** `/api/v1/autopilot[/start|/stop|/refresh|/issues/<id>/launch]`: 404 on a supervisor without an Autopilot. */
export function autopilotHandlers(
  orch: Orchestrator,
  autopilot: AutopilotService | null,
): Pick<Handlers, AutopilotRoutes> {
  const the = (): AutopilotService => {
    if (!autopilot) throw new HttpError(404, 'not_found', 'this supervisor has no Autopilot');
    return autopilot;
  };
  return {
    autopilot: () => the().snapshot({ reread: true }),
    autopilotStart: ({ body }) =>
      the().start({ once: body.once === true, credentials: credentialsOf(body.credentials) }),
    autopilotStop: () => the().stop(),
    autopilotRefresh: () => refreshRoute(orch, the()),
    launchIssue: ({ params, body }) =>
      the().launchIssue(params.id, {
        attempts: body.attempts,
        options: body.options,
        env: body.env,
        credentials: credentialsOf(body.credentials),
      }),
  };
}
