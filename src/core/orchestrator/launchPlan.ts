// Turns a launch request into the task record to add: option precedence, secret scrubbing, validation, base resolution.

import { join } from 'node:path';
import { ATTEMPT_EXTRAS, ZERO_TOKENS } from '../../shared/model';
import { DEFAULT_LAUNCH_OPTIONS, type LaunchRequest } from '../contract/launch';
import { attemptId, branchName, newTaskId, taskKey } from './ids';
import type { AttemptRecord, TaskRecord } from './records';
import { redact, scrubSecrets, secretValues } from '../config/secrets';
import { resolveCodexBinary } from '../execution/codexBinary';
import { repoWorktreeDir } from '../git/worktrees';
import { headInfo, resolveCommit } from '../git/gitRepo';
import type { WorkflowRuntime } from '../workflow/workflowRuntime';
import { validateLaunch, validateOverrides, UsageError } from './validation';
import { checkWorktreeRoot } from './settings';
import { issueTaskKey, validateIssueSource } from './issueTasks';
import type { NormalizedIssue } from '../tracker/types';

/** What planning a launch reads (never writes) from the orchestrator. */
export interface LaunchContext {
  readonly repo: string;
  readonly stateDir: string;
  /** The supervisor's own environment (already without secrets). */
  readonly env: Record<string, string>;
  readonly secrets?: readonly string[];
  readonly workflow: WorkflowRuntime;
  worktreeRoot(): string;
}

export interface LaunchPlan {
  task: TaskRecord;
  /** The task's agent environment, secrets scrubbed. */
  env: Record<string, string>;
  /** Secret values the client sent (and the supervisor's own): redacted from the task's journals. */
  sentSecrets: string[];
  baseRef: string;
}

/** Validates the request and builds the task with its queued attempts; throws UsageError before anything exists. */
export async function planLaunch(
  ctx: LaunchContext,
  request: LaunchRequest,
  internal: { issue?: NormalizedIssue },
): Promise<LaunchPlan> {
  ctx.workflow.refresh();
  validateOverrides(request.options ?? {});
  // Precedence: Quartet's defaults < WORKFLOW.md < what the request says explicitly.
  const options = { ...DEFAULT_LAUNCH_OPTIONS, ...ctx.workflow.launchDefaults(), ...(request.options ?? {}) };
  // Scrub again here: a client that forgot to is no reason for a token to reach an agent.
  const sent = { ...ctx.env, ...(request.env ?? {}) };
  const secretNames = [...ctx.workflow.secretNames(), ...(request.secretEnvNames ?? [])];
  const env = scrubSecrets(sent, secretNames);
  const sentSecrets = [...secretValues(sent, secretNames), ...(ctx.secrets ?? [])];
  // A token pasted into a title or prompt would go to the model, the state file and every journal.
  const input = validateLaunch({
    ...request,
    attempts: request.attempts ?? ctx.workflow.attempts() ?? undefined,
    title: redact(String(request.title ?? ''), sentSecrets),
    prompt: redact(String(request.prompt ?? ''), sentSecrets),
  });
  // Preflight before any worktree exists: a missing Codex must not leave half a task behind.
  const codex = await resolveCodexBinary({ env, repo: ctx.repo });
  if (!codex.ok && /^codex(\s|$)/.test(options.codexCommand.trim())) throw new UsageError(codex.error);
  const head = await headInfo(ctx.repo);
  const baseRef = options.base ?? head.branch ?? head.commit;
  if (!head.commit && !options.base)
    throw new UsageError(`${ctx.repo} has no commits yet; commit something first so attempts have a base`);
  if (!baseRef) throw new UsageError('could not determine a base ref; pass --base');
  let baseCommit: string;
  try {
    baseCommit = await resolveCommit(ctx.repo, baseRef);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const source = request.source ? validateIssueSource(request.source) : null;
  const root = ctx.worktreeRoot();
  checkWorktreeRoot(root, ctx.repo);
  const id = newTaskId();
  const key = source ? issueTaskKey(source.identifier, input.title, id) : taskKey(input.title, id);
  const now = new Date().toISOString();
  const task: TaskRecord = {
    id,
    key,
    title: input.title,
    prompt: input.prompt,
    createdAt: now,
    state: 'open',
    baseRef,
    baseCommit,
    options,
    recommended: null,
    landing: null,
    source,
    issue: source ? (internal.issue ?? null) : null,
    attempts: Array.from({ length: input.attempts }, (_, i) => newAttempt(ctx, id, key, i + 1, baseCommit, root)),
  };
  return { task, env, sentSecrets, baseRef };
}

/** A fresh queued attempt record (a launch's, or a rework's). */
export function newAttempt(
  ctx: { readonly repo: string; readonly stateDir: string },
  taskId: string,
  key: string,
  index: number,
  base: string,
  root: string,
): AttemptRecord {
  const id = attemptId(taskId, index);
  return {
    id,
    taskId,
    index,
    branch: branchName(key, index),
    base,
    // The final path is decided (and checked) when the worktree is created; this is where it will be.
    worktree: join(repoWorktreeDir(root, ctx.repo), key, String(index)),
    phase: 'queued',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    tokensByThread: {},
    startedAt: null,
    endedAt: null,
    lastEvent: 'queued',
    lastEventAt: null,
    lastError: null,
    journal: join(ctx.stateDir, 'journals', `${id}.jsonl`),
    threadId: null,
    threadIds: [],
    model: null,
    modelProvider: null,
    demoModel: false,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: null,
    filesChanged: 0,
    ...ATTEMPT_EXTRAS,
  };
}
