// The Resolve-with-agent state machine (pure): merge-base → resolve (verify inside the turn) → recheck → land.

export type ResolveStep = 'merge-base' | 'resolve' | 'verify' | 'recheck';
/**
 * `land`: hand over to the local land (its steps follow these); `abort`: the turn's rollback puts the worktree back
 * (the resolve then fails); `failed` / `checks_failed` / `refused`: the flow ends with that status, the base unmoved.
 */
export type ResolveTerminal = 'land' | 'abort' | 'failed' | 'checks_failed' | 'refused';
export type ResolveState = ResolveStep | ResolveTerminal;

/** What each step can end with. */
export interface ResolveResults {
  /** `contained`: the branch has the base already; `clean`: it merges without conflicts now (the land merges it). */
  'merge-base': 'contained' | 'clean' | 'conflict' | 'error';
  /** The follow-up turn, including its verify: `completed` only when the turn ended and verify accepted it. */
  resolve: 'completed' | 'failed';
  /** Run inside the turn, before it counts as completed: markers left or the merge commit refused → roll back. */
  verify: 'clean' | 'markers' | 'commit_failed';
  /** The checks on the merged result (`skipped`: none configured or none ran). */
  recheck: 'passed' | 'skipped' | 'failed';
}

export function isResolveTerminal(state: ResolveState): state is ResolveTerminal {
  return (
    state === 'land' || state === 'abort' || state === 'failed' || state === 'checks_failed' || state === 'refused'
  );
}

/**
 * The next state after `step` ended with `result`. `changeLeft` (recheck only): the attempt still changes something
 * on top of the base it now contains — when the merge took all of it, there is nothing to land.
 */
export function nextResolveState<S extends ResolveStep>(
  step: S,
  result: ResolveResults[S],
  changeLeft = true,
): ResolveState {
  switch (step) {
    case 'merge-base':
      return result === 'conflict' ? 'resolve' : result === 'error' ? 'failed' : 'land';
    case 'resolve':
      return result === 'completed' ? 'recheck' : 'failed';
    case 'verify':
      return result === 'clean' ? 'recheck' : 'abort';
    case 'recheck':
      return result === 'failed' ? 'checks_failed' : changeLeft ? 'land' : 'refused';
    default:
      return 'failed';
  }
}

/** Status shown for a step that ended with `result` (conflicts found are the merge-base step doing its job). */
export function resolveStepStatus<S extends ResolveStep>(
  step: S,
  result: ResolveResults[S],
): 'ok' | 'failed' | 'skipped' {
  if (result === 'skipped') return 'skipped';
  return result === 'error' || result === 'failed' || result === 'markers' || result === 'commit_failed'
    ? 'failed'
    : 'ok';
}
