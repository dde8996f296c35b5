// Judges a task's finished attempts: their changed tests cross-run against each other's code, then the verdict's tiers.

import type { AttemptReviewView, AttemptSnapshot, TaskVerdict } from '../../shared/model';
import { crossTest, type CheckRun, type CrossTestCell } from './crossTest';
import { changedTestFiles } from './testFiles';
import { decideVerdict, type VerdictInput } from './verdict';
import { scoreInputOf } from './scorecard';
import { pooled } from './pool';
import { reviewBlockers } from './review';

/** The attempts a verdict is about: finished, kept, with a result to judge. */
export function judgedAttempts(attempts: readonly AttemptSnapshot[]): AttemptSnapshot[] {
  return attempts.filter((a) => a.phase === 'finished' && !a.archived);
}

/** What the verdict was computed on; when this changes (an attempt finished, a retry committed), it is stale. */
export function verdictBasis(attempts: readonly AttemptSnapshot[]): string {
  return judgedAttempts(attempts)
    .map((a) => `${a.id}:${a.resultCommit ?? '-'}:${a.checks?.state ?? '-'}`)
    .join(' ');
}

export interface JudgeDeps {
  repo: string;
  worktreeRoot: string;
  /** Runs the base's check command in `dir`, sandboxed like the attempts' own checks; null: no check command. */
  run: ((dir: string, codeAttempt: string) => Promise<CheckRun>) | null;
  cache: Map<string, CrossTestCell>;
  concurrency: number;
  /** Reviews one attempt (a read-only Codex turn, cached by the caller); null: reviews are off for the task. */
  review: ((a: AttemptSnapshot & { resultCommit: string }) => Promise<AttemptReviewView>) | null;
}

function verdictInput(a: AttemptSnapshot, testFiles: number, review: AttemptReviewView | undefined): VerdictInput {
  return {
    ...scoreInputOf(a),
    index: a.index,
    pending: a.checks?.state === 'running',
    testFiles,
    reviewBlockers: review ? reviewBlockers(review) : [],
  };
}

/** Cross-tests the attempts that have a result commit, then decides; never throws for a failing test run. */
export async function judgeTask(
  deps: JudgeDeps,
  attempts: readonly AttemptSnapshot[],
  now: () => string,
): Promise<TaskVerdict> {
  const judged = judgedAttempts(attempts);
  const withCode = judged.filter((a) => a.resultCommit);
  const files = new Map<string, string[]>();
  for (const a of withCode)
    files.set(a.id, await changedTestFiles(deps.repo, a.base, a.resultCommit as string).catch(() => []));
  const run = deps.run;
  // Cross-tests use the machine, reviews wait on the model: both at once.
  const crossTests = run
    ? crossTest({
        repo: deps.repo,
        worktreeRoot: deps.worktreeRoot,
        attempts: withCode.map((a) => ({
          id: a.id,
          commit: a.resultCommit as string,
          testFiles: files.get(a.id) ?? [],
        })),
        run,
        cache: deps.cache,
        concurrency: deps.concurrency,
      })
    : Promise.resolve([]);
  const review = deps.review;
  const reviewing = review
    ? pooled(withCode, deps.concurrency, (a) => review({ ...a, resultCommit: a.resultCommit as string }))
    : Promise.resolve([]);
  const [cells, reviews] = await Promise.all([crossTests, reviewing]);
  const reviewOf = new Map(reviews.map((r) => [r.attemptId, r]));
  const v = decideVerdict(
    judged.map((a) => verdictInput(a, files.get(a.id)?.length ?? 0, reviewOf.get(a.id))),
    cells,
  );
  return {
    state: 'done',
    confidence: v.confidence,
    recommended: v.recommended,
    headline: v.headline,
    entries: v.ranked,
    matrix: cells.map(({ tests, code, ok, passed, total, failedTests }) => ({
      tests,
      code,
      ok,
      passed,
      total,
      failedTests,
    })),
    ...(review ? { reviews } : {}),
    basis: verdictBasis(attempts),
    at: now(),
  };
}
