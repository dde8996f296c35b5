// The Autopilot's setup from the repo's WORKFLOW.md (last good version) and the credentials a client sent on Start.

import type { GithubLandOptions } from '../contract/land';
import type { LaunchOptions } from '../contract/launch';
import type { AgentTools } from '../execution/attemptRunner';
import { UsageError } from '../orchestrator/validation';
import { createTrackerToolbox, type TaskToolScope } from '../tracker/agentTools';
import {
  createTaskSource,
  effectiveTrackerStates,
  type TrackerConfig,
  type TrackerDeps,
} from '../tracker/createTaskSource';
import type { CredentialNeeds } from '../tracker/credentials';
import type { TrackerCredentials } from '../contract/replies';
import type { LocalTask } from '../tracker/localSource';
import { GITHUB_TOKEN_ENV, resolveTrackerSettings } from '../tracker/trackerSettings';
import { TrackerError, type TaskSource } from '../tracker/types';
import { normalizeAutopilotConfig, type AutopilotConfig } from '../autopilot/config';
import type { PromptBuilder } from '../autopilot/prompts';
import { JsonFileSource, readTestTracker } from '../autopilot/testTracker';
import { dispatchPreflight } from '../workflow/preflight';
import { credentialNeedsOf, hostConsentProblem, trackerConfigOf, trackerEndpoints } from '../workflow/trackerBinding';
import type { WorkflowRuntime } from '../workflow/workflowRuntime';

/** Everything an Autopilot run needs from configuration. */
export interface AutopilotSetup {
  source: TaskSource;
  config: AutopilotConfig;
  prompts?: PromptBuilder;
  launchOptions?: Partial<LaunchOptions>;
  /** What it was built from (the workflow's hash): another revision on a later tick means the file changed (SPEC §6.2). */
  revision?: string | null;
  /** The tracker part: a reload that leaves it unchanged keeps the source. */
  trackerKey?: string;
  /** Provider-native tools for one Codex session of a task made from this tracker's issues (null: none, or turned off). */
  tools?: (scope: Omit<TaskToolScope, 'trustedLabels'>) => AgentTools | null;
  /** How `land.policy: auto` lands. */
  land?: { pr: boolean; github: GithubLandOptions | null };
}

export interface AutopilotSetupFactory {
  /** Cheap: is a tracker configured at all (decides whether the tree shows the Autopilot section)? */
  configured(): boolean;
  /** Names of the credentials the configured tracker reads (clients send these on Start). */
  needs(): CredentialNeeds | null;
  /** Reads the configuration now; throws a typed StartError when there is no usable tracker. */
  create(credentials: TrackerCredentials): Promise<AutopilotSetup>;
  /** The revision `create` would build from now (re-reads the file first). */
  revision(): string | null;
}

export const NO_TRACKER = 'no tracker configured in WORKFLOW.md (tracker.kind)';

