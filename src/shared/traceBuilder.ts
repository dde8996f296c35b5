// Builds an attempt's trace incrementally from wire records, keeping the aggregates the summary needs.

import { USER_MESSAGE_REASON } from './attemptActions';
import type { TokenTotals } from './model';
import type { DiffFileStat, WireEvent, WireRecord } from './protocol';
import { isFailure, type TokenPoint, type TraceItem, type TraceItemBody } from './traceModel';
import { stripAnsi } from './panelFormat';

export class TraceBuilder {
  readonly items: TraceItem[] = [];
  /** Bumped on every change so views can memoize on it. */
  version = 0;
  /** Sequence number the next record must have (everything below it was applied). */
  nextSeq = 0;
  readonly failedIndices: number[] = [];
  readonly tokenSeries: TokenPoint[] = [];
  tokens: TokenTotals = { input: 0, cachedInput: 0, output: 0, reasoningOutput: 0, total: 0 };
  /** path → kind of the latest completed patch touching it. */
  readonly fileKinds = new Map<string, string>();
  /** turnId → that turn's latest diffstat (each update repeats the whole turn diff). */
  readonly diffByTurn = new Map<string, DiffFileStat[]>();
  lastMessageIndex = -1;
  firstAt: string | null = null;
  lastAt: string | null = null;
  commands = 0;

  private turn = 0;
  private readonly byItemId = new Map<string, number>();
  private readonly byPendingId = new Map<string, number>();
  private readonly byTurnId = new Map<string, number>();
  private readonly threadTotals = new Map<string, TokenTotals>();

  /** Applies records in order; records below `nextSeq` (a resent overlap) are skipped. */
  append(records: readonly WireRecord[], nextSeq?: number): void {
    let changed = false;
    for (const r of records) {
      if (r.seq < this.nextSeq) continue;
      this.apply(r);
      this.nextSeq = r.seq + 1;
      changed = true;
    }
    if (nextSeq !== undefined && nextSeq > this.nextSeq) this.nextSeq = nextSeq;
    if (changed) this.version++;
  }

  private push(r: WireRecord, body: TraceItemBody): number {
    const index = this.items.length;
    const failed = isFailure(body);
    this.items.push({ ...body, index, seq: r.seq, at: r.at, turn: this.turn, failed } as TraceItem);
    if (failed) this.failedIndices.push(index);
    return index;
  }

  /** Replaces an item in place (new object, so memoized rows redraw), keeping the failure index right. */
  private update(index: number, patch: Partial<TraceItemBody>): void {
    const prev = this.items[index];
    if (!prev) return;
    const next = { ...prev, ...patch } as TraceItem;
    next.failed = isFailure(next);
    this.items[index] = next;
    if (next.failed && !prev.failed) {
      this.failedIndices.push(index);
      this.failedIndices.sort((a, b) => a - b);
    } else if (!next.failed && prev.failed) {
      this.failedIndices.splice(this.failedIndices.indexOf(index), 1);
    }
  }

