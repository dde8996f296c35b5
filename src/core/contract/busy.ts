// What a supervisor is in the middle of: work a restart would cut off (pure; the hello route and the idle rules read it).

import { isTerminal, type Snapshot } from '../../shared/model';
import type { BusyReport } from './hello';

export const IDLE: BusyReport = {
  attempts: 0,
  lands: 0,
  checks: 0,
  verdicts: 0,
  retries: 0,
  requests: 0,
  autopilot: false,
};

/** What only the supervisor's memory knows; a supervisor from before the handshake reports none of it. */
export interface InMemoryWork {
  verdicts: number;
  retries: number;
  requests: number;
  autopilot: boolean;
  serving?: boolean;
}

/** The report from a snapshot (the persisted view) and the supervisor's in-memory work. */
export function busyReport(s: Pick<Snapshot, 'tasks' | 'autopilot'>, memory: Partial<InMemoryWork> = {}): BusyReport {
  const attempts = s.tasks.flatMap((t) => t.attempts);
  return {
    attempts: attempts.filter((a) => !isTerminal(a.phase)).length,
    lands: s.tasks.filter((t) => t.landing?.status === 'running').length,
    checks: attempts.filter((a) => a.phase === 'finished' && a.checks?.state === 'running').length,
    verdicts: memory.verdicts ?? 0,
    // A snapshot shows a scheduled retry as an ended attempt with a due time.
    retries: memory.retries ?? attempts.filter((a) => isTerminal(a.phase) && a.nextRetryAt).length,
    requests: memory.requests ?? 0,
    autopilot: memory.autopilot ?? s.autopilot?.status === 'running',
    ...(memory.serving ? { serving: true } : {}),
  };
}

export function isBusy(b: BusyReport): boolean {
  return b.autopilot || b.serving === true || b.attempts + b.lands + b.checks + b.verdicts + b.retries + b.requests > 0;
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "2 attempts running, a land in progress, the Autopilot" (empty when idle). */
export function describeBusy(b: BusyReport): string {
  const parts: string[] = [];
  if (b.attempts) parts.push(`${plural(b.attempts, 'attempt')} running`);
  if (b.lands) parts.push(b.lands === 1 ? 'a land in progress' : `${b.lands} lands in progress`);
  if (b.checks) parts.push(`checks of ${plural(b.checks, 'attempt')}`);
  if (b.verdicts) parts.push(b.verdicts === 1 ? 'a verdict being judged' : `${b.verdicts} verdicts being judged`);
  if (b.retries) parts.push(`${plural(b.retries, 'retry', 'retries')} scheduled`);
  if (b.requests) parts.push(`${plural(b.requests, 'request')} in progress`);
  if (b.autopilot) parts.push('the Autopilot');
  if (b.serving) parts.push('a headless server (quartet serve)');
  return parts.join(', ');
}
