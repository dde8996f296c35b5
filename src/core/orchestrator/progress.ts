// Progress signals beside the silence timer: the same command failing the same way N times means "looping".

import type { AgentEvent } from '../../shared/events';

/** A failing command's identity: the command plus its exit code and a normalized tail of its output. */
export function failureSignature(e: Extract<AgentEvent, { type: 'command' }>): string | null {
  if (e.exitCode === 0 || e.status === 'declined') return null;
  const tail = e.outputTail.slice(-300).replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
  return `${e.command}\u0000${e.exitCode}\u0000${tail}`;
}

/** Counts repeated failures per attempt; `record` returns the count for this failure's signature. */
export class LoopDetector {
  private readonly counts = new Map<string, Map<string, number>>();

  record(attemptId: string, event: AgentEvent): number {
    if (event.type !== 'command') return 0;
    const sig = failureSignature(event);
    if (!sig) return 0;
    const perAttempt = this.counts.get(attemptId) ?? new Map<string, number>();
    const n = (perAttempt.get(sig) ?? 0) + 1;
    perAttempt.set(sig, n);
    this.counts.set(attemptId, perAttempt);
    return n;
  }

  reset(attemptId: string): void {
    this.counts.delete(attemptId);
  }
}
