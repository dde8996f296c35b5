// zod schemas of the control calls' bodies and queries other than a launch: land, rework, answer, distill, settings, …

import { z } from 'zod';
import { commandLine, credentialsSchema } from './launchSchemas';
import { MAX_WORKTREE_POOL } from './settings';

const httpUrl = (what: string) => z.string().regex(/^https?:\/\//, { error: `${what} must be an http(s) URL` });
const nonNegative = (what: string) =>
  z
    .number({ error: `${what} must be a non-negative number` })
    .min(0, { error: `${what} must be a non-negative number` });

/** The GitHub part of a PR land; the token is only passed on, never echoed (zod's messages never quote an input). */
export const githubLandSchema = z
  .strictObject({
    token: z.string(),
    baseUrl: httpUrl('github.baseUrl'),
    owner: z.string(),
    repo: z.string(),
    remote: z.string(),
    reviewPolicy: z.enum(['none', 'approved'], { error: 'github.reviewPolicy must be none or approved' }),
    maxFixes: nonNegative('github.maxFixes'),
    pollInitialMs: nonNegative('github.pollInitialMs'),
    pollMaxMs: nonNegative('github.pollMaxMs'),
    maxWaitMs: nonNegative('github.maxWaitMs'),
    noChecksGraceMs: nonNegative('github.noChecksGraceMs'),
    maxRateLimitWaitMs: nonNegative('github.maxRateLimitWaitMs'),
  })
  .partial();

export const landBodySchema = z.strictObject({
  pr: z.boolean({ error: 'pr must be true or false' }).optional(),
  github: githubLandSchema.nullable().optional(),
});

export const reworkBodySchema = z.strictObject({
  reason: z.string().optional(),
  github: githubLandSchema.pick({ token: true, baseUrl: true, owner: true, repo: true }).nullable().optional(),
});

export const followUpBodySchema = z.strictObject({
  prompt: z.string({ error: 'a follow-up needs {"prompt": "…", "reason": "…"}' }),
  reason: z.string().optional(),
});

export const answerBodySchema = z.strictObject({
  decision: z.enum(['accept', 'acceptForSession', 'decline'], {
    error: 'decision must be accept, acceptForSession or decline',
  }),
  text: z.string().optional(),
});

/** Requests without a body send `{}` (or nothing): anything else is a mistake. */
export const emptyBodySchema = z.strictObject({}).optional();

export const distillBodySchema = z.strictObject({
  codexCommand: commandLine('codexCommand').optional(),
  env: z.record(z.string(), z.string()).optional(),
});

export const decideBodySchema = z.strictObject({
  reviewId: z.string().min(1, { error: 'reviewId is required' }),
  decisions: z.array(
    z.strictObject({ proposalId: z.string(), decision: z.enum(['accept', 'reject']), content: z.string().optional() }),
    { error: 'decisions must be a list of { proposalId, decision: accept|reject, content? }' },
  ),
});

export const landSkillsBodySchema = z.strictObject({
  branch: z.string().min(1, { error: 'branch is required (a quartet/skills/* branch)' }),
});

export const cleanupBodySchema = z.strictObject({
  ids: z.array(z.string(), { error: 'ids must be a list of plan item ids' }),
});

export const shutdownBodySchema = z.strictObject({ ifIdle: z.boolean().optional() });

export const autopilotStartBodySchema = z.strictObject({
  once: z.boolean().optional(),
  credentials: credentialsSchema.optional(),
});

/** Settings a client sends; the orchestrator still checks what only it can (the worktree root, the journal floor). */
export const settingsBodySchema = z
  .strictObject({
    maxConcurrent: z.number().int().positive().nullable(),
    worktreeRoot: z.string().nullable(),
    stopWhenLastClientDisconnects: z.boolean(),
    workflowPath: z.string().nullable(),
    retention: z.strictObject({ attemptDays: z.number().min(0), archiveDays: z.number().min(0) }),
    allowedCommandPrefixes: z.array(z.string()),
    journalMaxBytesPerAttempt: z.number().int().nullable(),
    allowUnsandboxedChecks: z.boolean(),
    // Entries are checked by the orchestrator (dependencyRules): the refusal names the bad one.
    dependencyDirs: z.array(z.string()).nullable(),
    dependencyCopy: z.enum(['reflink', 'copy', 'off'], { error: 'dependencyCopy must be one of reflink, copy, off' }),
    // Hosts are checked by the orchestrator (workerConfig): the refusal names the bad entry.
    workers: z.array(
      z.strictObject({
        host: z.string(),
        capacity: z.number().int().nullable().optional(),
        worktreeRoot: z.string().nullable().optional(),
      }),
    ),
    sshConfig: z.string().nullable(),
    worktreePool: z.number().int().min(0).max(MAX_WORKTREE_POOL),
  })
  .partial();

/** `?from=N[&maxBytes=M]` of the journal route (query values are text). */
export const journalQuerySchema = z.strictObject({
  from: z.string().regex(/^\d+$/, { error: 'from must be a whole number ≥ 0' }).transform(Number).optional(),
  maxBytes: z
    .string()
    .regex(/^[1-9]\d*$/, { error: 'maxBytes must be a whole number ≥ 1' })
    .transform(Number)
    .optional(),
});

/** A path parameter naming an attempt, task, issue or review. */
export const idParam = z.string().min(1).max(500);
