// The supervisor's copy of the latest distill review: one JSON file next to state.json, changes one at a time.

import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SerialQueue } from '../git/serialQueue';
import { isDistillReview, type DistillReview } from './review';

export class ReviewStore {
  readonly file: string;
  private cached: DistillReview | null | undefined;
  private readonly queue = new SerialQueue();

  constructor(stateDir: string) {
    this.file = join(stateDir, 'distill-review.json');
  }

  /** The latest review, or null; an unreadable file counts as none (the next distill replaces it). */
  current(): DistillReview | null {
    if (this.cached !== undefined) return this.cached;
    try {
      const v: unknown = existsSync(this.file) ? JSON.parse(readFileSync(this.file, 'utf8')) : null;
      this.cached = isDistillReview(v) ? v : null;
    } catch {
      this.cached = null;
    }
    return this.cached;
  }

  save(review: DistillReview): void {
    mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${JSON.stringify(review, null, 1)}\n`, { mode: 0o600 });
    renameSync(tmp, this.file);
    this.cached = review;
  }

  /** Runs read-modify-write jobs one after the other: two clicks on Accept write one branch, not two. */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    return this.queue.run('review', job);
  }
}
