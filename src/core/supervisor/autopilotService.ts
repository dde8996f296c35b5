// The supervisor's Autopilot: built from WORKFLOW.md + a client's credentials on start, reloaded per tick, restarted after a restart.

import { emptyAutopilotSnapshot, type AutopilotProblem, type AutopilotSnapshot } from '../../shared/autopilot';
import type { TaskSnapshot } from '../../shared/model';
import type { LaunchOptions } from '../contract/launch';
import type { Orchestrator } from '../orchestrator/orchestrator';
import { UsageError } from '../orchestrator/validation';
import { credentialValues, isEmptyCredentials } from '../tracker/credentials';
import type { TrackerCredentials } from '../contract/replies';
import { TrackerError } from '../tracker/types';
import { Autopilot } from '../autopilot/autopilot';
import { OrchestratorAutopilotHost } from '../autopilot/orchestratorHost';
import { DEFAULT_PROMPTS } from '../autopilot/prompts';
import { SwitchSource } from '../autopilot/switchSource';
import type { SecretRegistry } from '../config/secretRegistry';
import { AutopilotWish } from './autopilotWish';
import { AutopilotRetries } from './autopilotRetries';
import { StartError, type AutopilotSetup, type AutopilotSetupFactory } from './workflowAutopilot';

export { NO_TRACKER, type AutopilotSetup, type AutopilotSetupFactory } from './workflowAutopilot';

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/** A start's failure as the tree and CLI show it: the typed category and the reason (never a credential). */
function problemOf(err: unknown): AutopilotProblem {
  if (err instanceof StartError) return { code: err.code, message: err.detail };
  if (err instanceof TrackerError) return { code: err.category, message: err.message };
  return { code: 'autopilot_start_failed', message: message(err) };
}

export interface AutopilotServiceOptions {
  /** Where "the Autopilot should run" is remembered across supervisor restarts (never the credentials). */
  stateDir?: string;
  /** Credentials a client sends are added here: redacted from the supervisor log and journals. */
  secrets?: SecretRegistry;
}

export class AutopilotService {
  private autopilot: Autopilot | null = null;
  private setup: AutopilotSetup | null = null;
  private source: SwitchSource | null = null;
  /** In memory only: lost on restart on purpose (SPEC §15.3); a client sends them again with Start. */
  private credentials: TrackerCredentials = {};
  private problem: AutopilotProblem | null = null;
  private readonly wish: AutopilotWish;
  private readonly retries: AutopilotRetries;

  constructor(
    private readonly orch: Orchestrator,
    private readonly factory: AutopilotSetupFactory,
    private readonly log: (line: string) => void,
    private readonly opts: AutopilotServiceOptions = {},
  ) {
    this.wish = new AutopilotWish(opts.stateDir ?? null);
    this.retries = new AutopilotRetries(opts.stateDir ?? null);
    orch.setAutopilotView(() => this.snapshot());
    // Tools for sessions of tasks made from this tracker's issues, built per session from the setup in force.
    orch.setAgentTools((task) => {
      const s = this.setup;
      if (!s || !task.source || task.source.kind !== s.source.kind) return null;
      // The tools act only on this task's issue and the PRs Quartet opened for it (read live: a PR opened mid-session counts).
      const pullRequests = (): number[] => {
        const t = orch.taskRecord(task.id) ?? task;
        const numbers = [t.landing?.pr?.number, ...t.attempts.map((a) => a.pullRequest?.number)];
        return [...new Set(numbers.filter((n): n is number => typeof n === 'number'))];
      };
      return s.tools?.({ issueId: task.source.issueId, identifier: task.source.identifier, pullRequests }) ?? null;
    });
  }

  get isRunning(): boolean {
    return this.autopilot?.isRunning ?? false;
  }

