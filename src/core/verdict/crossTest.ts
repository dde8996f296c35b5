// Cross-testing: each finished attempt's new or changed tests run against every other attempt's code (an N×N matrix).

import type { CrossTestCellView } from '../../shared/model';
import { runGit } from '../git/git';
import { withTempWorktree } from '../git/tempWorktree';
import { pooled } from './pool';
import { parseTestReport, type TestReport } from './testReport';

export interface CrossTestAttempt {
  id: string;
  /** The attempt's result commit (its code, and its tests). */
  commit: string;
  /** Test files the attempt added or changed (`changedTestFiles`). */
  testFiles: string[];
}

/** What a check run in a directory returned; the caller runs it sandboxed with the base's command. */
export interface CheckRun {
  ok: boolean;
  outputTail: string;
  summary: string[];
  /** Per-test results read from the whole output (checks.ts); absent: read from the tail. */
  report?: TestReport | null;
}

/** A matrix cell as the panel shows it, plus the lines that explain a failure (from the check's summary when no per-test report was found). */
export interface CrossTestCell extends CrossTestCellView {
  summary: string[];
}

export interface CrossTestOptions {
  repo: string;
  worktreeRoot: string;
  attempts: CrossTestAttempt[];
  /** `codeAttempt`: whose code runs (its processes are tagged with it, so a sweep of that attempt ends them). */
  run(dir: string, codeAttempt: string): Promise<CheckRun>;
  /** Keyed by `<code commit>:<tests commit>`; results are reused across calls (a retry changes a commit). */
  cache?: Map<string, CrossTestCell>;
  /** How many pairings run at once (the orchestrator's concurrency limit). */
  concurrency?: number;
}

const MAX_FAILED_NAMES = 10;

/** Cells for every pairing (tests of A, code of B), A ≠ B, where A wrote or changed tests. */
export async function crossTest(opts: CrossTestOptions): Promise<CrossTestCell[]> {
  const jobs: { tests: CrossTestAttempt; code: CrossTestAttempt }[] = [];
  for (const tests of opts.attempts) {
    if (tests.testFiles.length === 0) continue;
    for (const code of opts.attempts) if (code.id !== tests.id) jobs.push({ tests, code });
  }
  return pooled(jobs, opts.concurrency ?? 2, (job) => cell(opts, job.tests, job.code));
}

async function cell(opts: CrossTestOptions, tests: CrossTestAttempt, code: CrossTestAttempt): Promise<CrossTestCell> {
  const key = `${code.commit}:${tests.commit}`;
  const hit = opts.cache?.get(key);
  if (hit) return { ...hit, tests: tests.id, code: code.id };
  const result = await withTempWorktree(opts.repo, opts.worktreeRoot, code.commit, async (dir) => {
    // Through git, not the file system: the files come from the tests' commit, never via a link an agent made.
    const r = await runGit(dir, ['checkout', tests.commit, '--', ...tests.testFiles]);
    if (r.code !== 0)
      return {
        ok: false,
        outputTail: r.stderr,
        summary: [`could not bring #${tests.id}'s tests over: ${r.stderr.trim()}`],
      };
    return opts.run(dir, code.id);
  });
  const report = result.report ?? parseTestReport(result.outputTail);
  const out: CrossTestCell = {
    tests: tests.id,
    code: code.id,
    ok: result.ok,
    passed: report ? report.passed : null,
    total: report ? report.tests.length : null,
    failedTests: report
      ? report.tests
          .filter((t) => !t.ok)
          .map((t) => t.name)
          .slice(0, MAX_FAILED_NAMES)
      : [],
    summary: result.ok ? [] : result.summary.slice(0, 5),
  };
  opts.cache?.set(key, out);
  return out;
}
