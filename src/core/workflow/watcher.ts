// Hot reload (SPEC §6.2): fs.watch on the folder + a hash poll as fallback, debounced; invalid files keep the last good config.

import { EventEmitter } from 'node:events';
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readRegularFile, UnsafeFileError } from '../git/safeFiles';
import { basename, dirname } from 'node:path';
import { WorkflowError } from './errors';
import { MAX_WORKFLOW_BYTES, workflowFromBytes } from './loader';
import type { WorkflowDefinition } from './types';

export interface WatcherOptions {
  path: string;
  /** A missing file means "no workflow" (config event with null) instead of an error: the repo's default path. */
  optional?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Fallback poll for missed watch events (default 2000 ms). */
  pollMs?: number;
  /** Set false to rely on the poll alone (tests of the fallback; file systems without inotify). */
  fsWatch?: boolean;
  /** Editors write in bursts (truncate, write, rename): wait this long after the last event (default 150 ms). */
  debounceMs?: number;
}

export type WorkflowStatus = 'none' | 'ok' | 'error';

/**
 * Events: `config` (WorkflowDefinition | null) whenever the effective workflow changes or recovers,
 * `error` (WorkflowError) when a (re)load fails — `current` stays the last good one. Like every
 * EventEmitter, an `error` event without a listener throws: listen to it.
 */
export class WorkflowWatcher extends EventEmitter {
  private good: WorkflowDefinition | null = null;
  private failure: WorkflowError | null = null;
  /** Hash of the bytes last looked at (valid or not), 'missing', or null before the first load. */
  private seen: string | null = null;
  private fsWatcher: FSWatcher | null = null;
  private poll: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;

  constructor(private readonly opts: WatcherOptions) {
    super();
  }

  get path(): string {
    return this.opts.path;
  }

  /** The last good workflow (null: none loaded, or the optional file is absent). */
  get current(): WorkflowDefinition | null {
    return this.good;
  }

  /** The error of the latest load, or null when it succeeded. */
  get error(): WorkflowError | null {
    return this.failure;
  }

  get status(): WorkflowStatus {
    return this.failure ? 'error' : this.good ? 'ok' : 'none';
  }

  /** Loads once (synchronously, events included) and starts watching. */
  start(): this {
    this.check();
    if (this.opts.fsWatch !== false) this.watchFolder();
    this.poll = setInterval(() => this.check(), this.opts.pollMs ?? 2000);
    this.poll.unref();
    return this;
  }

  private watchFolder(): void {
    try {
      const file = basename(this.opts.path);
      this.fsWatcher = watch(dirname(this.opts.path), { persistent: false }, (_event, name) => {
        if (!name || name.toString() === file) this.schedule();
      });
      this.fsWatcher.on('error', () => this.fsWatcher?.close());
    } catch {
      // The folder may not exist (yet): the poll still notices the file appearing.
    }
  }

  close(): void {
    this.fsWatcher?.close();
    if (this.poll) clearInterval(this.poll);
    if (this.debounce) clearTimeout(this.debounce);
    this.fsWatcher = this.poll = this.debounce = null;
  }

  private schedule(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.debounce = null;
      this.check();
    }, this.opts.debounceMs ?? 150);
    this.debounce.unref();
  }

  /** Re-reads if the bytes changed since the last look (cheap: one read + sha256 of a small file). Also for defensive checks. */
  check(): void {
    let bytes: Buffer | null = null;
    let refused: string | null = null;
    try {
      bytes = readRegularFile(this.opts.path, { maxBytes: MAX_WORKFLOW_BYTES });
    } catch (err) {
      // A FIFO, device, link or huge file is not "missing": say why it was refused (never block on it).
      if (err instanceof UnsafeFileError && err.reason !== 'missing') refused = err.message;
      bytes = null;
    }
    const seen = bytes ? createHash('sha256').update(bytes).digest('hex') : refused ? `refused:${refused}` : 'missing';
    if (seen === this.seen) return;
    this.seen = seen;
    if (!bytes && !refused && this.opts.optional) {
      this.good = null;
      this.failure = null;
      this.emit('config', null);
      return;
    }
    try {
      if (!bytes)
        throw new WorkflowError(
          'missing_workflow_file',
          `cannot read ${this.opts.path}: ${refused ?? 'no such file'}`,
          { path: this.opts.path },
        );
      this.good = workflowFromBytes(bytes, this.opts.path, { env: this.opts.env });
      this.failure = null;
      this.emit('config', this.good);
    } catch (err) {
      if (!(err instanceof WorkflowError)) throw err;
      this.failure = err;
      this.emit('error', err);
    }
  }
}
