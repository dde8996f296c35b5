// The land state machine (pure): prepare → merge → checks → advance → done, or conflict / checks_failed / refused.

export type LandStep = 'prepare' | 'merge' | 'checks' | 'advance';
export type LandTerminal = 'done' | 'conflict' | 'checks_failed' | 'refused';
export type LandState = LandStep | LandTerminal;
export type StepStatus = 'running' | 'ok' | 'skipped' | 'failed';

export interface StepRecord {
  step: LandState;
  status: StepStatus;
  detail: string;
}

/** What each step can end with. */
export interface StepResults {
  prepare: 'ok' | 'refused';
  merge: 'ok' | 'conflict' | 'empty' | 'refused';
  checks: 'passed' | 'skipped' | 'failed';
  /** `moved`: the base changed under us (compare-and-swap failed); `aside`: result put on the landed branch. */
  advance: 'advanced' | 'aside' | 'moved' | 'refused';
}

/** A land starts over at most once when the base moves under it; the second time it gives up. */
export const MAX_ROUNDS = 2;

export function isTerminal(state: LandState): state is LandTerminal {
  return state === 'done' || state === 'conflict' || state === 'checks_failed' || state === 'refused';
}

/** The next state after `step` ended with `result`, in round `round` (1-based). */
export function nextLandState<S extends LandStep>(step: S, result: StepResults[S], round: number): LandState {
  switch (step) {
    case 'prepare':
      return result === 'ok' ? 'merge' : 'refused';
    case 'merge':
      return result === 'ok' ? 'checks' : result === 'conflict' ? 'conflict' : 'refused';
    case 'checks':
      return result === 'failed' ? 'checks_failed' : 'advance';
    case 'advance':
      if (result === 'advanced' || result === 'aside') return 'done';
      if (result === 'moved') return round < MAX_ROUNDS ? 'prepare' : 'refused';
      return 'refused';
    default:
      return 'refused';
  }
}

/** Status shown for a step that ended with `result`. */
export function stepStatus<S extends LandStep>(step: S, result: StepResults[S]): StepStatus {
  if (step === 'checks' && result === 'skipped') return 'skipped';
  return result === 'ok' || result === 'passed' || result === 'advanced' || result === 'aside' ? 'ok' : 'failed';
}