  /** `reread`: check WORKFLOW.md first (a client asking what to send on Start must not see a stale tracker). */
  snapshot(opts: { reread?: boolean } = {}): AutopilotSnapshot {
    if (opts.reread) this.factory.revision();
    const base = this.autopilot ? this.autopilot.snapshot(true) : emptyAutopilotSnapshot(this.factory.configured());
    return {
      ...base,
      configured: this.factory.configured() || base.configured,
      credentials: this.factory.needs(),
      problem: this.problem,
      wanted: this.wish.wanted,
      rateLimits: this.source?.rateLimits() ?? null,
    };
  }

  /** True when the client sent something: an empty set (a shell without the token) never erases what another client gave. */
  private remember(credentials: TrackerCredentials | null | undefined): boolean {
    if (!credentials) return false;
    if (isEmptyCredentials(credentials)) {
      // A person's yes to a host still counts (the token may be a WORKFLOW.md literal or an earlier client's).
      const hosts = credentials.hosts?.filter((h) => !this.credentials.hosts?.includes(h)) ?? [];
      if (!hosts.length) return false;
      this.credentials = { ...this.credentials, hosts: [...(this.credentials.hosts ?? []), ...hosts] };
      return true;
    }
    this.opts.secrets?.add(credentialValues(credentials));
    this.credentials = credentials;
    return true;
  }

  /** Starts polling; `credentials` (a client's tracker token) replace the ones in memory. `once` runs a single tick and stops. */
  async start(opts: { once?: boolean; credentials?: TrackerCredentials | null } = {}): Promise<AutopilotSnapshot> {
    const fresh = this.remember(opts.credentials);
    if (this.autopilot?.isRunning) {
      if (fresh) await this.reload('new credentials', true);
      return this.snapshot();
    }
    let setup: AutopilotSetup;
    try {
      setup = await this.factory.create(this.credentials);
      // SPEC §6.3: config and credentials are checked before anything runs; the person sees why.
      await setup.source.preflight?.().catch((err: unknown) => {
        throw err instanceof TrackerError
          ? new StartError(err.category, `tracker ${setup.source.label}: ${err.message}`)
          : err;
      });
    } catch (err) {
      this.problem = problemOf(err);
      this.orch.notify();
      throw err instanceof UsageError ? err : new StartError(this.problem.code, this.problem.message);
    }
    this.problem = null;
    if (!opts.once) this.wish.set(true);
    this.source = new SwitchSource(setup.source);
    this.setup = { ...setup, source: this.source };
    const host = new OrchestratorAutopilotHost(
      this.orch,
      () => {
        const s = this.setup ?? setup;
        return {
          sourceKind: s.source.kind,
          attemptsPerIssue: s.config.attemptsPerIssue,
          launchOptions: s.launchOptions ?? {},
          secretEnvNames: s.source.secretEnvNames ?? [],
          land: s.land ?? { pr: false, github: null },
        };
      },
      this.log,
    );
    this.autopilot = new Autopilot({
      source: this.source,
      host,
      config: setup.config,
      prompts: setup.prompts,
      onChange: () => this.orch.notify(),
      preflight: () => this.tickPreflight(),
      // A single tick (`--once`) neither resumes nor rewrites the saved queue of the long-running Autopilot.
      queue: opts.once ? undefined : this.retries,
    });
    await this.autopilot.start({ once: opts.once });
    return this.snapshot();
  }

  /**
   * Before each dispatch (SPEC §6.2/§6.3): a changed WORKFLOW.md applies from this tick (a new tracker config gets a new
   * source); a missing credential or an unusable new config skips dispatch, with the reason in the tree.
   */
  private async tickPreflight(): Promise<string | null> {
    if (this.setup && this.factory.revision() !== this.setup.revision) {
      const failed = await this.reload('WORKFLOW.md changed');
      if (failed) return failed;
    }
    try {
      await this.source?.preflight();
      return null;
    } catch (err) {
      return err instanceof TrackerError ? `${err.category}: ${err.message}` : message(err);
    }
  }

