// One row of the trace timeline: time, turn, a codicon for the kind, and the humanized one-liner.

import { memo, type ReactNode } from 'react';
import { formatClock } from '../../shared/panelFormat';
import { describeItem } from '../../shared/traceText';
import type { TraceItem, TraceItemKind } from '../../shared/traceModel';

/** Codicons (the font ships with the panel, dist/*.ttf): every kind has a glyph whatever fonts the machine has. */
const ICON: Record<TraceItemKind, string> = {
  session: 'debug-start',
  turn: 'play',
  turnEnd: 'debug-stop',
  command: 'terminal',
  patch: 'diff',
  message: 'comment',
  userMessage: 'account',
  reasoning: 'lightbulb',
  tool: 'tools',
  approval: 'question',
  error: 'error',
  warning: 'warning',
  phase: 'arrow-right',
  stderr: 'output',
  malformed: 'bracket-error',
  commit: 'git-commit',
  exit: 'debug-disconnect',
  checks: 'beaker',
  landed: 'git-merge',
  archived: 'archive',
  hook: 'plug',
  prFeedback: 'git-pull-request',
};

export const TraceRow = memo(function TraceRow(props: {
  item: TraceItem;
  selected: boolean;
  onSelect(index: number): void;
}): ReactNode {
  const { item } = props;
  const cls = [
    'trace-row',
    `kind-${item.kind}`,
    item.failed ? 'failed' : '',
    props.selected ? 'selected' : '',
    item.kind === 'command' && item.running ? 'running' : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <button
      type="button"
      className={cls}
      aria-pressed={props.selected}
      onClick={() => props.onSelect(item.index)}
      data-index={item.index}
    >
      <span className="t">{formatClock(item.at)}</span>
      <span className="turn">{item.turn || ''}</span>
      <span className={`glyph codicon codicon-${ICON[item.kind]}`} aria-hidden="true" />
      <span className="text">{describeItem(item)}</span>
    </button>
  );
});
