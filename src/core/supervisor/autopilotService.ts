// The supervisor's Autopilot: created from the configured tracker on start, shown in every snapshot, stopped on demand.

import { emptyAutopilotSnapshot, type AutopilotSnapshot } from '../../shared/autopilot';
import type { TaskSnapshot } from '../../shared/model';
import type { LaunchOptions } from '../client/api';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { UsageError } from '../orchestrator/validation';
import type { TaskSource } from '../tracker/types';
import { Autopilot } from '../autopilot/autopilot';
import { normalizeAutopilotConfig, type AutopilotConfig } from '../autopilot/config';
import { OrchestratorAutopilotHost } from '../autopilot/orchestratorHost';
import { DEFAULT_PROMPTS, type PromptBuilder } from '../autopilot/prompts';
import { JsonFileSource, readTestTracker, TEST_TRACKER_ENV } from '../autopilot/testTracker';

/** Everything an Autopilot run needs from configuration (WORKFLOW.md, mapped by the workflow loader). */
export interface AutopilotSetup {
  source: TaskSource;
  config: AutopilotConfig;
  prompts?: PromptBuilder;
  launchOptions?: Partial<LaunchOptions>;
}

export interface AutopilotSetupFactory {
  /** Cheap: is a tracker configured at all (decides whether the tree shows the Autopilot section)? */
  configured(): boolean;
  /** Reads the configuration now; throws UsageError when there is no usable tracker. */
  create(): Promise<AutopilotSetup>;
}

export const NO_TRACKER = 'no tracker configured in WORKFLOW.md (tracker.kind)';

/** Until the WORKFLOW.md loader is wired: only the test hook configures a tracker. */
export function defaultAutopilotSetup(env: NodeJS.ProcessEnv): AutopilotSetupFactory {
  const file = env[TEST_TRACKER_ENV];
  return {
    configured: () => !!file,
    async create() {
      if (!file) throw new UsageError(NO_TRACKER);
      const f = readTestTracker(file);
      const { config, problems } = normalizeAutopilotConfig(f.autopilot ?? {});
      if (problems.length) throw new UsageError(`autopilot configuration: ${problems.join('; ')}`);
      return { source: new JsonFileSource(file), config, launchOptions: f.launchOptions ?? {} };
    },
  };
}

export class AutopilotService {
  private autopilot: Autopilot | null = null;
  private setup: AutopilotSetup | null = null;

  constructor(
    private readonly orch: Orchestrator,
    private readonly factory: AutopilotSetupFactory,
    private readonly log: (line: string) => void,
  ) {
    orch.setAutopilotView(() => this.snapshot());
  }

  get isRunning(): boolean {
    return this.autopilot?.isRunning ?? false;
  }

  snapshot(): AutopilotSnapshot {
    return this.autopilot ? this.autopilot.snapshot(true) : emptyAutopilotSnapshot(this.factory.configured());
  }

  /** Starts polling (re-reading the configuration); `once` runs a single tick and stops. */
  async start(opts: { once?: boolean } = {}): Promise<AutopilotSnapshot> {
    if (this.autopilot?.isRunning) return this.snapshot();
    const setup = await this.factory.create();
    // SPEC §6.3: config and credentials are checked before anything runs; the person sees why.
    await setup.source.preflight?.().catch((err: unknown) => {
      throw new UsageError(`tracker ${setup.source.label}: ${(err as Error).message}`);
    });
    this.setup = setup;
    const host = new OrchestratorAutopilotHost(
      this.orch,
      () => ({ sourceKind: setup.source.kind, attemptsPerIssue: setup.config.attemptsPerIssue, launchOptions: setup.launchOptions ?? {}, secretEnvNames: setup.source.secretEnvNames ?? [] }),
      this.log,
    );
    this.autopilot = new Autopilot({ source: setup.source, host, config: setup.config, prompts: setup.prompts, onChange: () => this.orch.notify() });
    await this.autopilot.start(opts);
    return this.snapshot();
  }

  stop(why = 'stopped by a client'): AutopilotSnapshot {
    this.autopilot?.stop(why);
    this.orch.notify();
    return this.snapshot();
  }

  refresh(): { queued: boolean; coalesced: boolean } {
    return this.autopilot?.refresh() ?? { queued: false, coalesced: false };
  }

  /** "Launch Attempts on Issue": a normal task from one tracker issue, by hand (the Autopilot leaves it alone while it runs). */
  async launchIssue(issueId: string, body: { attempts?: number; options?: Partial<LaunchOptions>; env?: Record<string, string> }): Promise<TaskSnapshot> {
    const setup = this.setup ?? (await this.factory.create());
    this.setup = setup;
    const [issue] = await setup.source.fetchIssuesByIds([issueId]);
    if (!issue) throw new UsageError(`issue ${issueId} is not visible in ${setup.source.label}`);
    return this.orch.launch({
      title: issue.title,
      prompt: (setup.prompts ?? DEFAULT_PROMPTS).first(issue, null),
      attempts: body.attempts ?? 4,
      options: { ...(setup.launchOptions ?? {}), ...(body.options ?? {}) },
      env: body.env,
      source: { kind: setup.source.kind, issueId: issue.id, identifier: issue.identifier, url: issue.url, state: issue.state },
      secretEnvNames: setup.source.secretEnvNames ?? [],
    });
  }
}