/** A start that cannot go ahead, with a SPEC §11.4 / §6.3 category the tree and the CLI show. */
export class StartError extends UsageError {
  constructor(
    readonly code: string,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}

export interface WorkflowSetupDeps {
  workflow: WorkflowRuntime;
  /** The supervisor's environment (built-in secret names already removed). */
  env: Record<string, string>;
  localTasks(): readonly LocalTask[];
  log(line: string): void;
  /** TEST-ONLY: `QUARTET_TEST_TRACKER` replaces the WORKFLOW.md tracker (see testTracker.ts). */
  testTrackerFile?: string;
}

function testSetup(file: string): AutopilotSetup {
  const f = readTestTracker(file);
  const { config, problems } = normalizeAutopilotConfig(f.autopilot ?? {});
  if (problems.length)
    throw new StartError('invalid_workflow_config', `autopilot configuration: ${problems.join('; ')}`);
  return {
    source: new JsonFileSource(file),
    config,
    launchOptions: f.launchOptions ?? {},
    revision: 'test',
    trackerKey: 'test',
    land: { pr: false, github: null },
  };
}

/** The token a land as PR uses: the GitHub tracker's own (same resolution), else the stored GitHub token or a GitHub variable. */
async function githubLand(
  config: TrackerConfig,
  deps: TrackerDeps,
  credentials: TrackerCredentials,
): Promise<GithubLandOptions | null> {
  const s = resolveTrackerSettings(config, { ...deps, warn: () => {} });
  if (s.kind === 'github') {
    const token = await s.github.getToken();
    return token ? { token, baseUrl: s.github.baseUrl, owner: s.github.owner, repo: s.github.repo } : null;
  }
  const token = credentials.secrets?.github ?? GITHUB_TOKEN_ENV.map((n) => deps.env[n]).find((v) => !!v?.trim());
  return token ? { token } : null;
}

export function workflowAutopilotSetup(deps: WorkflowSetupDeps): AutopilotSetupFactory {
  const definition = () => deps.workflow.definition;
  return {
    configured: () => !!deps.testTrackerFile || !!definition()?.config.tracker.kind,
    needs: () => (deps.testTrackerFile ? null : credentialNeedsOf(definition())),
    revision() {
      if (deps.testTrackerFile) return 'test';
      deps.workflow.refresh();
      return definition()?.hash ?? null;
    },
    async create(credentials) {
      if (deps.testTrackerFile) return testSetup(deps.testTrackerFile);
      deps.workflow.refresh();
      const def = definition();
      const t = def ? trackerConfigOf(def.config.tracker) : null;
      if (!def || !t) {
        const err = deps.workflow.summary()?.error;
        throw new StartError('missing_tracker_kind', `${NO_TRACKER}${err ? `; the file has an error: ${err}` : ''}`);
      }
      const trackerDeps: TrackerDeps = {
        env: { ...deps.env, ...(credentials.env ?? {}) },
        secretStore: async (key) => credentials.secrets?.[key] ?? null,
        localTasks: deps.localTasks,
        warn: (m) => deps.log(`tracker: ${m}`),
        allowedHosts: credentials.hosts ?? [],
      };
      const problems = dispatchPreflight(def, {
        validateProvider: () => resolveTrackerSettings(t, { ...trackerDeps, warn: () => {} }),
      });
      if (problems[0]) throw new StartError(problems[0].code, problems.map((p) => p.message).join('; '));
      // Before any request: a WORKFLOW.md endpoint on a host the person never confirmed gets no token.
      const refused = hostConsentProblem(trackerEndpoints(t, false), trackerDeps.allowedHosts);
      if (refused) throw new StartError('untrusted_tracker_host', refused);
      let source: TaskSource;
      let states: { activeStates: string[]; terminalStates: string[] };
      try {
        source = createTaskSource(t, trackerDeps);
        states = effectiveTrackerStates(t, trackerDeps);
      } catch (err) {
        if (err instanceof TrackerError) throw new StartError(err.category, err.message);
        throw err;
      }
      const c = def.config;
      const { config, problems: bad } = normalizeAutopilotConfig({
        pollIntervalMs: c.polling.intervalMs,
        ...states,
        requiredLabels: c.tracker.requiredLabels,
        trustedLabels: c.quartet.trustedLabels,
        maxConcurrentAgents: c.agent.maxConcurrentAgents,
        maxConcurrentByState: c.agent.maxConcurrentAgentsByState,
        maxTurns: c.agent.maxTurns,
        maxRetryBackoffMs: c.agent.maxRetryBackoffMs,
        // quartet.attempts is the local tasks' default (4); an issue gets one attempt unless the file says otherwise.
        ...(def.present.has('quartet.attempts') ? { attemptsPerIssue: c.quartet.attempts } : {}),
        landPolicy: c.quartet.land.policy,
      });
      if (bad.length) throw new StartError('invalid_workflow_config', bad.join('; '));
      const tools = (scope: Omit<TaskToolScope, 'trustedLabels'>): AgentTools | null => {
        if (!c.quartet.agentTools) return null;
        // One toolbox per Codex session, from the configuration this setup was built with (SPEC §10.5), bound to the task's issue.
        const box = createTrackerToolbox(
          t,
          { ...trackerDeps, warn: () => {} },
          { ...scope, trustedLabels: c.quartet.trustedLabels },
        );
        return box.specs.length
          ? { specs: box.specs, execute: (name, args, record) => box.executeTrackerTool(name, args, record) }
          : null;
      };
      const land = { pr: c.quartet.land.pr, github: await githubLand(t, trackerDeps, credentials) };
      return { source, config, launchOptions: {}, revision: def.hash, trackerKey: JSON.stringify(t), tools, land };
    },
  };
}
