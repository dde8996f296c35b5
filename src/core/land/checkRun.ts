// One check run on an attempt's behalf: the command from the base commit or the person's setting, run in the sandbox, minimal env.

import { minimalEnv, notRunMessage, sandboxPlan } from '../execution/sandbox';
import { baseCheckCommand, runChecks, type CheckResult } from './checks';

export interface CheckCommand {
  command: string;
  /** Where it came from: `package.json "test" at 1a2b3c4d` or `quartet.check_command / launch option`. */
  source: string;
}

/**
 * The check command for an attempt: `configured` (WORKFLOW.md `quartet.check_command` from your checkout,
 * a setting or a launch option; "" = none) wins; else detected from package.json at `base` through git.
 */
export async function checkCommandFor(
  repo: string,
  configured: string | null | undefined,
  base: string,
): Promise<CheckCommand | null> {
  if (configured === '') return null;
  if (configured) return { command: configured, source: 'configured (quartet.check_command or launch option)' };
  const detected = await baseCheckCommand(repo, base);
  return detected ? { command: detected, source: `package.json "test" at ${base.slice(0, 8)}` } : null;
}

export interface SandboxedCheckInput {
  repo: string;
  /** The worktree (or the land's temporary worktree) the checks run in. */
  cwd: string;
  command: string;
  timeoutMs: number;
  /** The task's environment: it names the Codex binary and CODEX_HOME; only SANDBOX_ENV_KEYS reach the command. */
  env: Record<string, string | undefined>;
  /** Extra variables for the command (the attempt tag, so a shutdown sweep finds what it started). */
  tag?: Record<string, string>;
  /** `quartet.checks.allowUnsandboxed` (machine setting): run without the sandbox when it is unavailable. */
  allowUnsandboxed: boolean;
  onOutput?: (chunk: string) => void;
}

export interface SandboxedCheckResult extends CheckResult {
  /** Nothing ran: the sandbox is unavailable and unsandboxed runs are not allowed. */
  notRun: boolean;
}

/** Runs the checks in the sandbox; when it is unavailable, runs nothing (unless allowed) and says so in the result. */
export async function runSandboxedChecks(i: SandboxedCheckInput): Promise<SandboxedCheckResult> {
  const full: Record<string, string> = {};
  for (const [k, v] of Object.entries(i.env)) if (typeof v === 'string') full[k] = v;
  const plan = await sandboxPlan(full, i.repo, i.allowUnsandboxed);
  if (plan.kind === 'unavailable') {
    const line = notRunMessage(plan.why);
    return {
      command: i.command,
      ok: false,
      exitCode: null,
      timedOut: false,
      durationMs: 0,
      outputTail: `${line}\n`,
      report: null,
      summary: [line],
      sandboxed: false,
      profile: null,
      notRun: true,
    };
  }
  const env = minimalEnv(full, i.tag ?? {});
  const r = await runChecks({
    cwd: i.cwd,
    command: i.command,
    timeoutMs: i.timeoutMs,
    env,
    onOutput: i.onOutput,
    sandbox: plan.kind === 'sandboxed' ? plan.sandbox : null,
  });
  if (plan.kind === 'unsandboxed') {
    const note = `ran without the sandbox (quartet.checks.allowUnsandboxed): ${plan.why}`;
    return {
      ...r,
      notRun: false,
      summary: r.ok ? r.summary : [...r.summary, note],
      outputTail: `${r.outputTail}\n[${note}]\n`,
    };
  }
  return { ...r, notRun: false };
}

/** One line for the land's steps and the attempt's lastEvent: which command ran, and where. */
export function describeCheckRun(r: CheckResult & { notRun?: boolean }): string {
  if (r.notRun) return r.summary[0] ?? 'not run';
  const where = r.sandboxed ? `in the sandbox (${r.profile ?? '?'})` : 'WITHOUT the sandbox';
  return `\`${r.command}\` ${where}`;
}
