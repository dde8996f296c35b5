// When to stop a task's attempts before they end (pure): policy `race` once there is a clear winner, and the task's own budget.

import { estimateCost, mergePriceTable } from '../../shared/cost';
import { formatTokens } from '../../shared/tokenFormat';
import { elapsedMs } from '../../shared/panelFormat';
import { isTerminal, type AttemptSnapshot, type EarlyStop } from '../../shared/model';
import type { TaskRecord } from './records';
import { verdictBasis } from '../verdict/judgeTask';

/** Attempts still to end: running, waiting on a person, queued, or waiting to retry. Archived ones are done. */
export function unfinished(task: Pick<TaskRecord, 'attempts'>): AttemptSnapshot[] {
  return task.attempts.filter((a) => !a.archived && (!isTerminal(a.phase) || a.nextRetryAt !== null));
}

const elapsed = (a: AttemptSnapshot, now: number): number => elapsedMs(a.startedAt, a.endedAt, now) ?? 0;

/**
 * Policy `race`: the verdict on the finished attempts (current, not stale) names a clear winner whose own
 * checks passed; the attempts still unfinished are the losers. Null when there is nothing to stop.
 * A close call or a winner without passing checks stops nothing: those are for the person to judge.
 */
export function raceCall(task: TaskRecord, now: number): EarlyStop | null {
  const v = task.verdict;
  if (task.options.policy !== 'race' || task.state !== 'open' || task.earlyStop) return null;
  if (v?.state !== 'done' || v.confidence !== 'clear' || !v.recommended || v.basis !== verdictBasis(task.attempts))
    return null;
  const winner = task.attempts.find((a) => a.id === v.recommended);
  if (!winner || winner.checks?.state !== 'passed') return null;
  const losers = unfinished(task);
  if (!losers.length) return null;
  const stopped = losers.map((a) => ({
    attemptId: a.id,
    index: a.index,
    tokens: a.tokens.total,
    elapsedMs: elapsed(a, now),
  }));
  const savedTokens = stopped.reduce((sum, s) => sum + Math.max(0, winner.tokens.total - s.tokens), 0);
  return {
    kind: 'race',
    at: new Date(now).toISOString(),
    message: `#${winner.index} won the race (${v.headline}); stopped ${stopped.map((s) => `#${s.index}`).join(', ')}`,
    winner: winner.id,
    stopped,
    savedTokens,
  };
}

/** Whether the task has a budget of its own at all (most do not: the once-a-second check skips them). */
export function hasTaskBudget(task: TaskRecord): boolean {
  const { taskTokenBudget, taskCostBudgetUsd, taskTimeBudgetMs } = task.options;
  return Boolean(taskTokenBudget || taskCostBudgetUsd || taskTimeBudgetMs);
}

/** Why the task's budget (all attempts together, from its launch) is spent, or null while it is not. */
export function taskBudgetBreach(task: TaskRecord, now: number): string | null {
  const { taskTokenBudget, taskCostBudgetUsd, taskTimeBudgetMs } = task.options;
  const attempts = task.attempts;
  if (taskTokenBudget) {
    const total = attempts.reduce((sum, a) => sum + a.tokens.total, 0);
    if (total >= taskTokenBudget)
      return `task token budget reached: ${formatTokens(total)} ≥ ${formatTokens(taskTokenBudget)} (all attempts)`;
  }
  if (taskCostBudgetUsd) {
    const prices = mergePriceTable(task.options.prices);
    const usd = attempts.reduce((sum, a) => sum + estimateCost(a.tokens, a.model, prices, a.demoModel).usd, 0);
    if (usd >= taskCostBudgetUsd)
      return `task cost budget reached: $${usd.toFixed(4)} ≥ $${taskCostBudgetUsd} (estimated, all attempts)`;
  }
  if (taskTimeBudgetMs && now - Date.parse(task.createdAt) >= taskTimeBudgetMs) {
    return `task time budget reached: ${Math.round((now - Date.parse(task.createdAt)) / 1000)} s ≥ ${Math.round(taskTimeBudgetMs / 1000)} s since launch`;
  }
  return null;
}

/** The record of a budget stop: every unfinished attempt, no winner, no saving claimed. */
export function budgetStop(task: TaskRecord, message: string, now: number): EarlyStop {
  const stopped = unfinished(task).map((a) => ({
    attemptId: a.id,
    index: a.index,
    tokens: a.tokens.total,
    elapsedMs: elapsed(a, now),
  }));
  return { kind: 'budget', at: new Date(now).toISOString(), message, winner: null, stopped, savedTokens: null };
}
