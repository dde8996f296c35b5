// What of a journal crosses to the webview: normalized events (long texts clipped) and per-turn diffstats.

import type { AgentEvent, JournalRecord } from './events';
import { parseUnifiedDiff } from './diffstat';
import type { WireEvent, WireRecord } from './protocol';

/** Longest text field sent inline; the full record is one `journal/record/get` away. */
export const MAX_WIRE_TEXT = 16_000;

export function clipText(text: string, max = MAX_WIRE_TEXT): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n… [${text.length - max} more characters: expand the item for the full record]`;
}

function clipEvent(e: AgentEvent): WireEvent {
  switch (e.type) {
    case 'agent_message':
    case 'reasoning':
    case 'stderr':
      return e.text.length > MAX_WIRE_TEXT ? { ...e, text: clipText(e.text) } : e;
    case 'command':
      return { ...e, command: clipText(e.command, 4000), outputTail: clipText(e.outputTail) };
    case 'command_started':
      return { ...e, command: clipText(e.command, 4000) };
    case 'error':
    case 'warning':
      return e.message.length > MAX_WIRE_TEXT ? { ...e, message: clipText(e.message) } : e;
    case 'malformed':
      return { ...e, sample: clipText(e.sample, 2000) };
    case 'phase': {
      // The origin (task prompt and options) is for rebuilding lost state, not for the panel.
      const { origin: _origin, ...rest } = e;
      return rest;
    }
    case 'approval_requested':
      return { ...e, summary: clipText(e.summary, 4000) };
    case 'checks':
      return { ...e, outputTail: clipText(e.outputTail) };
    case 'hook':
      return { ...e, output: clipText(e.output) };
    case 'pr_feedback':
      return { ...e, body: clipText(e.body, 4000) };
    case 'archived':
      // The archived patch can be the whole attempt's diff; the trace shows only that it happened.
      return { ...e, patch: clipText(e.patch, 2000) };
    case 'diff':
      // The diff text can be megabytes; its numstat is what the panel shows.
      return { type: 'diffstat', turnId: e.turnId, files: parseUnifiedDiff(e.diff) };
    default:
      return e;
  }
}

interface RawDiff {
  method?: unknown;
  params?: { turnId?: unknown; diff?: unknown };
}

/** The wire form of a record, or null for raw protocol traffic the panel does not draw. */
export function toWire(record: JournalRecord): WireRecord | null {
  if (record.kind === 'event') return { seq: record.seq, at: record.at, event: clipEvent(record.event) };
  const msg = record.msg as RawDiff | null;
  if (record.dir === 'in' && msg?.method === 'turn/diff/updated' && typeof msg.params?.diff === 'string') {
    const turnId = typeof msg.params.turnId === 'string' ? msg.params.turnId : '';
    return {
      seq: record.seq,
      at: record.at,
      event: { type: 'diffstat', turnId, files: parseUnifiedDiff(msg.params.diff) },
    };
  }
  return null;
}

interface RawItem {
  params?: { item?: { id?: unknown }; itemId?: unknown };
}

/** The Codex item id a raw message is about (item/started, item/completed, output deltas), if any. */
export function rawItemId(record: JournalRecord): string | null {
  if (record.kind !== 'raw') return null;
  const p = (record.msg as RawItem | null)?.params;
  const id = p?.item?.id ?? p?.itemId;
  return typeof id === 'string' ? id : null;
}

/** The item id a normalized event belongs to, for pairing it with its raw messages. */
export function eventItemId(event: AgentEvent): string | null {
  return 'itemId' in event && typeof event.itemId === 'string' ? event.itemId : null;
}