  private apply(r: WireRecord): void {
    this.firstAt ??= r.at;
    this.lastAt = r.at;
    const e: WireEvent = r.event;
    switch (e.type) {
      case 'session_started':
        this.push(r, { kind: 'session', threadId: e.threadId, model: e.model, provider: e.modelProvider });
        return;
      case 'turn_started':
        this.turn++;
        this.byTurnId.set(
          e.turnId,
          this.push(r, { kind: 'turn', turnId: e.turnId, status: 'inProgress', error: null, diff: null }),
        );
        return;
      case 'turn_completed': {
        const at = this.byTurnId.get(e.turnId);
        if (at !== undefined) this.update(at, { status: e.status, error: e.error });
        if (e.status !== 'completed' || e.error)
          this.push(r, { kind: 'turnEnd', turnId: e.turnId, status: e.status, error: e.error });
        return;
      }
      case 'command_started':
        this.commands++;
        this.byItemId.set(
          e.itemId,
          this.push(r, {
            kind: 'command',
            itemId: e.itemId,
            command: e.command,
            running: true,
            exitCode: null,
            durationMs: null,
            status: 'inProgress',
            outputTail: '',
            endSeq: null,
          }),
        );
        return;
      case 'command': {
        // Terminal colours are escape codes in a text view: stripped once here, so every view and the search agree.
        const body = {
          command: e.command,
          running: false,
          exitCode: e.exitCode,
          durationMs: e.durationMs,
          status: e.status,
          outputTail: stripAnsi(e.outputTail),
          endSeq: r.seq,
        };
        const at = this.byItemId.get(e.itemId);
        if (at !== undefined && this.items[at]?.kind === 'command') this.update(at, body);
        else {
          this.commands++;
          this.byItemId.set(e.itemId, this.push(r, { kind: 'command', itemId: e.itemId, ...body }));
        }
        return;
      }
      case 'file_change':
        if (e.status === 'completed') for (const f of e.files) this.fileKinds.set(f.path, f.kind);
        this.push(r, { kind: 'patch', itemId: e.itemId, status: e.status, files: e.files });
        return;
      case 'agent_message':
        this.lastMessageIndex = this.push(r, { kind: 'message', itemId: e.itemId, text: e.text });
        return;
      case 'user_message':
        this.push(r, {
          kind: 'userMessage',
          text: e.text,
          reason: e.reason,
          fromUser: e.reason === USER_MESSAGE_REASON,
        });
        return;
      case 'reasoning':
        this.push(r, { kind: 'reasoning', itemId: e.itemId, text: e.text });
        return;
      case 'tool_call':
        this.push(r, { kind: 'tool', itemId: e.itemId, tool: e.tool, status: e.status });
        return;
      case 'approval_requested':
        this.byPendingId.set(
          e.pendingId,
          this.push(r, {
            kind: 'approval',
            pendingId: e.pendingId,
            approvalKind: e.kind,
            summary: e.summary,
            decision: null,
            by: null,
            resolvedAt: null,
          }),
        );
        return;
      case 'approval_resolved': {
        const at = this.byPendingId.get(e.pendingId);
        const resolved = { decision: e.decision, by: e.by, resolvedAt: r.at };
        if (at !== undefined) this.update(at, resolved);
        else
          this.push(r, { kind: 'approval', pendingId: e.pendingId, approvalKind: 'unknown', summary: '', ...resolved });
        return;
      }
      case 'tokens':
        this.addTokens(r, e.threadId, e.totals);
        return;
      case 'diffstat': {
        this.diffByTurn.set(e.turnId, e.files);
        const at = this.byTurnId.get(e.turnId);
        if (at !== undefined) this.update(at, { diff: e.files });
        return;
      }
      case 'diff':
        return; // converted to `diffstat` before it crosses; a raw diff never reaches the trace
      case 'error':
        this.push(r, { kind: 'error', message: e.message, willRetry: e.willRetry, codexErrorInfo: e.codexErrorInfo });
        return;
      case 'warning':
        this.push(r, { kind: 'warning', message: e.message });
        return;
      case 'phase':
        this.push(r, { kind: 'phase', phase: e.phase, reason: e.reason, message: e.message ?? null });
        return;
      case 'stderr':
        // Codex writes blank keep-alive lines to stderr; they carry nothing to read.
        if (stripAnsi(e.text).trim()) this.push(r, { kind: 'stderr', text: stripAnsi(e.text) });
        return;
      case 'malformed':
        this.push(r, { kind: 'malformed', reason: e.reason, sample: e.sample });
        return;
      case 'committed':
        this.push(r, { kind: 'commit', commit: e.commit, files: e.files, message: e.message });
        return;
      case 'process_exit':
        this.push(r, { kind: 'exit', code: e.code, signal: e.signal });
        return;
      case 'checks':
        this.push(r, {
          kind: 'checks',
          command: e.command,
          ok: e.ok,
          exitCode: e.exitCode,
          durationMs: e.durationMs,
          summary: e.summary.map(stripAnsi),
          outputTail: stripAnsi(e.outputTail),
        });
        return;
      case 'landed':
        this.push(r, { kind: 'landed', commit: e.commit, aside: e.aside, message: e.message });
        return;
      case 'archived':
        this.push(r, { kind: 'archived', reason: e.reason });
        return;
      case 'skills':
        // Shown as the preparing step it is part of; the record itself lists name, source and version.
        this.push(r, {
          kind: 'phase',
          phase: 'preparing',
          reason: null,
          message: e.skills.length
            ? `skills: ${e.skills.map((s) => `${s.name} (${s.source})`).join(', ')}`
            : 'no skills',
        });
        return;
      case 'pr_feedback':
        // Feedback from someone without write access never reached the agent: show that, not the text as an instruction.
        if (e.skipped) {
          this.push(r, {
            kind: 'warning',
            message: `PR #${e.pr}: ${e.kind === 'review' ? 'review' : 'review comment'} by ${e.author} skipped: ${e.skipped}`,
          });
          return;
        }
        this.push(r, {
          kind: 'prFeedback',
          feedbackKind: e.kind,
          pr: e.pr,
          url: e.url,
          author: e.author,
          path: e.path ?? null,
          line: e.line ?? null,
          body: e.body,
          check: e.check ?? null,
        });
        return;
      case 'tracker_tool':
        // Allowed calls already show as the model's tool call; a refusal is what a person should notice.
        if (!e.allowed) this.push(r, { kind: 'warning', message: `${e.tool} refused: ${e.call} — ${e.why ?? ''}` });
        return;
      case 'hook':
        this.push(r, {
          kind: 'hook',
          name: e.name,
          ok: e.ok,
          exitCode: e.exitCode,
          timedOut: e.timedOut,
          durationMs: e.durationMs,
          output: e.output,
        });
        return;
      default: {
        // A newer supervisor may journal event types this bundle does not know: skip them, never crash.
        const unknown: never = e;
        void unknown;
      }
    }
  }

  /** Attempt total = sum over threads of each thread's latest absolute total (events are never summed). */
  private addTokens(r: WireRecord, threadId: string, totals: TokenTotals): void {
    this.threadTotals.set(threadId, totals);
    const sum: TokenTotals = { input: 0, cachedInput: 0, output: 0, reasoningOutput: 0, total: 0 };
    for (const t of this.threadTotals.values()) {
      sum.input += t.input;
      sum.cachedInput += t.cachedInput;
      sum.output += t.output;
      sum.reasoningOutput += t.reasoningOutput;
      sum.total += t.total;
    }
    this.tokens = sum;
    const t = Date.parse(r.at);
    if (!Number.isNaN(t))
      this.tokenSeries.push({
        t,
        input: sum.input,
        cachedInput: sum.cachedInput,
        output: sum.output,
        total: sum.total,
      });
  }
}
