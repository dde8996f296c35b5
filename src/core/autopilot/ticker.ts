// The poll loop's timing (SPEC §8.1): one tick at a time, a coalesced "tick now", the next tick one interval after the last.

import type { Clock, TimerHandle } from '../execution/clock';

export class Ticker {
  private timer: TimerHandle | null = null;
  private current: Promise<void> | null = null;
  private again = false;
  private active = false;
  /** When the next scheduled tick fires (ms), null when none is scheduled. */
  nextAt: number | null = null;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: () => number,
    private readonly run: () => Promise<void>,
  ) {}

  get busy(): boolean {
    return this.current !== null;
  }

  start(): void {
    this.active = true;
  }

  stop(): void {
    this.active = false;
    this.again = false;
    this.clear();
  }

  /** Ticks now; while a tick runs, one more is queued after it (repeated requests coalesce). */
  now(): Promise<void> {
    if (!this.active) return Promise.resolve();
    if (this.current) {
      this.again = true;
      return this.current;
    }
    this.clear();
    this.current = this.run().finally(() => {
      this.current = null;
      if (!this.active) return;
      if (this.again) {
        this.again = false;
        void this.now();
      } else {
        this.nextAt = this.clock.now() + this.intervalMs();
        this.timer = this.clock.setTimeout(() => void this.now(), this.intervalMs());
      }
    });
    return this.current;
  }

  private clear(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.nextAt = null;
  }
}
