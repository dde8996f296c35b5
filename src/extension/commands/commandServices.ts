// What command handlers may use: the snapshot, the view, logging and the supervisor client, nothing else.

import type { LaunchOptions } from '../../core/contract/launch';
import type { QuartetApi } from '../../core/contract/quartetApi';
import type { ErrorReporter, QuartetLog } from '../logging';
import type { SnapshotStore } from '../snapshotStore';
import type { TasksView } from '../tree/tasksView';
import type { SkillsReview } from '../skillsReview';
import type { GithubAccess } from '../githubAuth';
import type { LinearAccess } from '../linearAuth';
import type { TokenHostConsent } from '../tokenHostConsent';

export interface CommandServices {
  store: SnapshotStore;
  view: TasksView;
  log: QuartetLog;
  errors: ErrorReporter;
  /** The connected supervisor; throws a readable error when there is none. */
  client(): QuartetApi;
  /** Launch options the user set explicitly (the supervisor fills the rest from WORKFLOW.md and its defaults). */
  launchOptions(): Partial<LaunchOptions>;
  /** Default attempt count: the setting if set, else the repo's WORKFLOW.md, else the setting's default. */
  defaultAttempts(): number;
  /** Environment for a new task's agents: this window's, minus secrets. */
  agentEnv(): Record<string, string>;
  /** The distill review (owned by the supervisor), its editable `quartet-proposal:` documents, evidence and skills branches. */
  skills: SkillsReview;
  /** Root of the repository this window works on, or null. */
  repo(): string | null;
  /** The GitHub token (secret storage / sign-in) and the quartet.github.* settings, for Land as Pull Request. */
  github: GithubAccess;
  /** The Linear API key (secret storage), for a Linear tracker. */
  linear: LinearAccess;
  /** The one-time confirmation before a tracker token goes to a host WORKFLOW.md names (not the provider's own). */
  tokenHosts: TokenHostConsent;
  /** Re-checks the repository and Codex, reconnects if needed and reloads the snapshot. */
  refresh(): Promise<void>;
}
