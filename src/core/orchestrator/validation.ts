// Validation of launch input: clear, actionable errors for bad titles, prompts and attempt counts.

import type { LaunchOptions, LaunchRequest } from '../contract/launch';
import { MAX_ATTEMPTS } from '../../shared/launchLimits';

/** A mistake in what the user asked for (CLI exit code 2), as opposed to a failure while running. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const MAX_TITLE = 200;
export const MAX_PROMPT = 100_000;

export function validateLaunch(r: LaunchRequest): { title: string; prompt: string; attempts: number } {
  const title = String(r.title ?? '')
    .replace(/[\r\n\t]+/g, ' ')
    .trim();
  if (!title) throw new UsageError('a task needs a title (--title)');
  const prompt = String(r.prompt ?? '').trim() || title;
  if (prompt.length > MAX_PROMPT)
    throw new UsageError(`the prompt is ${prompt.length} characters; the limit is ${MAX_PROMPT}`);
  const attempts = Number(r.attempts ?? 4);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
    throw new UsageError(`--attempts must be a whole number from 1 to ${MAX_ATTEMPTS} (got ${String(r.attempts)})`);
  }
  // Long titles are kept whole in the task; only the branch/worktree key is shortened.
  return { title: title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title, prompt, attempts };
}

/**
 * The per-task overrides a client may send (the New Task form's model and token budget): checked before
 * anything exists, so a typo is a clear error instead of a failed Codex start in every attempt.
 */
export function validateOverrides(options: Partial<LaunchOptions>): void {
  const { model, tokenBudget, base } = options;
  // A ref that starts with "-" would reach git as an option.
  if (typeof base === 'string' && (base.startsWith('-') || !base.trim()))
    throw new UsageError(`"${base.slice(0, 40)}" is not a branch or commit to start from`);
  if (
    model !== undefined &&
    model !== null &&
    (typeof model !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/.test(model))
  ) {
    throw new UsageError(
      `"${String(model).slice(0, 40)}" is not a model name (letters, digits, . _ : / -, at most 100 characters)`,
    );
  }
  if (
    tokenBudget !== undefined &&
    tokenBudget !== null &&
    (typeof tokenBudget !== 'number' || !Number.isSafeInteger(tokenBudget) || tokenBudget < 1)
  ) {
    throw new UsageError(`the token budget must be a whole number of tokens above 0 (got ${String(tokenBudget)})`);
  }
  const { policy, taskTokenBudget, taskCostBudgetUsd, taskTimeBudgetMs, review } = options;
  if (policy !== undefined && policy !== 'all' && policy !== 'race')
    throw new UsageError(`policy must be "all" or "race" (got ${JSON.stringify(policy)?.slice(0, 40)})`);
  if (review !== undefined && typeof review !== 'boolean') throw new UsageError('review must be true or false');
  const positive = (v: unknown, what: string, whole: boolean): void => {
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0 || (whole && !Number.isSafeInteger(v)))
      throw new UsageError(
        `${what} must be ${whole ? 'a whole number' : 'a number'} above 0, or null for none (got ${String(v).slice(0, 40)})`,
      );
  };
  positive(taskTokenBudget, 'the task token budget', true);
  positive(taskCostBudgetUsd, 'the task cost budget (USD)', false);
  positive(taskTimeBudgetMs, 'the task time budget (ms)', true);
}
