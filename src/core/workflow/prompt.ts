// Prompt construction (SPEC §5.4, §12): the normalized issue as template input, local tasks as issues, strict rendering.

import type { NormalizedIssue } from '../tracker/types';
import { WorkflowError } from './errors';
import { renderCompiled } from './template';
import type { WorkflowDefinition } from './types';

/** SPEC §5.4 fallback when the body is empty. */
export const MINIMAL_PROMPT = 'You are working on an issue from the configured tracker.';

/** The template's `issue`: every normalized field, snake_case as SPEC §4.1.1 names them, lists kept for loops. */
export function templateIssue(issue: NormalizedIssue): Record<string, unknown> {
  return {
    id: issue.id,
    native_ref: issue.nativeRef,
    identifier: issue.identifier,
    title: issue.title,
    description: issue.description,
    priority: issue.priority,
    state: issue.state,
    branch_name: issue.branchName,
    url: issue.url,
    assignee_id: issue.assigneeId,
    labels: [...issue.labels],
    blocked_by: issue.blockedBy.map((b) => ({ id: b.id, identifier: b.identifier, state: b.state })),
    dispatchable: issue.dispatchable,
    created_at: issue.createdAt,
    updated_at: issue.updatedAt,
  };
}

export interface LocalTaskInput {
  id: string;
  key: string;
  title: string;
  prompt: string;
  createdAt: string;
  /** The attempt's branch: where the work goes, so it is the task's branch name for the template. */
  branch: string | null;
}

/** A local (non-tracker) task as a normalized issue: identifier = task key, description = the user's prompt. */
export function localTaskIssue(task: LocalTaskInput): NormalizedIssue {
  return {
    id: task.id,
    nativeRef: null,
    identifier: task.key,
    title: task.title,
    description: task.prompt.trim() ? task.prompt : null,
    priority: null,
    state: 'In Progress',
    branchName: task.branch,
    url: null,
    assigneeId: null,
    labels: [],
    blockedBy: [],
    dispatchable: true,
    author: { login: null, role: 'local', canWrite: true },
    createdAt: task.createdAt,
    updatedAt: null,
  };
}

/**
 * Renders the workflow body for one run. `attempt` is null on a first run and the 1-based retry
 * count after (SPEC §12.3). `extra` adds variables (Quartet passes `quartet`). Throws the template's
 * typed error (template_parse_error / template_render_error): the run fails, nothing falls back.
 */
export function renderWorkflowPrompt(
  def: WorkflowDefinition,
  issue: NormalizedIssue,
  attempt: number | null,
  extra: Record<string, unknown> = {},
): string {
  if (def.templateError) throw def.templateError;
  if (!def.template) return MINIMAL_PROMPT;
  if (attempt !== null && (!Number.isInteger(attempt) || attempt < 1))
    throw new WorkflowError('template_render_error', `attempt must be null or a positive integer (got ${attempt})`);
  return renderCompiled(def.template, { ...extra, issue: templateIssue(issue), attempt }).trim();
}
