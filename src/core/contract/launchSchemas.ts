// zod schemas of what a client sends to launch: the options that decide what runs, the request, tracker credentials.

import { z } from 'zod';
import { MAX_ATTEMPTS } from '../../shared/launchLimits';
import type { LaunchOptions, LaunchRequest } from './launch';
import type { TrackerCredentials } from './replies';

const MAX_COMMAND = 4096;

/** A command line Quartet will start (Codex, the checks): one line of text, no NUL, bounded. */
export const commandLine = (what: string) =>
  z
    .string()
    .max(MAX_COMMAND, { error: `${what} is longer than ${MAX_COMMAND} characters` })
    .refine((v) => !/[\0\r\n]/.test(v), { error: `${what} must be one line without NUL characters` });

const wholeAbove0 = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .positive({ error: `${what} must be above 0` });
const wholeAtLeast0 = (what: string) =>
  z
    .number({ error: `${what} must be a number` })
    .int({ error: `${what} must be a whole number` })
    .min(0, { error: `${what} must be 0 or more` });
const budget = (what: string, whole: boolean) => {
  const n = z.number({ error: `${what} must be a number, or null for none` });
  const err = `${what} must be ${whole ? 'a whole number' : 'a number'} above 0, or null for none`;
  return (whole ? n.int({ error: err }) : n).positive({ error: err }).nullable();
};
const stringMap = z.record(z.string(), z.string({ error: 'values must be strings' }));

/** Every key of LaunchOptions, each optional; an unknown key is refused (a typo must not pass silently into the task). */
export const launchOptionsSchema = z
  .strictObject({
    codexCommand: commandLine('codexCommand').refine((v) => v.trim().length > 0, {
      error: 'codexCommand must not be empty',
    }),
    approvalPolicy: z.enum(['never', 'on-request'], { error: 'approvalPolicy must be "never" or "on-request"' }),
    autoApprove: z.enum(['patches-in-worktree', 'none', 'worktree'], {
      error: 'autoApprove must be "patches-in-worktree" or "none"',
    }),
    sandbox: z.enum(['read-only', 'workspace-write', 'danger-full-access'], {
      error: 'sandbox must be read-only, workspace-write or danger-full-access',
    }),
    turnSandboxPolicy: z.record(z.string(), z.unknown()).nullable(),
    model: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, {
        error: 'not a model name (letters, digits, . _ : / -, at most 100 characters)',
      })
      .nullable(),
    stallTimeoutMs: wholeAbove0('stallTimeoutMs'),
    turnTimeoutMs: wholeAbove0('turnTimeoutMs'),
    readTimeoutMs: wholeAbove0('readTimeoutMs'),
    maxRetries: wholeAtLeast0('maxRetries'),
    maxRetryBackoffMs: wholeAtLeast0('maxRetryBackoffMs'),
    // A ref that starts with "-" would reach git as an option.
    base: z
      .string()
      .refine((v) => v.trim().length > 0 && !v.startsWith('-') && !/[\0\r\n]/.test(v), {
        error: 'not a branch or commit to start from',
      })
      .nullable(),
    tokenBudget: budget('the token budget', true),
    loopLimit: wholeAtLeast0('loopLimit'),
    noProgressLimit: wholeAtLeast0('noProgressLimit'),
    costBudgetUsd: budget('the cost budget (USD)', false),
    prices: z.record(z.string(), z.unknown()).nullable(),
    checkCommand: commandLine('checkCommand').nullable(),
    checkTimeoutMs: wholeAbove0('checkTimeoutMs'),
    landMode: z.enum(['squash', 'merge'], { error: 'landMode must be "squash" or "merge"' }),
    cleanupAfterLand: z.boolean({ error: 'cleanupAfterLand must be true or false' }),
    review: z.boolean({ error: 'review must be true or false' }),
    policy: z.enum(['all', 'race'], { error: 'policy must be "all" or "race"' }),
    taskTokenBudget: budget('the task token budget', true),
    taskCostBudgetUsd: budget('the task cost budget (USD)', false),
    taskTimeBudgetMs: budget('the task time budget (ms)', true),
  })
  .partial();

/** What a client may send for the tracker (kept in the supervisor's memory only); values never appear in an error. */
export const credentialsSchema = z
  .strictObject({
    secrets: stringMap,
    env: stringMap,
    hosts: z.array(z.string(), { error: 'credentials.hosts must be a list of host names' }),
  })
  .partial();

const attempts = z
  .number({ error: `--attempts must be a whole number from 1 to ${MAX_ATTEMPTS}` })
  .int({ error: (i) => `--attempts must be a whole number from 1 to ${MAX_ATTEMPTS} (got ${String(i.input)})` })
  .min(1, { error: (i) => `--attempts must be a whole number from 1 to ${MAX_ATTEMPTS} (got ${String(i.input)})` })
  .max(MAX_ATTEMPTS, {
    error: (i) => `--attempts must be a whole number from 1 to ${MAX_ATTEMPTS} (got ${String(i.input)})`,
  });

/** POST /api/v1/tasks. Title and prompt are checked for content (empty, too long) by the orchestrator's validateLaunch. */
export const launchRequestSchema = z.strictObject({
  title: z.string({ error: 'a task needs a title (--title)' }),
  prompt: z.string({ error: 'the prompt must be text' }),
  attempts: attempts.optional(),
  options: launchOptionsSchema.optional(),
  env: stringMap.optional(),
  source: z
    .strictObject({
      kind: z.string(),
      issueId: z.string(),
      identifier: z.string(),
      url: z.string().nullable(),
      state: z.string(),
    })
    .optional(),
  secretEnvNames: z.array(z.string()).readonly().optional(),
});

/** POST /api/v1/autopilot/issues/<id>/launch: a normal task from one tracker issue. */
export const launchIssueSchema = z.strictObject({
  attempts: attempts.optional(),
  options: launchOptionsSchema.optional(),
  env: stringMap.optional(),
  credentials: credentialsSchema.optional(),
});

// The schemas and the hand-written types must agree: a field added to one and not the other fails the typecheck here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const agree = <T extends true>(): T | undefined => undefined;
agree<Same<z.infer<typeof launchOptionsSchema>, Partial<LaunchOptions>>>();
agree<Same<z.infer<typeof credentialsSchema>, TrackerCredentials>>();
agree<Same<z.infer<typeof launchRequestSchema>['source'], LaunchRequest['source']>>();