  /** Rebuilds the setup; returns why it could not (the previous configuration stays in force). `newSource`: credentials changed. */
  private async reload(why: string, newSource = false): Promise<string | null> {
    const current = this.setup;
    if (!current || !this.source || !this.autopilot) return null;
    let next: AutopilotSetup;
    try {
      next = await this.factory.create(this.credentials);
    } catch (err) {
      const p = problemOf(err);
      return `${p.code}: ${p.message} (the previous tracker configuration stays in force)`;
    }
    const swap = newSource || next.trackerKey !== current.trackerKey;
    if (swap) this.source.set(next.source);
    this.setup = { ...next, source: this.source };
    this.autopilot.reconfigure(next.config, `configuration reloaded (${why})${swap ? '; new tracker source' : ''}`);
    return null;
  }

  /** `keepWish`: a supervisor shutting down stops it but remembers that it should run (restarted with the next supervisor). */
  stop(why = 'stopped by a client', opts: { keepWish?: boolean } = {}): AutopilotSnapshot {
    if (!opts.keepWish) {
      this.wish.set(false);
      this.problem = null;
    }
    // A person's stop drops the retries; a shutdown leaves them for the next supervisor to resume.
    this.autopilot?.stop(why, { keepQueue: opts.keepWish === true });
    this.orch.notify();
    return this.snapshot();
  }

  /**
   * After a supervisor restart: start again if it was running. Credentials lived in memory only, so a tracker that
   * needs one cannot start: the tree says so ("needs the token again") instead of failing silently.
   */
  async resumeIfWanted(): Promise<void> {
    if (this.isRunning) return;
    if (!this.wish.wanted) {
      // Logged, so that "it rightly stayed stopped" is something to see, not only the absence of a start.
      this.log('autopilot: stays stopped (it was not running before the supervisor restarted)');
      return;
    }
    try {
      await this.start();
      this.log('autopilot: restarted (it was running before the supervisor restarted)');
    } catch (err) {
      const p = problemOf(err);
      this.problem =
        p.code === 'missing_tracker_secret'
          ? {
              code: 'needs_credentials',
              message: `needs the tracker token again (kept in memory only, so it was lost when Quartet restarted): run Start Autopilot. ${p.message}`,
            }
          : { code: p.code, message: `could not restart after Quartet restarted: ${p.message}` };
      this.log(`autopilot: not restarted: ${this.problem.code}: ${this.problem.message}`);
      this.orch.notify();
    }
  }

  refresh(): { queued: boolean; coalesced: boolean } {
    return this.autopilot?.refresh() ?? { queued: false, coalesced: false };
  }

  /** "Launch Attempts on Issue": a normal task from one tracker issue, by hand (the Autopilot leaves it alone while it runs). */
  async launchIssue(
    issueId: string,
    body: {
      attempts?: number;
      options?: Partial<LaunchOptions>;
      env?: Record<string, string>;
      credentials?: TrackerCredentials | null;
    },
  ): Promise<TaskSnapshot> {
    this.remember(body.credentials);
    const setup = this.setup ?? (await this.factory.create(this.credentials));
    this.setup ??= setup;
    const [issue] = await setup.source.fetchIssuesByIds([issueId]);
    if (!issue) throw new UsageError(`issue ${issueId} is not visible in ${setup.source.label}`);
    return this.orch.launch(
      {
        title: issue.title,
        prompt: (setup.prompts ?? DEFAULT_PROMPTS).first(issue, null),
        attempts: body.attempts ?? 4,
        options: { ...(setup.launchOptions ?? {}), ...(body.options ?? {}) },
        env: body.env,
        source: {
          kind: setup.source.kind,
          issueId: issue.id,
          identifier: issue.identifier,
          url: issue.url,
          state: issue.state,
        },
        secretEnvNames: setup.source.secretEnvNames ?? [],
      },
      { issue },
    );
  }
}
