// Time, injectable: tests run schedulers, PR polls and rate-limit waits on a fake clock instead of waiting.

export type TimerHandle = unknown;

export interface Clock {
  now(): number;
  /** A wait to await (PR polls, rate-limit waits). */
  sleep(ms: number): Promise<void>;
  /** A timer that can be cancelled (the Autopilot's ticker and retry queue). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** The part of the Clock a wait needs (GitHub's rate-limit waits and backoffs): a test's fake need not fake timers. */
export type WaitClock = Pick<Clock, 'now' | 'sleep'>;

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};
