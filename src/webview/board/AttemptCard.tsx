// One attempt on the board: phase, elapsed, tokens, estimated cost, files, last event, and what it waits on.

import type { ReactNode } from 'react';
import { hostLabel, type AttemptSnapshot } from '../../shared/model';
import { canRetry, canStop } from '../../shared/attemptActions';
import { estimateCost } from '../../shared/cost';
import { clipLine, elapsedMs, formatClock, formatDuration, formatUsd } from '../../shared/panelFormat';
import { formatTokens } from '../../shared/tokenFormat';
import { Button } from '../ui/elements';
import { useActions, usePanel } from '../usePanel';
import { ChecksLine, DiffLine, Flags } from './AttemptFacts';
import { ResolveButton } from '../land/ResolveButton';
import { NeedsYou } from './NeedsYou';

export function PhaseBadge({ attempt }: { attempt: Pick<AttemptSnapshot, 'phase' | 'reason'> }): ReactNode {
  return (
    <span className={`phase phase-${attempt.phase}`} title={attempt.reason ?? undefined}>
      {attempt.phase}
      {attempt.reason && attempt.reason !== 'approval' && attempt.reason !== 'user_input' ? ` · ${attempt.reason}` : ''}
    </span>
  );
}

export function TokenLine({ attempt }: { attempt: AttemptSnapshot }): ReactNode {
  const store = usePanel();
  const t = attempt.tokens;
  const cost = estimateCost(t, attempt.model, store.prices, attempt.demoModel);
  return (
    <span className="tokens" title="tokens: input (of which cached) / output; cost is an estimate from the price table">
      {formatTokens(t.input)} in ({formatTokens(t.cachedInput)} cached) · {formatTokens(t.output)} out ·{' '}
      <span className="cost">{cost.free ? '$0 (demo model)' : `≈ ${formatUsd(cost.usd)} est.`}</span>
    </span>
  );
}

/** `resolvable`: the board decided this card offers Resolve with agent (see offersResolve). */
export function AttemptCard({
  attempt,
  now,
  resolvable = false,
}: {
  attempt: AttemptSnapshot;
  now: number;
  resolvable?: boolean;
}): ReactNode {
  const store = usePanel();
  const actions = useActions();
  const trace = store.trace(attempt.id);
  return (
    <article
      className={`card${attempt.pending ? ' card-needs-you' : ''}`}
      data-testid={`card-${attempt.id}`}
      aria-label={`Attempt ${attempt.index}`}
    >
      <header className="card-head">
        <button
          type="button"
          className="link card-title"
          onClick={() => store.showAttempt(attempt.id)}
          title="Open the trace of this attempt"
        >
          #{attempt.index}
        </button>
        <PhaseBadge attempt={attempt} />
        <span className="muted">{formatDuration(elapsedMs(attempt.startedAt, attempt.endedAt, now))}</span>
        <span className="muted host" data-testid={`host-${attempt.id}`} title="Where this attempt runs">
          on {hostLabel(attempt.host)}
        </span>
      </header>
      <div>
        <TokenLine attempt={attempt} />
      </div>
      <div className="muted">
        <DiffLine attempt={attempt} trace={trace} />
        {attempt.model ? ` · ${attempt.model}` : ''}
      </div>
      <Flags attempt={attempt} />
      <ChecksLine attempt={attempt} />
      {attempt.lastEvent ? (
        <div className="last-event" title={attempt.lastEvent}>
          {attempt.lastEventAt ? <span className="muted">{formatClock(attempt.lastEventAt)} </span> : null}
          {clipLine(attempt.lastEvent, 120)}
        </div>
      ) : null}
      {attempt.lastError ? <div className="error-text">{clipLine(attempt.lastError, 200)}</div> : null}
      {attempt.pending ? <NeedsYou attempt={attempt} pending={attempt.pending} /> : null}
      <footer className="row">
        <Button secondary onClick={() => store.showAttempt(attempt.id)}>
          Trace
        </Button>
        {canStop(attempt.phase) ? (
          <Button secondary onClick={() => void actions.stop(attempt.id)} testId={`stop-${attempt.id}`}>
            Stop
          </Button>
        ) : null}
        {canRetry(attempt.phase) ? (
          <Button secondary onClick={() => void actions.retry(attempt.id)} testId={`retry-${attempt.id}`}>
            Retry
          </Button>
        ) : null}
        {resolvable ? <ResolveButton attempt={attempt} secondary /> : null}
        <Button
          secondary
          onClick={() => void actions.openDiff([attempt.id])}
          title="Open this attempt's changes in the diff editor"
        >
          Diff
        </Button>
      </footer>
    </article>
  );
}
