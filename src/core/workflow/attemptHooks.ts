// One attempt's WORKFLOW.md hook: environment, run, log line, journal event, and whether it ends the attempt.

import type { Reason } from '../../shared/model';
import type { AgentEvent } from '../../shared/events';
import { appendJournalEvent, type Journal } from '../observability/journal';
import { scrubSecrets } from '../config/secrets';
import { minimalEnv, notRunMessage, sandboxPlan } from '../execution/sandbox';
import { describeHookResult, FATAL_HOOKS, hookScript, runHook, type HookResult } from './hooks';
import type { HookName, WorkflowDefinition } from './types';

/** An attempt could not start for a workflow reason (a fatal hook, a template error): its phase reason and message. */
export class AttemptSetupError extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Which hooks run inside Codex's sandbox with a minimal environment. `after_create` does not: it runs once,
 * on a fresh worktree of the base commit before any agent touched it (a reused worktree skips it), and is
 * where dependencies are installed, which needs the network and the person's registry credentials.
 * Every later hook runs on files an agent wrote, so it gets the same sandbox as the agent.
 */
export const SANDBOXED_HOOKS: Record<HookName, boolean> = {
  after_create: false,
  before_run: true,
  after_run: true,
  before_remove: true,
};

export interface HookContext {
  attemptId: string;
  taskId: string;
  worktree: string;
  branch: string;
  env: Record<string, string>;
  /** The attempt's open journal, or its path when no runner holds it open. */
  journal: Journal | string;
}

export interface AttemptHookRun {
  result: HookResult;
  /** SPEC §9.4: a failed after_create / before_run ends the attempt; the others are only logged. */
  fatal: boolean;
  /** One line: `before_run hook failed (exit 3): <last output line>`. */
  message: string;
}

export async function runAttemptHook(
  def: WorkflowDefinition | null,
  name: HookName,
  ctx: HookContext,
  opts: { log(line: string): void; secretNames: string[]; repo: string; allowUnsandboxed: boolean },
): Promise<AttemptHookRun | null> {
  const script = def ? hookScript(def.config.hooks, name) : null;
  if (!def || !script) return null;
  opts.log(`attempt=${ctx.attemptId} hook=${name} started in ${ctx.worktree}`);
  // Scrubbed again: the tracker's credentials (named by the workflow) never reach a hook.
  const scrubbed = scrubSecrets(ctx.env, opts.secretNames);
  const vars = {
    QUARTET_ATTEMPT_ID: ctx.attemptId,
    QUARTET_TASK_ID: ctx.taskId,
    QUARTET_WORKTREE: ctx.worktree,
    QUARTET_BRANCH: ctx.branch,
  };
  const run = { name, script, cwd: ctx.worktree, timeoutMs: def.config.hooks.timeoutMs };
  let result: HookResult;
  if (!SANDBOXED_HOOKS[name]) {
    result = await runHook({ ...run, env: { ...scrubbed, ...vars }, sandbox: null });
  } else {
    // The Codex binary is resolved against the main checkout (never the worktree, where an agent could plant one).
    const plan = await sandboxPlan(scrubbed, opts.repo, opts.allowUnsandboxed);
    result =
      plan.kind === 'unavailable'
        ? {
            name,
            ok: false,
            exitCode: null,
            signal: null,
            timedOut: false,
            durationMs: 0,
            output: '',
            error: notRunMessage(plan.why),
            sandboxed: false,
          }
        : await runHook({
            ...run,
            env: minimalEnv(scrubbed, vars),
            sandbox: plan.kind === 'sandboxed' ? plan.sandbox : null,
          });
  }
  const message = describeHookResult(result);
  opts.log(
    `attempt=${ctx.attemptId} hook=${name} exit=${result.exitCode ?? '-'} ms=${result.durationMs} sandboxed=${result.sandboxed === true}${result.ok ? '' : ` ${message}`}`,
  );
  const event: AgentEvent = {
    type: 'hook',
    name,
    ok: result.ok,
    exitCode: result.exitCode,
    timedOut: result.timedOut,
    durationMs: result.durationMs,
    output: result.output || (result.error ?? ''),
    sandboxed: result.sandboxed === true,
  };
  if (typeof ctx.journal === 'string') appendJournalEvent(ctx.journal, event);
  else ctx.journal.event(event);
  return { result, fatal: !result.ok && FATAL_HOOKS[name], message };
}
