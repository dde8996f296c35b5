// The trace timeline: filters, search, jump to first error, the virtualized rows and the selected item.

import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { TraceBuilder } from '../../shared/traceBuilder';
import { visibleIndices } from '../../shared/traceText';
import { Button, Checkbox, TextField } from '../ui/elements';
import { VirtualList, type ScrollRequest } from '../ui/VirtualList';
import { usePanel } from '../usePanel';
import { ItemDetail } from './ItemDetail';
import { TraceRow } from './TraceRow';

export const ROW_HEIGHT = 22;
const SEARCH_DEBOUNCE_MS = 150;

/** Position of `index` in the sorted `visible` list, or -1. */
function positionOf(visible: readonly number[], index: number): number {
  let lo = 0;
  let hi = visible.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = visible[mid] as number;
    if (v === index) return mid;
    if (v < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}

export function TraceView(props: {
  attemptId: string;
  trace: TraceBuilder;
  live: boolean;
  jump: ScrollRequest | null;
}): ReactNode {
  const { trace } = props;
  const store = usePanel();
  const { filter, search } = store.view;
  const [query, setQuery] = useState(search);
  const [selected, setSelected] = useState<number | null>(null);
  const [scroll, setScroll] = useState<ScrollRequest | null>(null);
  const pendingJump = useRef<number | null>(null);
  const version = trace.version;
  const visible = useMemo(() => visibleIndices(trace.items, filter, search), [trace, version, filter, search]);

  useEffect(() => {
    if (query === search) return;
    const t = setTimeout(() => store.setView({ search: query }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(t);
  }, [query, search, store]);

  const jumpTo = (index: number): void => {
    setSelected(index);
    const pos = positionOf(visible, index);
    if (pos >= 0) return setScroll({ index: pos, nonce: Date.now() });
    // Hidden by the filter or the search: show everything, then scroll once the list has it.
    pendingJump.current = index;
    setQuery('');
    store.setView({ filter: 'all', search: '' });
  };

  useEffect(() => {
    if (props.jump) jumpTo(props.jump.index);
  }, [props.jump]);

  useEffect(() => {
    const index = pendingJump.current;
    if (index === null) return;
    const pos = positionOf(visible, index);
    if (pos >= 0) {
      pendingJump.current = null;
      setScroll({ index: pos, nonce: Date.now() });
    }
  }, [visible]);

  const firstError = trace.failedIndices[0];
  const item = selected === null ? undefined : trace.items[selected];
  return (
    <section className="trace" aria-label="Trace">
      <div className="toolbar row">
        <Checkbox
          label="Commands only"
          checked={filter === 'commands'}
          onChange={(on) => store.setView({ filter: on ? 'commands' : 'all' })}
          testId="filter-commands"
        />
        <Checkbox
          label="Errors only"
          checked={filter === 'errors'}
          onChange={(on) => store.setView({ filter: on ? 'errors' : 'all' })}
          testId="filter-errors"
        />
        <TextField
          value={query}
          onChange={setQuery}
          placeholder="Search the trace"
          ariaLabel="Search the trace"
          testId="trace-search"
          className="grow"
        />
        <Button
          secondary
          disabled={firstError === undefined}
          onClick={() => firstError !== undefined && jumpTo(firstError)}
          testId="jump-first-error"
        >
          Jump to first error
        </Button>
        <span className="muted" data-testid="trace-count">
          {visible.length === trace.items.length
            ? `${trace.items.length} items`
            : `${visible.length} of ${trace.items.length} items`}
        </span>
      </div>
      <VirtualList
        count={visible.length}
        rowHeight={ROW_HEIGHT}
        label="Trace items"
        testId="trace-list"
        scrollRequest={scroll}
        follow={props.live}
        renderRow={(pos) => {
          const it = trace.items[visible[pos] as number];
          return it ? <TraceRow item={it} selected={it.index === selected} onSelect={setSelected} /> : null;
        }}
      />
      {item ? <ItemDetail attemptId={props.attemptId} item={item} onClose={() => setSelected(null)} /> : null}
    </section>
  );
}
