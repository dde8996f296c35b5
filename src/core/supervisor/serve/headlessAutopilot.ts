// A headless Autopilot: `quartet serve` with a tracker token starts it with the supervisor, so a restart resumes on its own.

import { ALLOW_HOSTS_ENV, parseAllowedHosts } from '../../config/endpointPolicy';
import { hostConsentProblem } from '../../workflow/trackerBinding';
import type { AutopilotService } from '../autopilotService';
import { trackerTokenCredentials, type ServeConfig } from './serveConfig';

/**
 * With a token: start (the saved retry queue and claims resume with it — no click). Without one: the usual
 * restart-if-it-was-running, which says "needs the token again" for a tracker that needs one.
 */
export async function startHeadlessAutopilot(
  autopilot: AutopilotService,
  config: ServeConfig,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<void> {
  if (!config.trackerToken) return autopilot.resumeIfWanted();
  const needs = autopilot.snapshot({ reread: true }).credentials;
  const hosts = [...config.allowHosts, ...parseAllowedHosts(env[ALLOW_HOSTS_ENV])];
  // The same consent as `quartet autopilot`: a WORKFLOW.md endpoint on a host nobody allowed gets no token.
  const refused = hostConsentProblem(needs?.endpoints ?? [], hosts);
  if (refused) return log(`autopilot: not started: ${refused}`);
  try {
    await autopilot.start({ credentials: trackerTokenCredentials(config.trackerToken, needs, hosts) });
    log('autopilot: started headless (tracker token given to quartet serve)');
  } catch (err) {
    log(`autopilot: not started: ${(err as Error).message}`);
  }
}
