// Runs a repository's check command (e.g. `npm test`) in a directory: own process group, timeout, output tail + key lines.

import { execa } from 'execa';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killTree } from '../execution/processTree';

const TAIL_CHARS = 8 * 1024;
const MAX_SUMMARY = 10;
const MAX_LINE = 300;

export interface CheckOptions {
  cwd: string;
  /** A shell command line, run with `sh -c`. */
  command: string;
  timeoutMs: number;
  /** The command's whole environment (the caller has already removed secrets from it). */
  env: Record<string, string | undefined>;
  onOutput?: (chunk: string) => void;
}

export interface CheckResult {
  command: string;
  ok: boolean;
  exitCode: number | null;
  timedOut: boolean;
  durationMs: number;
  /** The last ~8 KB of stdout and stderr, interleaved as they arrived. */
  outputTail: string;
  /** The few lines that explain a failure (errors, FAIL, not ok…); empty when the checks pass. */
  summary: string[];
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
  const lines = text.replace(ANSI, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const key = lines.filter(isKeyLine);
  const picked = key.length ? key.slice(0, max) : lines.slice(-Math.min(max, 5));
  return picked.map((l) => (l.length > MAX_LINE ? `${l.slice(0, MAX_LINE - 1)}…` : l));
}

/** `npm test` when package.json has a real `test` script; null (no checks) otherwise. */
export function detectCheckCommand(repoDir: string): string | null {
  const file = join(repoDir, 'package.json');
  if (!existsSync(file)) return null;
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { scripts?: Record<string, unknown> };
    const test = pkg.scripts?.test;
    if (typeof test !== 'string' || !test.trim()) return null;
    // `npm init` writes a test script that always fails: it means "no tests", not "tests fail".
    if (/no test specified/i.test(test)) return null;
    return 'npm test';
  } catch {
    return null;
  }
}

/** Runs the checks; never throws for a failing or missing command — that is a failed result. */
export async function runChecks(opts: CheckOptions): Promise<CheckResult> {
  const started = Date.now();
  let tail = '';
  let timedOut = false;
  const child = execa('sh', ['-c', opts.command], {
    cwd: opts.cwd,
    env: opts.env,
    extendEnv: false,
    // Own process group: a timeout ends the shell and everything the test runner started.
    detached: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    cleanup: false,
  });
  const onChunk = (chunk: string): void => {
    tail = (tail + chunk).slice(-TAIL_CHARS);
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
  return { command: opts.command, ok, exitCode, timedOut, durationMs, outputTail: tail, summary };
}
