// Pure validation of the `quartet.*` settings into launch options and supervisor settings.

import { parseWorkersSetting } from '../core/workers/workerConfig';
import { homedir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_LAUNCH_OPTIONS,
  type ApprovalPolicy,
  type AttemptPolicy,
  type LaunchOptions,
  type SandboxMode,
} from '../core/contract/launch';
import {
  DEFAULT_RETENTION,
  MAX_WORKTREE_POOL,
  type RetentionSettings,
  type SupervisorSettings,
} from '../core/contract/settings';
import { normalizeAutoApprove } from '../core/execution/approvalRules';
import { plainArgv } from '../core/execution/commandArgv';
import { MAX_ATTEMPTS } from '../shared/launchLimits';

/** Reads one setting below `quartet.`; unknown types are validated here, not trusted. */
export type SettingReader = (key: string) => unknown;
/** Whether the user set a setting below `quartet.` (any scope), as opposed to its default applying. */
export type SettingIsSet = (key: string) => boolean;

export const DEFAULT_ATTEMPTS = 4;

function str(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function int(value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return allowed.find((a) => a === value) ?? fallback;
}

/** `~/x` → `$HOME/x`: settings are typed by people, and VS Code does not expand it. */
export function expandHome(path: string): string {
  if (path === '~') return homedir();
  return path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

export function codexPathSetting(read: SettingReader): string | null {
  const p = str(read('codex.path'));
  return p ? expandHome(p) : null;
}

export function defaultAttempts(read: SettingReader): number {
  return int(read('attempts'), DEFAULT_ATTEMPTS, 1, MAX_ATTEMPTS);
}

export function secretEnvNames(read: SettingReader): string[] {
  const v = read('secretEnvNames');
  return Array.isArray(v)
    ? v.filter((n): n is string => typeof n === 'string' && n.trim() !== '').map((n) => n.trim())
    : [];
}

export function stopAttemptsOnExit(read: SettingReader): boolean {
  return read('stopAttemptsWhenLastClientDisconnects') === true;
}

/** `quartet.retention`: `{ attemptDays, archiveDays }`, each a whole number of days ≥ 0 (0 = never). */
export function retentionSetting(read: SettingReader): RetentionSettings {
  const v = read('retention');
  const r = typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  return {
    attemptDays: int(r.attemptDays, DEFAULT_RETENTION.attemptDays, 0, 3650),
    archiveDays: int(r.archiveDays, DEFAULT_RETENTION.archiveDays, 0, 36500),
  };
}

/**
 * `quartet.approvals.allowedCommandPrefixes`, read by `readUser` (the user's own settings, never a workspace's):
 * the plain entries go to the supervisor; the others (shell operators, expansions) could never match and are listed back.
 */
export function allowedCommandPrefixes(readUser: SettingReader): { valid: string[]; invalid: string[] } {
  const v = readUser('approvals.allowedCommandPrefixes');
  const entries = Array.isArray(v)
    ? v.filter((n): n is string => typeof n === 'string' && n.trim() !== '').map((n) => n.trim())
    : [];
  return { valid: entries.filter((e) => plainArgv(e)), invalid: entries.filter((e) => !plainArgv(e)) };
}

/** `quartet.journal.maxBytesPerAttempt`: unset → null (the supervisor's 256 MiB); otherwise whole bytes, at least 64 KiB. */
export function journalBudgetSetting(read: SettingReader): number | null {
  const v = read('journal.maxBytesPerAttempt');
  return typeof v === 'number' && Number.isFinite(v) ? int(v, 0, 64 * 1024) : null;
}

/** `quartet.dependencyDirs`: unset or not a list of strings → null (the supervisor detects node_modules, .venv, …). */
export function dependencyDirsSetting(read: SettingReader): string[] | null {
  const v = read('dependencyDirs');
  return Array.isArray(v) && v.every((e) => typeof e === 'string') ? v : null;
}

/** `quartet.dependencyCopy`: one of reflink (default), copy, off. */
export function dependencyCopySetting(read: SettingReader): 'reflink' | 'copy' | 'off' {
  const v = read('dependencyCopy');
  return v === 'copy' || v === 'off' ? v : 'reflink';
}

/** `quartet.worktreePool`: warm worktrees to keep, 0 (off, the default) to MAX_WORKTREE_POOL. */
export function worktreePoolSetting(read: SettingReader): number {
  return int(read('worktreePool'), 0, 0, MAX_WORKTREE_POOL);
}

/**
 * `quartet.workers` (machine scope) as the supervisor takes it; an invalid list sends none (`quartet workers`
 * names the bad entry) rather than have the supervisor refuse every other setting with it.
 */
export function workersSetting(read: SettingReader): NonNullable<SupervisorSettings['workers']> {
  try {
    return parseWorkersSetting(read('workers')).map(({ host, capacity, worktreeRoot }) => ({
      host,
      capacity,
      worktreeRoot,
    }));
  } catch {
    return [];
  }
}

/** Unset `maxConcurrent` goes as null so the repo's WORKFLOW.md (`agent.max_concurrent_agents`) can apply. */
export function supervisorSettings(
  read: SettingReader,
  isSet: SettingIsSet = (k) => read(k) !== undefined,
  readUser: SettingReader = () => undefined,
): SupervisorSettings {
  const root = str(read('worktreeRoot'));
  const workflow = str(read('workflowPath'));
  return {
    maxConcurrent: isSet('maxConcurrent') ? int(read('maxConcurrent'), 4, 1, 32) : null,
    worktreeRoot: root ? expandHome(root) : null,
    stopWhenLastClientDisconnects: stopAttemptsOnExit(read),
    workflowPath: workflow ? expandHome(workflow) : null,
    retention: retentionSetting(read),
    allowedCommandPrefixes: allowedCommandPrefixes(readUser).valid,
    journalMaxBytesPerAttempt: journalBudgetSetting(read),
    // A machine-scoped setting: VS Code ignores a workspace's value, so a repository cannot turn the sandbox off.
    allowUnsandboxedChecks: read('checks.allowUnsandboxed') === true,
    dependencyDirs: dependencyDirsSetting(read),
    dependencyCopy: dependencyCopySetting(read),
    worktreePool: worktreePoolSetting(read),
    workers: workersSetting(read),
  };
}

/** Setting key (below `quartet.`) of each launch option a setting controls. */
const LAUNCH_SETTING_KEYS: Partial<Record<keyof LaunchOptions, string>> = {
  codexCommand: 'codex.command',
  approvalPolicy: 'approvalPolicy',
  autoApprove: 'autoApprove',
  sandbox: 'sandbox',
  model: 'model',
  stallTimeoutMs: 'stallTimeoutMs',
  turnTimeoutMs: 'turnTimeoutMs',
  readTimeoutMs: 'readTimeoutMs',
  maxRetries: 'maxRetries',
  tokenBudget: 'tokenBudget',
  checkCommand: 'checkCommand',
  loopLimit: 'loopLimit',
  policy: 'attemptPolicy',
  review: 'review.enabled',
  taskTokenBudget: 'taskBudget.tokens',
  taskCostBudgetUsd: 'taskBudget.usd',
  taskTimeBudgetMs: 'taskBudget.minutes',
};

/**
 * Only the options the user set: the supervisor fills the rest from the repo's WORKFLOW.md, then
 * from its defaults (which are these settings' defaults), so an explicit setting beats the workflow.
 */
export function explicitLaunchOptions(read: SettingReader, isSet: SettingIsSet): Partial<LaunchOptions> {
  const all = launchOptions(read);
  const out: Partial<LaunchOptions> = {};
  for (const [option, key] of Object.entries(LAUNCH_SETTING_KEYS) as [keyof LaunchOptions, string][]) {
    if (isSet(key)) Object.assign(out, { [option]: all[option] });
  }
  return out;
}

export function launchOptions(read: SettingReader): LaunchOptions {
  const d = DEFAULT_LAUNCH_OPTIONS;
  return {
    ...d,
    codexCommand: str(read('codex.command')) ?? d.codexCommand,
    approvalPolicy: oneOf<ApprovalPolicy>(read('approvalPolicy'), ['on-request', 'never'], d.approvalPolicy),
    autoApprove: normalizeAutoApprove(read('autoApprove'), 'patches-in-worktree'),
    sandbox: oneOf<SandboxMode>(read('sandbox'), ['read-only', 'workspace-write', 'danger-full-access'], d.sandbox),
    model: str(read('model')),
    stallTimeoutMs: int(read('stallTimeoutMs'), d.stallTimeoutMs, 1000),
    turnTimeoutMs: int(read('turnTimeoutMs'), d.turnTimeoutMs, 1000),
    readTimeoutMs: int(read('readTimeoutMs'), d.readTimeoutMs, 1000),
    maxRetries: int(read('maxRetries'), d.maxRetries, 0, 10),
    tokenBudget: int(read('tokenBudget'), 0, 0) || null,
    checkCommand: typeof read('checkCommand') === 'string' ? (read('checkCommand') as string) : null,
    loopLimit: int(read('loopLimit'), d.loopLimit, 0, 100),
    noProgressLimit: int(read('noProgressLimit'), d.noProgressLimit, 0, 1000),
    costBudgetUsd:
      typeof read('costBudgetUsd') === 'number' && (read('costBudgetUsd') as number) > 0
        ? (read('costBudgetUsd') as number)
        : null,
    prices: priceTable(read('prices')),
    policy: oneOf<AttemptPolicy>(read('attemptPolicy'), ['all', 'race'], d.policy),
    review: read('review.enabled') !== false,
    taskTokenBudget: int(read('taskBudget.tokens'), 0, 0) || null,
    taskCostBudgetUsd: positiveNumber(read('taskBudget.usd')),
    taskTimeBudgetMs:
      positiveNumber(read('taskBudget.minutes')) === null
        ? null
        : Math.round((read('taskBudget.minutes') as number) * 60_000),
  };
}

const positiveNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

/**
 * The environment agents and the supervisor get: secrets removed, and the Codex binary this window
 * resolved pinned through QUARTET_CODEX, so the supervisor runs the same one (it cannot read settings).
 */
export function agentEnv(scrubbed: Record<string, string>, codexPath: string | null): Record<string, string> {
  return codexPath ? { ...scrubbed, QUARTET_CODEX: codexPath } : scrubbed;
}

/** `quartet.prices`: a table by model, or null (the built-in one); anything else is ignored rather than sent. */
function priceTable(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? Object.fromEntries(Object.entries(v)) : null;
}
