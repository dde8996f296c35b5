// Reviews one attempt: its annotated diff to a read-only Codex turn with the review schema, the answer checked against the diff.

import { existsSync } from 'node:fs';
import type { AttemptReviewView } from '../../shared/model';
import { runStructuredTurn } from '../execution/structuredTurn';
import { ATTEMPT_TAG } from '../execution/attemptRunner';
import { attemptDiff } from './annotatedDiff';
import { parseReview, REVIEW_SCHEMA, reviewPrompt } from './review';

export interface ReviewDeps {
  repo: string;
  /** e.g. `[codexPath, 'app-server']`, the task's own Codex. */
  codexArgv: string[];
  env: Record<string, string>;
  model: string | null;
  timeoutMs: number;
}

export interface ReviewSubject {
  id: string;
  index: number;
  base: string;
  resultCommit: string;
  worktree: string;
}

/** Never throws: a failed review is a review with `state: 'failed'` and the reason, shown as such. */
export async function reviewAttempt(
  deps: ReviewDeps,
  task: { title: string; prompt: string },
  a: ReviewSubject,
): Promise<AttemptReviewView> {
  const started = Date.now();
  const base = { attemptId: a.id, commit: a.resultCommit, requirements: [], findings: [], uncited: 0, tokens: 0 };
  try {
    const diff = await attemptDiff(deps.repo, a.base, a.resultCommit);
    const turn = await runStructuredTurn({
      codexArgv: deps.codexArgv,
      // The attempt's worktree when it still exists, so a reviewer that reads files reads this attempt's.
      cwd: existsSync(a.worktree) ? a.worktree : deps.repo,
      env: deps.env,
      prompt: reviewPrompt({ title: task.title, prompt: task.prompt, attemptIndex: a.index, diff }),
      outputSchema: REVIEW_SCHEMA,
      model: deps.model,
      // Tagged under the attempt (`<id>/review`), so a shutdown's sweep ends it; not with the attempt's own value,
      // which Codex clients kill by when they shut down (the attempt's, or this review's own).
      tag: { name: ATTEMPT_TAG, value: `${a.id}/review` },
      timeoutMs: deps.timeoutMs,
    });
    const parsed = parseReview(turn.text, diff);
    return { ...base, ...parsed, state: 'done', error: null, tokens: turn.tokens, durationMs: Date.now() - started };
  } catch (err) {
    return { ...base, state: 'failed', error: (err as Error).message.slice(0, 500), durationMs: Date.now() - started };
  }
}
