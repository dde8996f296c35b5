// Compare: 2–4 attempts of one task side by side; any two open in the native diff editor.

import { useState, type ReactNode } from 'react';
import type { AttemptSnapshot } from '../../shared/model';
import { estimateCost } from '../../shared/cost';
import { summarize } from '../../shared/logSummary';
import { clipLine, elapsedMs, formatDuration, formatUsd } from '../../shared/panelFormat';
import { formatTokens } from '../../shared/tokenFormat';
import { PhaseBadge } from '../board/AttemptCard';
import { ChecksLine, DiffLine, Flags } from '../board/AttemptFacts';
import { Button, Checkbox } from '../ui/elements';
import { SafeMarkdown } from '../ui/SafeMarkdown';
import { useActions, useNow, usePanel } from '../usePanel';
import { VerdictPanel } from './VerdictPanel';

function Column({
  attempt,
  now,
  picked,
  onPick,
}: {
  attempt: AttemptSnapshot;
  now: number;
  picked: boolean;
  onPick(on: boolean): void;
}): ReactNode {
  const store = usePanel();
  const actions = useActions();
  const trace = store.trace(attempt.id);
  // No record yet: the journal is still on its way (an empty journal also shows this until its first line).
  const summary = trace && trace.version > 0 ? summarize(trace, 1) : null;
  const cost = estimateCost(attempt.tokens, attempt.model, store.prices, attempt.demoModel);
  return (
    <article className="compare-col" data-testid={`compare-col-${attempt.id}`} aria-label={`Attempt ${attempt.index}`}>
      <header className="row">
        <button type="button" className="link card-title" onClick={() => store.showAttempt(attempt.id)}>
          #{attempt.index}
        </button>
        <PhaseBadge attempt={attempt} />
        <Checkbox label="pick for diff" checked={picked} onChange={onPick} testId={`pick-${attempt.id}`} />
      </header>
      <Flags attempt={attempt} />
      <dl className="facts">
        <dt>duration</dt>
        <dd>{formatDuration(elapsedMs(attempt.startedAt, attempt.endedAt, now))}</dd>
        <dt>tokens</dt>
        <dd>
          {formatTokens(attempt.tokens.input)} in ({formatTokens(attempt.tokens.cachedInput)} cached) ·{' '}
          {formatTokens(attempt.tokens.output)} out
        </dd>
        <dt>cost</dt>
        <dd>{cost.free ? '$0 (demo model)' : `≈ ${formatUsd(cost.usd)} est.`}</dd>
        <dt>files</dt>
        <dd>
          <DiffLine attempt={attempt} trace={trace} />
        </dd>
        <dt>checks</dt>
        <dd>{attempt.checks ? <ChecksLine attempt={attempt} lines={4} /> : 'not run'}</dd>
        {attempt.score ? (
          <>
            <dt>score</dt>
            <dd title={attempt.score.reasons.join('\n')} data-testid={`score-${attempt.id}`}>
              {attempt.recommended ? '★ ' : ''}
              {attempt.score.score.toFixed(2)}
              {attempt.score.eligible ? '' : ' (not eligible)'}
              {attempt.score.reasons.length ? ` — ${attempt.score.reasons.join(' · ')}` : ''}
            </dd>
          </>
        ) : null}
        <dt>failures</dt>
        <dd>
          {summary
            ? summary.failures[0]
              ? `${summary.failureCount}; first: ${clipLine(summary.failures[0].title, 60)}`
              : 'none'
            : '…'}
        </dd>
      </dl>
      {summary?.diffstat.files.length ? (
        <ul className="diffstat">
          {summary.diffstat.files.slice(0, 20).map((f) => (
            <li key={f.path}>
              <span className="path">{f.path}</span>
            </li>
          ))}
        </ul>
      ) : null}
      <h3>Final message</h3>
      {summary?.finalMessage ? (
        <SafeMarkdown text={summary.finalMessage} onOpenLink={actions.openLink} />
      ) : (
        <p className="muted">{summary ? 'none' : 'loading…'}</p>
      )}
    </article>
  );
}

export function CompareView(): ReactNode {
  const store = usePanel();
  const actions = useActions();
  const now = useNow(1000);
  const [picked, setPicked] = useState<string[]>([]);
  const attempts = store.view.compareIds.map((id) => store.findAttempt(id)).filter((x) => x !== null);
  const task = attempts[0]?.task;
  if (!task || attempts.length < 2)
    return <p className="empty">Pick “Compare” on a task with at least two attempts.</p>;
  const shown = attempts.filter((a) => a.task.id === task.id).map((a) => a.attempt);
  const pick = (id: string, on: boolean): void =>
    setPicked((p) => (on ? [...p.filter((x) => x !== id), id].slice(-2) : p.filter((x) => x !== id)));
  const toggle = (id: string, on: boolean): void => {
    const ids = on ? [...store.view.compareIds, id] : store.view.compareIds.filter((x) => x !== id);
    if (ids.length >= 2 && ids.length <= 4) store.compare(ids);
  };
  return (
    <div className="compare" data-testid="compare-view">
      <header className="row">
        <h2 className="grow">{clipLine(task.title, 100)}</h2>
        {task.attempts.map((a) => (
          <Checkbox
            key={a.id}
            label={`#${a.index}`}
            checked={store.view.compareIds.includes(a.id)}
            onChange={(on) => toggle(a.id, on)}
          />
        ))}
        <Button
          onClick={() => void actions.openDiff(picked)}
          disabled={picked.length !== 2}
          testId="open-diff-two"
          title="Pick two attempts to diff"
        >
          Open diff of these two
        </Button>
      </header>
      <VerdictPanel task={task} />
      <div className="compare-cols">
        {shown.map((a) => (
          <Column key={a.id} attempt={a} now={now} picked={picked.includes(a.id)} onPick={(on) => pick(a.id, on)} />
        ))}
      </div>
    </div>
  );
}
