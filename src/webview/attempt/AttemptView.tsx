// One attempt: header and controls, its land and follow-up turns, what it waits on, the log summary, the token strip and the trace.

import { useMemo, useState, type ReactNode } from 'react';
import { canRetry, canStop, followUpBlocker } from '../../shared/attemptActions';
import { summarize } from '../../shared/logSummary';
import { isTerminal } from '../../shared/model';
import { clipLine, elapsedMs, formatDuration } from '../../shared/panelFormat';
import { NeedsYou } from '../board/NeedsYou';
import { PhaseBadge } from '../board/AttemptCard';
import { ChecksLine, Flags } from '../board/AttemptFacts';
import { Button } from '../ui/elements';
import { MessageBox } from '../ui/MessageBox';
import type { ScrollRequest } from '../ui/VirtualList';
import { useActions, useNow, usePanel } from '../usePanel';
import { offersResolve } from '../../shared/landView';
import { LandingPanel } from '../land/LandingPanel';
import { ResolveButton } from '../land/ResolveButton';
import { FollowUpList } from './FollowUpList';
import { LogSummaryView } from './LogSummaryView';
import { TokenStrip } from './TokenStrip';
import { TraceView } from './TraceView';

export function AttemptView(): ReactNode {
  const store = usePanel();
  const actions = useActions();
  const now = useNow(1000);
  const [jump, setJump] = useState<ScrollRequest | null>(null);
  const found = store.findAttempt(store.view.attemptId);
  const trace = found ? store.trace(found.attempt.id) : null;
  const version = trace?.version ?? -1;
  const summary = useMemo(() => (trace ? summarize(trace) : null), [trace, version]);
  if (!found) {
    return (
      <p className="empty">
        {store.view.attemptId
          ? 'This attempt is not in the current snapshot (it may have been archived).'
          : 'Pick an attempt on the board.'}{' '}
        <button type="button" className="link" onClick={() => store.setView({ view: 'board' })}>
          Back to the board
        </button>
      </p>
    );
  }
  const { task, attempt } = found;
  return (
    <div className="attempt" data-testid="attempt-view">
      <header className="attempt-head row">
        <h2 className="grow" title={task.prompt}>
          {clipLine(task.title, 80)} · #{attempt.index}
        </h2>
        <PhaseBadge attempt={attempt} />
        <span className="muted">{formatDuration(elapsedMs(attempt.startedAt, attempt.endedAt, now))}</span>
        <span className="muted" title={attempt.worktree}>
          {attempt.branch}
        </span>
        {canStop(attempt.phase) ? (
          <Button secondary onClick={() => void actions.stop(attempt.id)}>
            Stop
          </Button>
        ) : null}
        {canRetry(attempt.phase) ? (
          <Button secondary onClick={() => void actions.retry(attempt.id)}>
            Retry
          </Button>
        ) : null}
        {offersResolve(task, attempt) ? <ResolveButton attempt={attempt} secondary /> : null}
        <Button secondary onClick={() => void actions.openDiff([attempt.id])}>
          Open diff
        </Button>
        {task.attempts.length >= 2 ? (
          <Button secondary onClick={() => store.compare(task.attempts.map((a) => a.id))}>
            Compare
          </Button>
        ) : null}
      </header>
      <Flags attempt={attempt} />
      <ChecksLine attempt={attempt} lines={6} />
      {task.landing?.attemptId === attempt.id ? <LandingPanel task={task} /> : null}
      <FollowUpList attempt={attempt} />
      {attempt.pending ? <NeedsYou attempt={attempt} pending={attempt.pending} /> : null}
      {attempt.lastError ? <div className="error-text">{attempt.lastError}</div> : null}
      <MessageBox
        key={attempt.id}
        label={`Message attempt #${attempt.index}`}
        placeholder="Ask for a change or more work; the agent continues on this attempt's thread."
        blocked={followUpBlocker(attempt, task.state === 'landed')}
        onSend={(message) => actions.sendFollowUp(attempt.id, message)}
        testId="attempt-message"
      />
      {trace && summary ? (
        <>
          <LogSummaryView
            attempt={attempt}
            summary={summary}
            onJump={(index) => setJump({ index, nonce: Date.now() })}
          />
          <TokenStrip points={trace.tokenSeries} version={version} />
          <TraceView attemptId={attempt.id} trace={trace} live={!isTerminal(attempt.phase)} jump={jump} />
        </>
      ) : (
        <p className="muted">Loading the journal…</p>
      )}
    </div>
  );
}
