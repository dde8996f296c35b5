// The supervisor's view of the repo's WORKFLOW.md: last good config, warnings, launch defaults, prompts and hooks.

import { relative } from 'node:path';
import type { LaunchOptions } from '../contract/launch';
import type { WorkflowSummary } from '../../shared/model';
import { attemptPolicy, defaultPrompt } from '../policy/defaultPrompt';
import { AttemptSetupError, runAttemptHook, type AttemptHookRun, type HookContext } from './attemptHooks';
import {
  launchDefaultsFrom,
  workflowAttempts,
  workflowMaxConcurrent,
  workflowSecretNames,
  workflowWorktreeRoot,
} from './launchDefaults';
import { resolveWorkflowPath } from './loader';
import { localTaskIssue, renderWorkflowPrompt } from './prompt';
import { WorkflowWatcher } from './watcher';
import { workflowTrustWarnings } from './workflowTrust';
import type { WorkflowError } from './errors';
import type { HookName, WorkflowDefinition } from './types';
import type { NormalizedIssue } from '../tracker/types';

export interface WorkflowRuntimeDeps {
  repo: string;
  /** For `$VAR` references in the file. */
  env: NodeJS.ProcessEnv;
  log(line: string): void;
  /** The effective workflow or its error changed: re-snapshot and re-dispatch. */
  onChange(): void;
  /** The person's `quartet.checks.allowUnsandboxed` (hooks run without the sandbox only where it is unavailable). */
  allowUnsandboxed?: () => boolean;
  pollMs?: number;
}

export interface PromptInput {
  task: { id: string; key: string; title: string; prompt: string; createdAt: string };
  index: number;
  attempts: number;
  worktree: string;
  branch: string;
  /** Runs of this attempt before this one (0 on the first): the template's `attempt` is null, then 1, 2… */
  retries: number;
  /** A task made from a tracker issue: the real issue is the template's `issue` (else the task stands in for one). */
  issue?: NormalizedIssue | null;
  /** The template's `attempt` when the caller knows it (an Autopilot retry number, SPEC §12.3); else derived from `retries`. */
  templateAttempt?: number | null;
  addendum: string | null;
}

export class WorkflowRuntime {
  private watcher: WorkflowWatcher | null = null;

  constructor(private readonly deps: WorkflowRuntimeDeps) {}

  /** Starts (or moves) the watch to the configured path; null = `<repo>/WORKFLOW.md`, optional. */
  setPath(configured: string | null): void {
    const path = resolveWorkflowPath(this.deps.repo, configured);
    if (this.watcher?.path === path) return;
    this.watcher?.close();
    const w = new WorkflowWatcher({
      path,
      optional: !configured?.trim(),
      env: this.deps.env,
      pollMs: this.deps.pollMs,
    });
    this.watcher = w;
    w.on('config', (def: WorkflowDefinition | null) => {
      this.deps.log(
        def
          ? `workflow ${this.label()} loaded${def.templateError ? ` (${def.templateError.describe()})` : ''}`
          : `workflow: no ${this.label()}; defaults apply`,
      );
      this.deps.onChange();
    });
    w.on('error', (err: WorkflowError) => {
      this.deps.log(
        `workflow ${this.label()} invalid, ${w.current ? 'keeping the last valid version' : 'using defaults'}: ${err.describe()}`,
      );
      this.deps.onChange();
    });
    w.start();
  }

  /** Defensive re-read before launches (SPEC §6.2: watch events can be missed). */
  refresh(): void {
    this.watcher?.check();
  }

  get definition(): WorkflowDefinition | null {
    return this.watcher?.current ?? null;
  }

  private label(): string {
    const path = this.watcher?.path ?? '';
    const rel = relative(this.deps.repo, path);
    return rel && !rel.startsWith('..') ? rel : path;
  }

  /** `WORKFLOW.md: <typed error>` lines for the snapshot. */
  warnings(): string[] {
    const out: string[] = [];
    const err = this.watcher?.error;
    if (err)
      out.push(
        `${this.label()}: ${err.describe()} (${this.definition ? 'the last valid version stays in force' : 'Quartet defaults apply'})`,
      );
    const tpl = this.definition?.templateError;
    if (tpl) out.push(`${this.label()}: ${tpl.describe()} (attempts fail until the prompt is fixed)`);
    if (this.definition) for (const w of workflowTrustWarnings(this.definition)) out.push(`${this.label()}: ${w}`);
    return out;
  }

