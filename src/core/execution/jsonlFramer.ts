// JSONL framing with a line-size cap: a bad or oversized line becomes a `malformed` report, never a crash.

export type FramedMessage = { ok: true; value: unknown } | { ok: false; reason: string; sample: string };

const SAMPLE = 200;

/** Splits a byte stream into lines, parses each as JSON, and bounds memory at `maxLineBytes` per line. */
export class JsonlFramer {
  private parts: Buffer[] = [];
  private size = 0;
  private overflowing = false;
  private overflowSample = '';

  constructor(
    private readonly maxLineBytes: number,
    /** `text`: the line a parsed message came from (valid JSON, no newline), so it can be journaled as it is. */
    private readonly emit: (m: FramedMessage, text?: string) => void,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl === -1) {
        this.append(chunk.subarray(start));
        return;
      }
      this.append(chunk.subarray(start, nl));
      this.finishLine();
      start = nl + 1;
    }
  }

  /** Flushes a final line without a trailing newline (at end of stream). */
  end(): void {
    if (this.size > 0 || this.overflowing) this.finishLine();
  }

  private append(piece: Buffer): void {
    if (piece.length === 0) return;
    if (this.overflowing) return;
    if (this.size + piece.length > this.maxLineBytes) {
      this.overflowing = true;
      this.overflowSample = Buffer.concat([...this.parts, piece])
        .subarray(0, SAMPLE)
        .toString('utf8');
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(piece);
    this.size += piece.length;
  }

  private finishLine(): void {
    if (this.overflowing) {
      this.emit({
        ok: false,
        reason: `line longer than ${this.maxLineBytes} bytes (truncated)`,
        sample: this.overflowSample,
      });
      this.overflowing = false;
      this.overflowSample = '';
      return;
    }
    // One piece is the usual line (Codex writes a message at a time): decoded in place, never copied first.
    const whole = this.parts.length === 1 ? (this.parts[0] as Buffer) : Buffer.concat(this.parts);
    let text = whole.toString('utf8');
    this.parts = [];
    this.size = 0;
    if (text.charCodeAt(text.length - 1) === 13) text = text.slice(0, -1);
    if (text.length === 0 || (text.charCodeAt(0) <= 32 && text.trim() === '')) return;
    try {
      this.emit({ ok: true, value: JSON.parse(text) }, text);
    } catch (err) {
      this.emit({ ok: false, reason: `not JSON: ${(err as Error).message}`, sample: text.slice(0, SAMPLE) });
    }
  }
}
