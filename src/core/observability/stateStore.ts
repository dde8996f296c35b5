// Durable run state in `<git common dir>/quartet/state.json`: atomic write-then-rename, corruption detected.

import {
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  openSync,
  fsyncSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';

export interface LoadResult<T> {
  state: T | null;
  /** Set when the file existed but could not be read; the bad file is kept aside for inspection. */
  problem: string | null;
}

export class StateStore<T> {
  readonly file: string;
  private timer: NodeJS.Timeout | null = null;
  /** When the scheduled write runs (ms since the epoch). */
  private due = 0;
  private latest: T | null = null;
  private failed: string | null = null;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly validate: (value: unknown) => value is T,
    private readonly debounceMs = 150,
    /** For changes a crash may lose (what an attempt last said): written with the next real change, or after this. */
    private readonly lazyMs = 5000,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.file = join(dir, 'state.json');
  }

  /** Set while writes fail (a full disk…); the previous state file stays in place and the next save retries. */
  get error(): string | null {
    return this.failed;
  }

  load(): LoadResult<T> {
    if (!existsSync(this.file)) return { state: null, problem: null };
    try {
      const value: unknown = JSON.parse(readFileSync(this.file, 'utf8'));
      if (this.validate(value)) return { state: value, problem: null };
      throw new Error('unexpected shape');
    } catch (err) {
      const aside = `${this.file}.corrupt-${Date.now()}`;
      renameSync(this.file, aside);
      return {
        state: null,
        problem: `Quartet's state file was unreadable (${(err as Error).message}); it was moved to ${aside}. Journals are intact.`,
      };
    }
  }

  /** Writes what is pending and takes no more: what happens while a supervisor shuts down is not state. */
  close(): void {
    this.flush();
    this.closed = true;
  }

  /** Schedules a write of `state`; bursts of changes coalesce into one write; a `lazy` change waits longer. */
  save(state: T, lazy = false): void {
    if (this.closed) return;
    this.latest = state;
    const due = Date.now() + (lazy ? this.lazyMs : this.debounceMs);
    if (this.timer && this.due <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.due = due;
    this.timer = setTimeout(() => this.flush(), due - Date.now());
  }

  /** Writes now: temp file, fsync, rename (a crash leaves either the old or the new file, never half). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.latest === null || this.closed) return;
    const tmp = `${this.file}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, JSON.stringify(this.latest, null, 1), { mode: 0o600 });
      const fd = openSync(tmp, 'r');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, this.file);
      this.failed = null;
    } catch (err) {
      // Called from timers: a throw here would kill the supervisor and every attempt with it.
      this.failed = `could not write ${this.file}: ${(err as Error).message}; the previous state is kept and the write is retried`;
      try {
        rmSync(tmp, { force: true });
      } catch {
        // the tmp file may be what is broken (a directory in its place); nothing more to do
      }
      if (!this.timer) {
        this.timer = setTimeout(() => this.flush(), 5000);
        this.timer.unref();
      }
    }
  }
}
