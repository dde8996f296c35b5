// The trace item types of one attempt's timeline: what each normalized event becomes on screen.

import type { CheckRun, HookRun } from './events';
import type { Phase, Reason } from './model';
import type { DiffFileStat } from './protocol';

interface ItemBase {
  /** Position in the trace; stable once assigned (later events update an item in place). */
  index: number;
  /** Journal sequence number of the record that created the item. */
  seq: number;
  at: string;
  /** 1-based turn the item belongs to; 0 before the first turn. */
  turn: number;
  /** Counts for "errors only", "jump to first error" and the log summary. */
  failed: boolean;
}

export type TraceItemBody =
  | { kind: 'session'; threadId: string; model: string | null; provider?: string | null }
  | { kind: 'turn'; turnId: string; status: string; error: string | null; diff: DiffFileStat[] | null }
  | { kind: 'turnEnd'; turnId: string; status: string; error: string | null }
  | {
      kind: 'command';
      itemId: string;
      command: string;
      running: boolean;
      exitCode: number | null;
      durationMs: number | null;
      status: string;
      outputTail: string;
      /** seq of the completing event (the one that carries the full output in its raw sibling). */
      endSeq: number | null;
    }
  | { kind: 'patch'; itemId: string; status: string; files: { path: string; kind: string }[] }
  | { kind: 'message'; itemId: string; text: string }
  /** A follow-up turn's prompt: typed by a person (`fromUser`) or written by Quartet (resolve, PR fix, continuation). */
  | { kind: 'userMessage'; text: string; reason: string; fromUser: boolean }
  | { kind: 'reasoning'; itemId: string; text: string }
  | { kind: 'tool'; itemId: string; tool: string; status: string }
  | {
      kind: 'approval';
      pendingId: string;
      approvalKind: string;
      summary: string;
      decision: string | null;
      by: 'policy' | 'user' | 'stop' | null;
      resolvedAt: string | null;
    }
  | { kind: 'error'; message: string; willRetry: boolean; codexErrorInfo: string | null }
  | { kind: 'warning'; message: string }
  | { kind: 'phase'; phase: Phase; reason: Reason | null; message: string | null }
  | { kind: 'stderr'; text: string }
  | { kind: 'malformed'; reason: string; sample: string }
  | { kind: 'commit'; commit: string; files: number; message: string }
  | { kind: 'exit'; code: number | null; signal: string | null }
  | ({ kind: 'checks' } & Pick<CheckRun, 'command' | 'ok' | 'exitCode' | 'durationMs' | 'summary' | 'outputTail'>)
  | { kind: 'landed'; commit: string; aside: string | null; message: string }
  | { kind: 'archived'; reason: string }
  | {
      kind: 'prFeedback';
      feedbackKind: 'review_comment' | 'review' | 'check_failed';
      pr: number;
      url: string;
      author: string;
      path: string | null;
      line: number | null;
      body: string;
      check: string | null;
    }
  | ({ kind: 'hook' } & Omit<HookRun, 'sandboxed'>);

export type TraceItem = ItemBase & TraceItemBody;
export type TraceItemKind = TraceItem['kind'];

/** One point of the tokens-over-time strip: the attempt's running total at a moment. */
export interface TokenPoint {
  t: number;
  input: number;
  cachedInput: number;
  output: number;
  total: number;
}

const FAILED_PHASES: readonly Phase[] = ['failed', 'stalled', 'interrupted'];

/** Whether an item belongs in "errors only" and counts as a failure. */
export function isFailure(body: TraceItemBody): boolean {
  switch (body.kind) {
    case 'command':
      return (
        !body.running &&
        ((body.exitCode !== null && body.exitCode !== 0) || (body.exitCode === null && body.status === 'failed'))
      );
    case 'turnEnd':
      // The turn header only shows the status; its `turnEnd` item is the failure that gets listed.
      return body.status === 'failed' || body.error !== null;
    case 'patch':
      return body.status === 'failed';
    case 'error':
    case 'malformed':
      return true;
    case 'phase':
      return FAILED_PHASES.includes(body.phase);
    case 'exit':
      return body.code !== null && body.code !== 0;
    case 'checks':
    case 'hook':
      return !body.ok;
    case 'prFeedback':
      return body.feedbackKind === 'check_failed';
    default:
      return false;
  }
}
