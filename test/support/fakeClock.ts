// Test double: a manual clock for schedulers (timers fire only when the test advances time).

import type { Clock, TimerHandle } from '../../src/core/execution/clock';

/** Lets pending promise chains (fetches, launches) run to completion. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

export class FakeClock implements Clock {
  private t: number;
  private nextId = 1;
  private timers: { id: number; due: number; fn: () => void }[] = [];

  constructor(start = Date.parse('2026-03-01T12:00:00Z')) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.timers.push({ id, due: this.t + Math.max(0, ms), fn });
    return id;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((r) => this.setTimeout(r, ms));
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((x) => x.id !== handle);
  }

  /** Due times of pending timers, relative to now (sorted). */
  pending(): number[] {
    return this.timers.map((x) => x.due - this.t).sort((a, b) => a - b);
  }

  /** Moves time forward, firing due timers in order and letting their async work settle in between. */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    await flush();
    for (;;) {
      const next = this.timers.filter((x) => x.due <= target).sort((a, b) => a.due - b.due || a.id - b.id)[0];
      if (!next) break;
      this.timers = this.timers.filter((x) => x !== next);
      this.t = next.due;
      next.fn();
      await flush();
    }
    this.t = target;
    await flush();
  }
}
