// Validation of launch input: clear, actionable errors for bad titles, prompts and attempt counts.

import type { LaunchRequest } from '../client/api';

/** A mistake in what the user asked for (CLI exit code 2), as opposed to a failure while running. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const MAX_ATTEMPTS = 16;
export const MAX_TITLE = 200;
export const MAX_PROMPT = 100_000;

export function validateLaunch(r: LaunchRequest): { title: string; prompt: string; attempts: number } {
  const title = String(r.title ?? '').replace(/[\r\n\t]+/g, ' ').trim();
  if (!title) throw new UsageError('a task needs a title (--title)');
  const prompt = String(r.prompt ?? '').trim() || title;
  if (prompt.length > MAX_PROMPT) throw new UsageError(`the prompt is ${prompt.length} characters; the limit is ${MAX_PROMPT}`);
  const attempts = Number(r.attempts ?? 4);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > MAX_ATTEMPTS) {
    throw new UsageError(`--attempts must be a whole number from 1 to ${MAX_ATTEMPTS} (got ${String(r.attempts)})`);
  }
  // Long titles are kept whole in the task; only the branch/worktree key is shortened.
  return { title: title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title, prompt, attempts };
}
