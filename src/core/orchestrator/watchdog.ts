// Budgets and progress signals per running attempt: token and cost budgets, repeated failures, steps without change.

import type { AgentEvent } from '../../shared/events';
import type { Reason } from '../../shared/model';
import { estimateCost, mergePriceTable } from '../../shared/cost';
import { attemptTotal } from '../observability/tokens';
import { LoopDetector } from './progress';
import { NoProgressDetector } from './noProgress';
import type { AttemptRecord, TaskRecord } from './records';

export interface WatchdogHost {
  /**
   * Ends the attempt's turn with `reason` (interrupt, never a kill mid-write) and records `message` as
   * its error; false when the attempt no longer runs (a late signal after it ended).
   */
  halt(attemptId: string, reason: Reason, message: string): boolean;
  log(line: string): void;
}

/** Why the attempt's budget is spent after this token event, or null while it is not. */
export function budgetBreach(
  task: TaskRecord,
  a: AttemptRecord,
  e: Extract<AgentEvent, { type: 'tokens' }>,
): string | null {
  const { tokenBudget, costBudgetUsd } = task.options;
  const tokens = attemptTotal({ ...a.tokensByThread, [e.threadId]: e.totals });
  if (tokenBudget && tokens.total >= tokenBudget) return `token budget reached: ${tokens.total} ≥ ${tokenBudget}`;
  if (costBudgetUsd) {
    const cost = estimateCost(tokens, a.model, mergePriceTable(task.options.prices), a.demoModel);
    if (!cost.free && cost.usd >= costBudgetUsd)
      return `cost budget reached: $${cost.usd.toFixed(4)} ≥ $${costBudgetUsd} (estimated, priced as ${cost.pricedAs})`;
  }
  return null;
}

export class Watchdog {
  private readonly loops = new LoopDetector();
  private readonly stale: NoProgressDetector;
  /** Attempts already halted: one reason each, the first one wins. */
  private readonly halted = new Set<string>();

  constructor(
    private readonly host: WatchdogHost,
    stale?: NoProgressDetector,
  ) {
    this.stale = stale ?? new NoProgressDetector();
  }

  onEvent(task: TaskRecord, a: AttemptRecord, e: AgentEvent): void {
    if (this.halted.has(a.id)) return;
    const { loopLimit, noProgressLimit } = task.options;
    if (e.type === 'tokens') {
      const breach = budgetBreach(task, a, e);
      if (breach) return this.halt(a.id, 'budget', breach);
    }
    if (e.type === 'command' && loopLimit > 0) {
      const repeats = this.loops.record(a.id, e);
      if (repeats >= loopLimit)
        return this.halt(a.id, 'looping', `looping: \`${e.command}\` failed the same way ${repeats} times`);
    }
    if (!noProgressLimit || noProgressLimit <= 0) return;
    if (e.type === 'session_started') void this.stale.baseline(a.id, a.worktree);
    if (e.type === 'command' || e.type === 'file_change') {
      void this.stale.step(a.id, a.worktree).then((idle) => {
        if (idle >= noProgressLimit && !this.halted.has(a.id))
          this.halt(a.id, 'looping', `looping: ${idle} steps in a row without any change to the worktree`);
      });
    }
  }

  reset(attemptId: string): void {
    this.loops.reset(attemptId);
    this.stale.reset(attemptId);
    this.halted.delete(attemptId);
  }

  private halt(attemptId: string, reason: Reason, message: string): void {
    if (!this.host.halt(attemptId, reason, message)) return;
    this.halted.add(attemptId);
    this.host.log(`attempt=${attemptId} ${message}`);
  }
}
