// The typed view of a WORKFLOW.md (SPEC §4.1.2, §4.1.3, §5.3) plus Quartet's `quartet:` extension.

import type { PriceTable } from '../../shared/cost';
import type { WorkflowError } from './errors';
import type { CompiledTemplate } from './template';
import type { WorkflowWorkerSettings } from '../workers/workerConfig';

export interface TrackerSettings {
  /** Adapter kind (`linear`, `github`, `local`…); null when absent (dispatch preflight rejects that). */
  kind: string | null;
  /** Adapter-owned settings, unknown keys kept; whole-string `$VAR` values resolved (unset or empty → null). */
  provider: Record<string, unknown>;
  /** Which provider keys (dotted, inside `provider`) came from which environment variable. */
  providerEnvRefs: Record<string, string>;
  requiredLabels: string[];
  /** null: the adapter's documented default applies. */
  activeStates: string[] | null;
  terminalStates: string[] | null;
}

export interface HookSettings {
  afterCreate: string | null;
  beforeRun: string | null;
  afterRun: string | null;
  beforeRemove: string | null;
  timeoutMs: number;
}

export type HookName = 'after_create' | 'before_run' | 'after_run' | 'before_remove';

export interface AgentSettings {
  maxConcurrentAgents: number;
  maxTurns: number;
  maxRetryBackoffMs: number;
  /** Keys normalized with trim + lowercase; invalid entries dropped (SPEC §5.3.5). */
  maxConcurrentAgentsByState: Record<string, number>;
}

export interface CodexSettings {
  /** Kept as written (no `~`/`$VAR` expansion): a command line, not a path. */
  command: string;
  /** null: Quartet's default (`on-request`). */
  approvalPolicy: 'never' | 'on-request' | null;
  /** null: Quartet's default (`workspace-write`). */
  threadSandbox: 'read-only' | 'workspace-write' | 'danger-full-access' | null;
  /** A Codex `SandboxPolicy` object passed to `turn/start` as is; null: none (the thread's sandbox applies). */
  turnSandboxPolicy: Record<string, unknown> | null;
  turnTimeoutMs: number;
  readTimeoutMs: number;
  /** `<= 0` disables stall detection. */
  stallTimeoutMs: number;
}

export interface LandSettings {
  mode: 'squash' | 'merge';
  /** `auto`: Autopilot may land an attempt once its checks pass; `manual`: a person lands. */
  policy: 'manual' | 'auto';
  /** Land as a pull request instead of a local merge (read by the PR flow). */
  pr: boolean;
}

/** The `quartet:` extension key (SPEC §5.3 allows extensions); docs/workflow.md documents each field. */
export interface QuartetSettings {
  attempts: number;
  /** null: detect (`npm test` when defined); '': no checks. */
  checkCommand: string | null;
  checkTimeoutMs: number;
  land: LandSettings;
  /** Same shape as the `quartet.prices` setting; null when absent. */
  prices: Partial<PriceTable> | null;
  tokenBudget: number | null;
  /** `race`: stop the other attempts once one is the clear winner (LaunchOptions.policy). */
  policy: 'all' | 'race';
  /** Review each finished attempt in a read-only Codex turn for the verdict. */
  review: boolean;
  /** The whole task's budget, all attempts together; null parts are no limit. */
  taskBudget: { tokens: number | null; usd: number | null; ms: number | null };
  loopLimit: number;
  /** Offer the tracker's provider-native tool (`github_api` / `linear_graphql`) to agents working on its issues (SPEC §10.5). */
  agentTools: boolean;
  /** Labels a maintainer sets to let an issue from someone without write access be dispatched (docs/security.md §4); [] = none. */
  trustedLabels: string[];
}

export interface WorkflowConfig {
  tracker: TrackerSettings;
  polling: { intervalMs: number };
  /** Absolute; `~`, `$VAR` and relative-to-WORKFLOW.md resolved. */
  workspace: { root: string };
  hooks: HookSettings;
  agent: AgentSettings;
  codex: CodexSettings;
  /** SPEC Appendix A worker hosts (empty list: everything runs locally). */
  worker: WorkflowWorkerSettings;
  /** SPEC §13.7 extension: the HTTP server's port (`quartet serve`); null = not set. */
  server: { port: number | null };
  quartet: QuartetSettings;
}

/** A loaded WORKFLOW.md (SPEC §4.1.2) with everything validate needs to explain it. */
export interface WorkflowDefinition {
  /** Absolute path of the file. */
  path: string;
  config: WorkflowConfig;
  /** The front matter as parsed (before defaults). */
  raw: Record<string, unknown>;
  /** The trimmed Markdown body; '' when the file has none. */
  promptTemplate: string;
  /** The compiled body, or null when it is empty or does not parse (then `templateError` says why). */
  template: CompiledTemplate | null;
  templateError: WorkflowError | null;
  /** Dotted key paths the file sets explicitly (e.g. `codex.read_timeout_ms`): only these override Quartet's defaults. */
  present: ReadonlySet<string>;
  /** Keys nobody reads, e.g. `foo.bar` (SPEC §5.3: ignored for forward compatibility). */
  ignored: string[];
  /** Informational lines (legacy key locations, dropped per-state limits…). */
  notes: string[];
  /** sha256 of the file's bytes: what the watcher compares. */
  hash: string;
}
