// A fixed-row-height virtualized list: only the rows in view (plus a small overscan) exist in the DOM.

import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';

/** Used until the container is measured (and in environments without layout, such as jsdom). */
const FALLBACK_HEIGHT = 480;

export interface ScrollRequest {
  index: number;
  /** A new object (or nonce) re-scrolls to the same index. */
  nonce: number;
}

export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan: number,
): [number, number] {
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return [first, Math.max(first, last)];
}

export function VirtualList(props: {
  count: number;
  rowHeight: number;
  renderRow(position: number): ReactNode;
  overscan?: number;
  scrollRequest?: ScrollRequest | null;
  /** Keep the newest rows in view while the user sits at the bottom (a live trace). */
  follow?: boolean;
  label: string;
  testId?: string;
}): ReactNode {
  const { count, rowHeight, overscan = 6 } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(FALLBACK_HEIGHT);
  const atBottom = useRef(true);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (): void => setHeight(el.clientHeight > 0 ? el.clientHeight : FALLBACK_HEIGHT);
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el || !props.scrollRequest) return;
    const { index } = props.scrollRequest;
    el.scrollTop = Math.max(0, index * rowHeight - Math.floor(height / 3));
    setScrollTop(el.scrollTop);
  }, [props.scrollRequest]);

  useEffect(() => {
    const el = ref.current;
    if (!el || !props.follow || !atBottom.current) return;
    el.scrollTop = Math.max(0, count * rowHeight - el.clientHeight);
    setScrollTop(el.scrollTop);
  }, [count, rowHeight, props.follow]);

  const [first, last] = visibleRange(scrollTop, height, rowHeight, count, overscan);
  const rows: ReactNode[] = [];
  for (let i = first; i < last; i++) {
    rows.push(
      <div key={i} className="vrow" role="listitem" style={{ top: i * rowHeight, height: rowHeight }}>
        {props.renderRow(i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      className="vlist"
      role="list"
      aria-label={props.label}
      data-testid={props.testId}
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - rowHeight;
        setScrollTop(el.scrollTop);
      }}
    >
      <div className="vlist-inner" style={{ height: count * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
