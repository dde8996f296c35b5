// The selected trace item in full: its text, and on demand the raw journal records behind it.

import { useEffect, useState, type ReactNode } from 'react';
import type { JournalRecord } from '../../shared/events';
import { formatClock } from '../../shared/panelFormat';
import { describeItem, itemDetail } from '../../shared/traceText';
import type { TraceItem } from '../../shared/traceModel';
import { Button } from '../ui/elements';
import { SafeMarkdown } from '../ui/SafeMarkdown';
import { useActions } from '../usePanel';

/** Rendering megabytes into one <pre> freezes the panel; beyond this the raw view is cut. */
const MAX_RAW_CHARS = 400_000;

function rawText(records: JournalRecord[]): string {
  const text = records.map((r) => JSON.stringify(r, null, 2)).join('\n');
  return text.length > MAX_RAW_CHARS
    ? `${text.slice(0, MAX_RAW_CHARS)}\n… [${text.length - MAX_RAW_CHARS} more characters]`
    : text;
}

export function ItemDetail({
  attemptId,
  item,
  onClose,
}: {
  attemptId: string;
  item: TraceItem;
  onClose(): void;
}): ReactNode {
  const actions = useActions();
  const [raw, setRaw] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  useEffect(() => setRaw(null), [item.index]);
  const loadRaw = async (): Promise<void> => {
    setLoading(true);
    // A command's full output lives in the raw message that completed it, not the one that started it.
    const seq = item.kind === 'command' && item.endSeq !== null ? item.endSeq : item.seq;
    const records = await actions.rawRecord(attemptId, seq);
    setLoading(false);
    if (records) setRaw(rawText(records));
  };
  const detail = itemDetail(item);
  const markdown = item.kind === 'message' || item.kind === 'reasoning';
  return (
    <section className="detail" aria-label="Selected item" data-testid="item-detail">
      <header className="row">
        <strong className="grow">
          {formatClock(item.at)} {describeItem(item)}
        </strong>
        <Button secondary onClick={() => void loadRaw()} disabled={loading} testId="load-raw">
          {loading ? 'Loading…' : 'Full raw record'}
        </Button>
        <Button secondary onClick={onClose}>
          Close
        </Button>
      </header>
      {markdown ? (
        <SafeMarkdown text={detail} onOpenLink={actions.openLink} />
      ) : detail ? (
        <pre className="output">{detail}</pre>
      ) : null}
      {raw !== null ? (
        <pre className="output raw" data-testid="raw-record">
          {raw}
        </pre>
      ) : null}
    </section>
  );
}
