// One row of the trace timeline: time, turn, a glyph for the kind, and the humanized one-liner.

import { memo, type ReactNode } from 'react';
import { formatClock } from '../../shared/panelFormat';
import { describeItem } from '../../shared/traceText';
import type { TraceItem, TraceItemKind } from '../../shared/traceModel';

/** Text glyphs (no icon font needed): a column a person can scan. */
const GLYPH: Record<TraceItemKind, string> = {
  session: '◆',
  turn: '▶',
  turnEnd: '■',
  command: '$',
  patch: '±',
  message: '»',
  userMessage: '«',
  reasoning: '…',
  tool: '⚙',
  approval: '?',
  error: '✖',
  warning: '⚠',
  phase: '→',
  stderr: '·',
  malformed: '⁉',
  commit: '✔',
  exit: '⏻',
  checks: '✓',
  landed: '⇡',
  archived: '▤',
  hook: '↪',
  prFeedback: '✎',
};

export const TraceRow = memo(function TraceRow(props: { item: TraceItem; selected: boolean; onSelect(index: number): void }): ReactNode {
  const { item } = props;
  const cls = ['trace-row', `kind-${item.kind}`, item.failed ? 'failed' : '', props.selected ? 'selected' : '', item.kind === 'command' && item.running ? 'running' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <button type="button" className={cls} aria-pressed={props.selected} onClick={() => props.onSelect(item.index)} data-index={item.index}>
      <span className="t">{formatClock(item.at)}</span>
      <span className="turn">{item.turn || ''}</span>
      <span className="glyph" aria-hidden="true">
        {GLYPH[item.kind]}
      </span>
      <span className="text">{describeItem(item)}</span>
    </button>
  );
});
