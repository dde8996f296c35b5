// WORKFLOW.md → Quartet launch defaults: only keys the file sets; explicit request options and settings still win.

import type { LaunchOptions } from '../contract/launch';
import type { WorkflowDefinition } from './types';
import { untrustedCodexCommand } from './workflowTrust';

/**
 * Partial launch options from the workflow. Keys the file leaves out keep Quartet's defaults, not
 * the SPEC's (e.g. `read_timeout_ms` stays 30 s, not 5 s: a loaded machine starts Codex slower).
 */
export function launchDefaultsFrom(def: WorkflowDefinition): Partial<LaunchOptions> {
  const { codex, agent, quartet } = def.config;
  const has = (key: string): boolean => def.present.has(key);
  const o: Partial<LaunchOptions> = {};
  // Repository content may tighten Codex's posture, never loosen it (docs/security.md §5; workflowTrust.ts says why in the tree).
  if (has('codex.command') && codex.command.trim() && !untrustedCodexCommand(codex.command.trim()))
    o.codexCommand = codex.command.trim();
  if (codex.approvalPolicy) o.approvalPolicy = codex.approvalPolicy;
  if (codex.threadSandbox && codex.threadSandbox !== 'danger-full-access') o.sandbox = codex.threadSandbox;
  if (codex.turnSandboxPolicy && !/danger|full[-_]?access/i.test(JSON.stringify(codex.turnSandboxPolicy)))
    o.turnSandboxPolicy = codex.turnSandboxPolicy;
  if (has('codex.turn_timeout_ms')) o.turnTimeoutMs = codex.turnTimeoutMs;
  if (has('codex.read_timeout_ms')) o.readTimeoutMs = codex.readTimeoutMs;
  // SPEC §5.3.6: `<= 0` disables stall detection; Quartet's options say that with 0.
  if (has('codex.stall_timeout_ms')) o.stallTimeoutMs = Math.max(0, codex.stallTimeoutMs);
  if (has('agent.max_retry_backoff_ms')) o.maxRetryBackoffMs = agent.maxRetryBackoffMs;
  if (has('quartet.check_command')) o.checkCommand = quartet.checkCommand;
  if (has('quartet.check_timeout_ms')) o.checkTimeoutMs = quartet.checkTimeoutMs;
  if (has('quartet.land.mode')) o.landMode = quartet.land.mode;
  if (has('quartet.token_budget')) o.tokenBudget = quartet.tokenBudget;
  if (has('quartet.loop_limit')) o.loopLimit = quartet.loopLimit;
  if (has('quartet.policy')) o.policy = quartet.policy;
  if (has('quartet.review')) o.review = quartet.review;
  if (has('quartet.task_budget.tokens')) o.taskTokenBudget = quartet.taskBudget.tokens;
  if (has('quartet.task_budget.usd')) o.taskCostBudgetUsd = quartet.taskBudget.usd;
  if (has('quartet.task_budget.minutes')) o.taskTimeBudgetMs = quartet.taskBudget.ms;
  return o;
}

/** Default attempt count for a launch that does not say, or null (Quartet's default). */
export function workflowAttempts(def: WorkflowDefinition | null): number | null {
  return def?.present.has('quartet.attempts') ? def.config.quartet.attempts : null;
}

/** `agent.max_concurrent_agents` when set: the supervisor's limit unless a client set one explicitly. */
export function workflowMaxConcurrent(def: WorkflowDefinition | null): number | null {
  return def?.present.has('agent.max_concurrent_agents') ? def.config.agent.maxConcurrentAgents : null;
}

/** `workspace.root` when set: where worktrees go unless the worktree-root setting says otherwise. */
export function workflowWorktreeRoot(def: WorkflowDefinition | null): string | null {
  return def?.present.has('workspace.root') ? def.config.workspace.root : null;
}

/** Environment variables the tracker settings reference: secrets, never passed to agents or hooks. */
export function workflowSecretNames(def: WorkflowDefinition | null): string[] {
  return def ? [...new Set(Object.values(def.config.tracker.providerEnvRefs))] : [];
}
