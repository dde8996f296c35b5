// Workspace hooks (SPEC §9.4, §15.4): `sh -lc` in the worktree (inside Codex's sandbox when given), own process group, timeout, short output.

import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { killTree } from '../execution/processTree';
import { sandboxArgv, withSandboxTmp, type Sandbox } from '../execution/sandbox';
import type { HookName, HookSettings } from './types';

/** Output kept for logs and the journal: the head (what started failing) and the tail (how it ended). */
export const HOOK_OUTPUT_HEAD = 2048;
export const HOOK_OUTPUT_TAIL = 6144;

/** SPEC §9.4: failures of these abort the workspace creation / the run; the others are logged and ignored. */
export const FATAL_HOOKS: Record<HookName, boolean> = {
  after_create: true,
  before_run: true,
  after_run: false,
  before_remove: false,
};

export function hookScript(hooks: HookSettings, name: HookName): string | null {
  const byName: Record<HookName, string | null> = {
    after_create: hooks.afterCreate,
    before_run: hooks.beforeRun,
    after_run: hooks.afterRun,
    before_remove: hooks.beforeRemove,
  };
  return byName[name];
}

export interface HookRun {
  name: HookName;
  script: string;
  /** The worktree: the hook's working directory. */
  cwd: string;
  /** The whole environment (secrets already removed by the caller). */
  env: Record<string, string>;
  timeoutMs: number;
  /** Run inside this sandbox (execution/sandbox.ts); null: directly on the host (after_create, or allowed by the person). */
  sandbox?: Sandbox | null;
}

export interface HookResult {
  name: HookName;
  ok: boolean;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  durationMs: number;
  /** stdout + stderr interleaved, truncated to head + tail. */
  output: string;
  /** Why it could not run at all (missing worktree, no shell), or null. */
  error: string | null;
  /** Whether it ran inside Codex's sandbox. */
  sandboxed?: boolean;
}

/** Keeps the first and last bytes of a long output with a marker between. */
export function truncateOutput(text: string, head = HOOK_OUTPUT_HEAD, tail = HOOK_OUTPUT_TAIL): string {
  if (text.length <= head + tail) return text;
  return `${text.slice(0, head)}\n… [${text.length - head - tail} characters omitted] …\n${text.slice(-tail)}`;
}

/**
 * A login shell (`-l`, as SPEC §9.4 and Symphony run hooks) re-reads /etc/profile, which on Debian
 * and Ubuntu resets PATH; the attempt's PATH (the one Codex got) goes first again so `node`, `npm`
 * and friends resolve the same way for the hook as for the agent.
 */
const KEEP_PATH = 'PATH="$QUARTET_HOOK_PATH${PATH:+:$PATH}"; export PATH; ';

export async function runHook(run: HookRun): Promise<HookResult> {
  const started = Date.now();
  const base = { name: run.name, exitCode: null, signal: null, timedOut: false, output: '' };
  if (!existsSync(run.cwd) || !statSync(run.cwd).isDirectory()) {
    return { ...base, ok: false, durationMs: 0, error: `the worktree ${run.cwd} does not exist` };
  }
  const via = run.sandbox ?? null;
  if (!via) return { ...(await spawnHook(run, null, started)), sandboxed: false };
  return { ...(await withSandboxTmp((tmp) => spawnHook(run, tmp, started))), sandboxed: true };
}

async function spawnHook(run: HookRun, tmp: string | null, started: number): Promise<HookResult> {
  // The prefix shares the script's first line, so line numbers in shell errors stay the script's own.
  const shell = ['sh', '-lc', KEEP_PATH + run.script];
  const env = {
    ...run.env,
    ...(tmp ? { TMPDIR: tmp } : {}),
    QUARTET_HOOK: run.name,
    QUARTET_HOOK_PATH: run.env.PATH ?? '',
  };
  const argv = run.sandbox ? sandboxArgv(run.sandbox, run.cwd, shell, env) : { file: 'sh', args: shell.slice(1), env };
  const child = spawn(argv.file, argv.args, {
    cwd: run.cwd,
    env: argv.env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString('utf8');
    // Bound memory for chatty hooks: keep the head and a generous tail.
    if (output.length > 4 * (HOOK_OUTPUT_HEAD + HOOK_OUTPUT_TAIL))
      output = truncateOutput(output, HOOK_OUTPUT_HEAD, 2 * HOOK_OUTPUT_TAIL);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void killTree(child.pid ?? null, undefined, 1000);
  }, run.timeoutMs);
  const exit = await new Promise<{ code: number | null; signal: string | null; error: string | null }>((resolve) => {
    child.once('error', (err) =>
      resolve({
        code: null,
        signal: null,
        error: `could not start ${run.sandbox ? 'codex sandbox' : 'sh'}: ${err.message}`,
      }),
    );
    child.once('exit', (code, signal) => resolve({ code, signal, error: null }));
  });
  clearTimeout(timer);
  // Whatever the hook left running in its group would hold the pipes (and the worktree) forever.
  if (child.pid) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already empty
    }
  }
  await new Promise<void>((resolve) => {
    if (child.stdout.closed && child.stderr.closed) return resolve();
    const t = setTimeout(resolve, 1000);
    child.once('close', () => {
      clearTimeout(t);
      resolve();
    });
  });
  const ok = !timedOut && exit.error === null && exit.code === 0;
  const note = timedOut ? `\n[hook timed out after ${run.timeoutMs} ms and was ended]` : '';
  return {
    name: run.name,
    ok,
    exitCode: exit.code,
    signal: exit.signal,
    timedOut,
    durationMs: Date.now() - started,
    output: truncateOutput(output) + note,
    error: exit.error,
  };
}

/** One line for logs and lastError: `before_run hook failed (exit 3): <last output line>`. */
export function describeHookResult(r: HookResult): string {
  if (r.ok) return `${r.name} hook passed (${r.durationMs} ms)`;
  const why =
    r.error ?? (r.timedOut ? 'timed out' : r.exitCode !== null ? `exit ${r.exitCode}` : `signal ${r.signal ?? '?'}`);
  const last = r.output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('[hook timed out'))
    .at(-1);
  return `${r.name} hook failed (${why})${last ? `: ${last.slice(0, 200)}` : ''}`;
}
