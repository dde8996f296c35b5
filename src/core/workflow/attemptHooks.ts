// One attempt's WORKFLOW.md hook: environment, run, log line, journal event, and whether it ends the attempt.

import type { Reason } from '../../shared/model';
import type { AgentEvent } from '../../shared/events';
import { appendJournalEvent, type Journal } from '../observability/journal';
import { scrubSecrets } from '../config/secrets';
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
  opts: { log(line: string): void; secretNames: string[] },
): Promise<AttemptHookRun | null> {
  const script = def ? hookScript(def.config.hooks, name) : null;
  if (!def || !script) return null;
  opts.log(`attempt=${ctx.attemptId} hook=${name} started in ${ctx.worktree}`);
  // Scrubbed again: the tracker's credentials (named by the workflow) never reach a hook.
  const env = { ...scrubSecrets(ctx.env, opts.secretNames), QUARTET_ATTEMPT_ID: ctx.attemptId, QUARTET_TASK_ID: ctx.taskId, QUARTET_WORKTREE: ctx.worktree, QUARTET_BRANCH: ctx.branch };
  const result = await runHook({ name, script, cwd: ctx.worktree, env, timeoutMs: def.config.hooks.timeoutMs });
  const message = describeHookResult(result);
  opts.log(`attempt=${ctx.attemptId} hook=${name} exit=${result.exitCode ?? '-'} ms=${result.durationMs}${result.ok ? '' : ` ${message}`}`);
  const event: AgentEvent = { type: 'hook', name, ok: result.ok, exitCode: result.exitCode, timedOut: result.timedOut, durationMs: result.durationMs, output: result.output };
  if (typeof ctx.journal === 'string') appendJournalEvent(ctx.journal, event);
  else ctx.journal.event(event);
  return { result, fatal: !result.ok && FATAL_HOOKS[name], message };
}
