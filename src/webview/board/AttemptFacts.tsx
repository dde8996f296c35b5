// Small facts about an attempt shared by cards and Compare: last check result, diffstat, scorecard flags.

import type { ReactNode } from 'react';
import type { AttemptSnapshot } from '../../shared/model';
import { clipLine, formatDuration, unwrapShell } from '../../shared/panelFormat';
import type { TraceBuilder } from '../../shared/traceBuilder';

/** The checks Quartet ran in the worktree after the agent finished; the lines that matter when they failed. */
export function ChecksLine({ attempt, lines = 2 }: { attempt: AttemptSnapshot; lines?: number }): ReactNode {
  const c = attempt.checks;
  if (!c || c.state === 'none') return null;
  const cmd = c.command ? clipLine(unwrapShell(c.command), 40) : 'checks';
  const cls = c.state === 'passed' ? 'passed' : c.state === 'failed' ? 'error-text' : 'muted';
  return (
    <div className="checks" data-testid={`checks-${attempt.id}`}>
      <span className={cls}>
        {c.state === 'running' ? `running ${cmd}…` : `${cmd} ${c.state}`}
        {c.durationMs !== null && c.state !== 'running' ? ` (${formatDuration(c.durationMs)})` : ''}
      </span>
      {c.state === 'failed' && c.summary.length ? (
        <pre className="failure-lines">{c.summary.slice(0, lines).join('\n')}</pre>
      ) : null}
    </div>
  );
}

/** Files and lines changed: the supervisor's diffstat when it has one, else what the journal's turn diffs say. */
export function DiffLine({ attempt, trace }: { attempt: AttemptSnapshot; trace: TraceBuilder | null }): ReactNode {
  let files = attempt.filesChanged;
  let lines: { added: number; removed: number } | null = null;
  if (attempt.diffStat) {
    files = attempt.diffStat.files;
    lines = attempt.diffStat;
  } else if (trace && trace.diffByTurn.size) {
    const all = [...trace.diffByTurn.values()].flat();
    lines = { added: all.reduce((n, f) => n + f.added, 0), removed: all.reduce((n, f) => n + f.removed, 0) };
  }
  return (
    <span>
      {files} file{files === 1 ? '' : 's'} changed
      {lines ? (
        <>
          {' '}
          <span className="added">+{lines.added}</span> <span className="removed">−{lines.removed}</span>
        </>
      ) : null}
    </span>
  );
}

/** Recommended, landed, archived, conflicts: each only when it applies. */
export function Flags({ attempt }: { attempt: AttemptSnapshot }): ReactNode {
  const flags: ReactNode[] = [];
  if (attempt.recommended) {
    flags.push(
      <span key="rec" className="flag flag-recommended" title={attempt.score?.reasons.join('; ')}>
        ★ recommended
      </span>,
    );
    // Why, in words on the card (not only on hover): the scorecard's reasons.
    if (attempt.score?.reasons.length) {
      flags.push(
        <span key="why" className="muted" data-testid={`why-${attempt.id}`}>
          {attempt.score.reasons.slice(0, 3).join(' · ')}
        </span>,
      );
    }
  }
  if (attempt.landed)
    flags.push(
      <span key="landed" className="flag passed">
        landed {attempt.landed.commit.slice(0, 8)}
      </span>,
    );
  if (attempt.archived)
    flags.push(
      <span key="arch" className="flag muted">
        archived
      </span>,
    );
  const c = attempt.conflicts;
  if (c && (c.withBase || c.withAttempts.length)) {
    const what = [c.withBase ? 'base' : null, ...c.withAttempts.map((a) => `#${a.split('-').pop() ?? a}`)]
      .filter(Boolean)
      .join(', ');
    flags.push(
      <span key="conf" className="flag error-text" title={c.files.join('\n')}>
        conflicts with {what}
      </span>,
    );
  }
  return flags.length ? <div className="row flags">{flags}</div> : null;
}
