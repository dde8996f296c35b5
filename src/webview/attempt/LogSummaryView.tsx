// The log summary at the top of an attempt: what failed first, the final message, diffstat, totals.

import type { ReactNode } from 'react';
import { isActive, type AttemptSnapshot } from '../../shared/model';
import type { LogSummary } from '../../shared/logSummary';
import { estimateCost } from '../../shared/cost';
import { formatClock, formatDuration, formatUsd } from '../../shared/panelFormat';
import { formatTokens } from '../../shared/tokenFormat';
import { SafeMarkdown } from '../ui/SafeMarkdown';
import { useActions, usePanel } from '../usePanel';

const MAX_FILES = 12;
/** Output lines are shown for the first failures only; later ones are listed by title. */
const FAILURES_WITH_LINES = 2;

/** Line counts come from turn diffs; without one, "+0 −0" would be a lie. */
export function hasLineCounts(summary: LogSummary): boolean {
  return summary.diffstat.files.some((f) => f.added !== null);
}

/**
 * One source for "how many files": git's count of the committed result (what the commit line and the tree
 * say) once there is one; before that, the turn diffs seen so far (a shell-written file shows in no turn diff).
 */
export function fileTotals(
  attempt: Pick<AttemptSnapshot, 'diffStat'>,
  summary: LogSummary,
): { count: number; lines: { added: number; removed: number } | null } {
  if (attempt.diffStat)
    return {
      count: attempt.diffStat.files,
      lines: { added: attempt.diffStat.added, removed: attempt.diffStat.removed },
    };
  return {
    count: summary.diffstat.files.length,
    lines: hasLineCounts(summary) ? { added: summary.diffstat.added, removed: summary.diffstat.removed } : null,
  };
}

export function LogSummaryView(props: {
  attempt: AttemptSnapshot;
  summary: LogSummary;
  onJump(index: number): void;
}): ReactNode {
  const { attempt, summary } = props;
  const store = usePanel();
  const actions = useActions();
  // The journal's own totals lag the snapshot while chunks stream in; the larger one is the newer.
  const tokens = summary.tokens.total >= attempt.tokens.total ? summary.tokens : attempt.tokens;
  const cost = estimateCost(tokens, attempt.model, store.prices, attempt.demoModel);
  const first = summary.failures[0];
  const files = fileTotals(attempt, summary);
  return (
    <section className="summary" aria-label="Log summary" data-testid="log-summary">
      <div className="summary-totals">
        <span>
          <strong>{formatTokens(tokens.input)}</strong> in ({formatTokens(tokens.cachedInput)} cached) ·{' '}
          <strong>{formatTokens(tokens.output)}</strong> out
        </span>
        <span title={`Estimated from the price table (priced as ${cost.pricedAs}); not a bill.`}>
          {cost.free ? '$0 (demo model)' : `≈ ${formatUsd(cost.usd)} est.`}
        </span>
        <span>{formatDuration(summary.durationMs)}</span>
        <span>
          {summary.commands.total} command{summary.commands.total === 1 ? '' : 's'}, {summary.commands.failed} failed
        </span>
        <span data-testid="file-total">
          {files.count} file{files.count === 1 ? '' : 's'}
          {files.lines ? (
            <>
              {' '}
              <span className="added">+{files.lines.added}</span>{' '}
              <span className="removed">−{files.lines.removed}</span>
            </>
          ) : null}
        </span>
      </div>
      {first ? (
        <div className="failures" data-testid="failures">
          <h3>What failed first{summary.failureCount > 1 ? ` (${summary.failureCount} failures)` : ''}</h3>
          <ol>
            {summary.failures.map((f, i) => (
              <li key={f.index} className="failure" data-testid="failure">
                <button
                  type="button"
                  className="link"
                  onClick={() => props.onJump(f.index)}
                  title="Show it in the trace"
                >
                  {formatClock(f.at)} {f.title}
                </button>
                {f.times > 1 ? <span className="muted"> ×{f.times}</span> : null}
                {f.fixedLater ? <span className="passed"> later passed</span> : null}
                {f.lines.length && i < FAILURES_WITH_LINES ? (
                  <pre className="failure-lines">{f.lines.join('\n')}</pre>
                ) : null}
              </li>
            ))}
          </ol>
        </div>
      ) : (
        <p className="muted">{isActive(attempt.phase) ? 'No failures so far.' : 'No failures.'}</p>
      )}
      {summary.diffstat.files.length ? (
        <ul className="diffstat" aria-label="Files changed">
          {summary.diffstat.files.slice(0, MAX_FILES).map((f) => (
            <li key={f.path}>
              <span className="added">{f.added === null ? '' : `+${f.added}`}</span>{' '}
              <span className="removed">{f.removed === null ? '' : `−${f.removed}`}</span>{' '}
              <span className="path">{f.path}</span>{' '}
              {f.kind && f.kind !== 'update' ? <span className="muted">({f.kind})</span> : null}
            </li>
          ))}
          {summary.diffstat.files.length > MAX_FILES ? (
            <li className="muted">… {summary.diffstat.files.length - MAX_FILES} more</li>
          ) : null}
        </ul>
      ) : null}
      {summary.finalMessage !== null ? (
        <div className="final-message" data-testid="final-message">
          <h3>Final message</h3>
          <SafeMarkdown text={summary.finalMessage} onOpenLink={actions.openLink} />
        </div>
      ) : null}
    </section>
  );
}