  summary(): WorkflowSummary | undefined {
    if (!this.watcher) return undefined;
    const def = this.definition;
    return {
      path: this.watcher.path,
      status: this.watcher.status,
      error: this.watcher.error?.describe() ?? null,
      inForce: def !== null,
      attempts: workflowAttempts(def),
      prices: def?.config.quartet.prices ?? null,
    };
  }

  launchDefaults(): Partial<LaunchOptions> {
    return this.definition ? launchDefaultsFrom(this.definition) : {};
  }

  attempts(): number | null {
    return workflowAttempts(this.definition);
  }

  maxConcurrent(): number | null {
    return workflowMaxConcurrent(this.definition);
  }

  worktreeRoot(): string | null {
    return workflowWorktreeRoot(this.definition);
  }

  /** The workspace hooks in force, by name (empty: none). Hooks run only on this machine (see workers/placeAttempt.ts). */
  hookNames(): string[] {
    const h = this.definition?.config.hooks;
    if (!h) return [];
    const named: [string, string | null][] = [
      ['after_create', h.afterCreate],
      ['before_run', h.beforeRun],
      ['after_run', h.afterRun],
      ['before_remove', h.beforeRemove],
    ];
    return named.filter(([, v]) => !!v).map(([k]) => k);
  }

  secretNames(): string[] {
    return workflowSecretNames(this.definition);
  }

  /**
   * The attempt's prompt: the rendered WORKFLOW.md body then Quartet's attempt rules (it commits what
   * the agent leaves and needs the final message), or Quartet's default prompt without a body.
   */
  prompt(p: PromptInput): string {
    const def = this.definition;
    const rules = { title: p.task.title, index: p.index, attempts: p.attempts, worktree: p.worktree, branch: p.branch };
    let text: string;
    if (!def || (!def.promptTemplate && !def.templateError)) text = defaultPrompt({ ...rules, prompt: p.task.prompt });
    else {
      const issue = p.issue ?? localTaskIssue({ ...p.task, branch: p.branch });
      const quartet = {
        task_id: p.task.id,
        attempt_index: p.index,
        attempts: p.attempts,
        worktree: p.worktree,
        branch: p.branch,
      };
      const attempt = p.templateAttempt !== undefined ? p.templateAttempt : p.retries > 0 ? p.retries : null;
      try {
        text = `${renderWorkflowPrompt(def, issue, attempt, { quartet })}\n\n---\n${attemptPolicy(rules)}`;
      } catch (err) {
        throw new AttemptSetupError(
          'template_error',
          `${this.label()}: ${(err as WorkflowError).describe?.() ?? (err as Error).message}`,
        );
      }
    }
    return [text, p.addendum ?? ''].filter(Boolean).join('\n\n');
  }

  /** Runs one hook if the workflow has it (null otherwise), journaled and logged; never throws for a failing hook. */
  hook(name: HookName, ctx: HookContext): Promise<AttemptHookRun | null> {
    return runAttemptHook(this.definition, name, ctx, {
      log: this.deps.log,
      secretNames: this.secretNames(),
      repo: this.deps.repo,
      allowUnsandboxed: this.deps.allowUnsandboxed?.() ?? false,
    });
  }

  /** A hook whose failure ends the attempt (after_create, before_run): runs `undo` then throws AttemptSetupError. */
  async requireHook(
    name: 'after_create' | 'before_run',
    ctx: HookContext,
    undo?: () => Promise<unknown>,
  ): Promise<void> {
    const ran = await this.hook(name, ctx);
    if (!ran?.fatal) return;
    await undo?.().catch((err: unknown) =>
      this.deps.log(`attempt=${ctx.attemptId} cleanup after ${name} failed: ${(err as Error).message}`),
    );
    throw new AttemptSetupError('hook_failed', ran.message);
  }

  dispose(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
