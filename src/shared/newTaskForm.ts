// The New Task form's pure rules: the title derived from the prompt, and what the form may send (checked on both sides).

import { MAX_ATTEMPTS } from './launchLimits';

/** Same limits as the quick input and the supervisor (validation.ts). */
export const MAX_FORM_TITLE = 200;
export const MAX_FORM_PROMPT = 100_000;
export const MAX_MODEL_NAME = 100;

/** What the form launches; `base`, `model`, `tokenBudget` null = the workspace's settings / WORKFLOW.md. */
export interface NewTaskInput {
  title: string;
  prompt: string;
  attempts: number;
  base: string | null;
  model: string | null;
  tokenBudget: number | null;
}

/** What the form starts from: local branches to pick the base from, and the defaults it shows. */
export interface NewTaskDefaults {
  branches: string[];
  /** The checked-out branch (the default base), null on a detached HEAD. */
  currentBranch: string | null;
  attempts: number;
  /** The model and token budget the settings / WORKFLOW.md give (shown as placeholders). */
  model: string | null;
  tokenBudget: number | null;
}

/** The first line with text, without Markdown heading/list/quote marks, clipped to the title limit. */
export function titleFromPrompt(prompt: string): string {
  const line =
    prompt
      .split(/\r?\n/)
      .map((l) => l.replace(/^\s*(?:#{1,6}\s+|[-*+>]\s+|\d+[.)]\s+)*/, '').trim())
      .find((l) => l.length > 0) ?? '';
  return line.length > MAX_FORM_TITLE ? `${line.slice(0, MAX_FORM_TITLE - 1)}…` : line;
}

/** A model name as Codex takes it (`gpt-5.5`, `o4-mini`, `provider/model`): no spaces or control characters. */
export function modelProblem(model: string): string | null {
  if (model.length > MAX_MODEL_NAME) return `Keep the model name to ${MAX_MODEL_NAME} characters.`;
  return /^[A-Za-z0-9][A-Za-z0-9._:/-]*$/.test(model)
    ? null
    : `"${model.slice(0, 40)}" is not a model name (letters, digits, . _ : / - only).`;
}

/** The token budget field: empty = none; else a whole number of tokens ≥ 1000. */
export function parseTokenBudget(text: string): { ok: true; value: number | null } | { ok: false; problem: string } {
  const t = text.trim().replace(/[_,\s]/g, '');
  if (!t) return { ok: true, value: null };
  const n = Number(t);
  if (!Number.isSafeInteger(n) || n < 1000)
    return { ok: false, problem: 'The token budget is a whole number of tokens, at least 1000 (or empty for none).' };
  return { ok: true, value: n };
}

/** Every problem of the input, keyed by field; empty when it can be launched. */
export function newTaskProblems(input: NewTaskInput): Partial<Record<keyof NewTaskInput, string>> {
  const problems: Partial<Record<keyof NewTaskInput, string>> = {};
  const title = input.title.trim();
  if (!title) problems.title = 'Give the task a title (or write a prompt: its first line becomes the title).';
  else if (title.length > MAX_FORM_TITLE || /[\r\n]/.test(title))
    problems.title = `The title is one line of at most ${MAX_FORM_TITLE} characters.`;
  if (!input.prompt.trim()) problems.prompt = 'Tell the agents what to do.';
  else if (input.prompt.length > MAX_FORM_PROMPT)
    problems.prompt = `The prompt is ${input.prompt.length} characters; the limit is ${MAX_FORM_PROMPT}.`;
  if (!Number.isInteger(input.attempts) || input.attempts < 1 || input.attempts > MAX_ATTEMPTS)
    problems.attempts = `Run 1 to ${MAX_ATTEMPTS} attempts.`;
  if (input.base !== null && !/^[^\s~^:?*[\\-][^\s~^:?*[\\]*$/.test(input.base))
    problems.base = 'Pick one of the local branches.';
  const model = input.model === null ? null : modelProblem(input.model);
  if (model) problems.model = model;
  if (input.tokenBudget !== null && (!Number.isSafeInteger(input.tokenBudget) || input.tokenBudget < 1000))
    problems.tokenBudget = 'The token budget is a whole number of tokens, at least 1000.';
  return problems;
}
