// Runs a repository's check command inside Codex's sandbox (own process group, timeout, output tail + key lines); finds it at the base.

import { execa } from 'execa';
import { killTree } from '../execution/processTree';
import { sandboxArgv, withSandboxTmp, type Sandbox } from '../execution/sandbox';
import { parseTestReport, type TestReport } from '../verdict/testReport';
import { runGit } from '../git/git';

const TAIL_CHARS = 8 * 1024;
/**
 * How much output is kept to read per-test results from (a TAP stream of a big suite is far longer than the
 * tail). Only the parsed report leaves this module; past the cap the report counts what the cap held.
 */
const REPORT_CHARS = 4 * 1024 * 1024;
const MAX_SUMMARY = 10;
const MAX_LINE = 300;

export interface CheckOptions {
  cwd: string;
  /** A shell command line, run with `sh -c`. */
  command: string;
  timeoutMs: number;
  /** The command's whole environment (the caller has already reduced it, see sandbox.ts minimalEnv). */
  env: Record<string, string | undefined>;
  onOutput?: (chunk: string) => void;
  /** Run inside this sandbox (see execution/sandbox.ts); null only when the person allowed unsandboxed checks. */
  sandbox: Sandbox | null;
}

export interface CheckResult {
  command: string;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last ~8 KB of stdout and stderr, interleaved as they arrived. */
  outputTail: string;
  /** Per-test results (TAP / JUnit / Jest JSON) from up to the first 4 MB of output; null when none was found. */
  report: TestReport | null;
  /** The few lines that explain a failure (errors, FAIL, not ok…); empty when the checks pass. */
  summary: string[];
  /** Whether it ran inside Codex's sandbox, and with which permission profile. */
  sandboxed: boolean;
  profile: string | null;
}

// Test runners colour their output; escape codes would defeat the key-line patterns.
// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
const KEY_LINE = /\berror\b|Error\b|\bFAIL(ED)?\b|✖|\bnot ok\b|AssertionError/;

/** True for a line worth showing in a failure summary. */
export function isKeyLine(line: string): boolean {
  return KEY_LINE.test(line);
}

/** The key lines of `text` (at most `max`, in order, trimmed); the last non-empty lines when none match. */
export function summarizeOutput(text: string, max = MAX_SUMMARY): string[] {
  const lines = text
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const key = lines.filter(isKeyLine);
  const picked = key.length ? key.slice(0, max) : lines.slice(-Math.min(max, 5));
  return picked.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE - 1)}…` : l));
}

/** A package.json larger than this is not a real one: no checks are detected from it. */
export const MAX_PACKAGE_JSON_BYTES = 1024 * 1024;

/**
 * What `npm test` would run for this package.json text (`pretest && test && posttest`), or null (no
 * checks) when it has no real test script. The script runs itself, not `npm test`, because npm would
 * read the worktree's package.json, which the agent may have edited.
 */
export function checkCommandFromPackageJson(text: string): string | null {
  try {
    const pkg = JSON.parse(text) as { scripts?: Record<string, unknown> };
    const scripts = pkg.scripts ?? {};
    const test = scripts.test;
    if (typeof test !== 'string' || !test.trim()) return null;
    // `npm init` writes a test script that always fails: it means "no tests", not "tests fail".
    if (/no test specified/i.test(test)) return null;
    const pre = typeof scripts.pretest === 'string' && scripts.pretest.trim() ? scripts.pretest : null;
    const post = typeof scripts.posttest === 'string' && scripts.posttest.trim() ? scripts.posttest : null;
    return [pre, test, post]
      .filter((x): x is string => x !== null)
      .map((x) => (pre || post ? `(${x})` : x))
      .join(' && ');
  } catch {
    return null;
  }
}

/**
 * The check command detected at `commit` (the attempt's base, or the base a land merges onto): read from
 * git's objects, never from a working tree, so an agent's edit (or a FIFO, a huge file, a symlink) in its
 * worktree never decides what runs. null: no package.json there, not a file, too large, or no test script.
 */
export async function baseCheckCommand(repo: string, commit: string): Promise<string | null> {
  const spec = `${commit}:package.json`;
  const type = await runGit(repo, ['cat-file', '-t', spec]).catch(() => null);
  if (!type || type.code !== 0 || type.stdout.trim() !== 'blob') return null;
  const size = await runGit(repo, ['cat-file', '-s', spec]).catch(() => null);
  if (!size || size.code !== 0 || Number(size.stdout.trim()) > MAX_PACKAGE_JSON_BYTES) return null;
  const blob = await runGit(repo, ['cat-file', 'blob', spec]).catch(() => null);
  return blob && blob.code === 0 ? checkCommandFromPackageJson(blob.stdout) : null;
}

/** Local binaries first, as `npm test` would find them; the prefix shares the command's line. */
const NPM_BIN_PATH = 'PATH="$PWD/node_modules/.bin${PATH:+:$PATH}"; export PATH; ';

/** Runs the checks; never throws for a failing or missing command — that is a failed result. */
export async function runChecks(opts: CheckOptions): Promise<CheckResult> {
  const started = Date.now();
  const via = opts.sandbox ?? null;
  const shell = ['sh', '-c', NPM_BIN_PATH + opts.command];
  const run = async (tmp: string | null): Promise<CheckResult> => {
    const env = tmp ? { ...opts.env, TMPDIR: tmp } : opts.env;
    const argv = via ? sandboxArgv(via, opts.cwd, shell, env) : { file: shell[0] as string, args: shell.slice(1), env };
    return spawnCheck(opts, argv, argv.env, started);
  };
  const r = via ? await withSandboxTmp(run) : await run(null);
  return { ...r, sandboxed: via !== null, profile: via?.profile ?? null };
}

async function spawnCheck(
  opts: CheckOptions,
  argv: { file: string; args: string[] },
  env: Record<string, string | undefined>,
  started: number,
): Promise<CheckResult> {
  let tail = '';
  let all = '';
  let timedOut = false;
  const child = execa(argv.file, argv.args, {
    cwd: opts.cwd,
    env,
    extendEnv: false,
    // Own process group: a timeout ends the shell (or the sandbox) and everything the test runner started.
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: false,
  });
  const onChunk = (chunk: string): void => {
    tail = (tail + chunk).slice(-TAIL_CHARS);
    if (all.length < REPORT_CHARS) all += chunk.slice(0, REPORT_CHARS - all.length);
    opts.onOutput?.(chunk);
  };
  child.stdout?.setEncoding('utf8').on('data', onChunk);
  child.stderr?.setEncoding('utf8').on('data', onChunk);
  const pid = child.pid ?? null;
  const timer = setTimeout(() => {
    timedOut = true;
    void killTree(pid, undefined, 2000);
  }, opts.timeoutMs);
  // A background process left by the checks would hold the pipes open forever: end the group with the shell.
  child.once('exit', () => {
    if (pid) {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is already empty
      }
    }
  });
  const r = await child;
  clearTimeout(timer);
  const exitCode = typeof r.exitCode === 'number' ? r.exitCode : null;
  const ok = !timedOut && exitCode === 0;
  const durationMs = Date.now() - started;
  let summary: string[] = [];
  if (!ok) {
    summary = summarizeOutput(tail || (r.failed ? (r.message ?? '') : ''));
    if (timedOut) summary.unshift(`timed out after ${Math.round(opts.timeoutMs / 1000)} s`);
  }
  return {
    command: opts.command,
    ok,
    exitCode,
    timedOut,
    durationMs,
    outputTail: tail,
    report: parseTestReport(all),
    summary,
    sandboxed: false,
    profile: null,
  };
}
