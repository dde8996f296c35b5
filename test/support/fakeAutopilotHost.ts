// Test double: the orchestrator as the Autopilot sees it — attempts whose phases the test drives, and a record of every call.

import { isTerminal, type Phase, type Reason, type TaskState } from '../../src/shared/model';
import type { NormalizedIssue } from '../../src/core/tracker/types';
import type { AutopilotHost, ContinuationStatus, HostAttempt } from '../../src/core/autopilot/host';
import type { TaskView } from '../../src/core/autopilot/decisions';

interface FakeTask {
  id: string;
  issueId: string;
  state: TaskState;
  attempts: (HostAttempt & { archived: boolean })[];
}

export class FakeAutopilotHost implements AutopilotHost {
  readonly launches: { issueId: string; prompt: string; attemptNumber: number | null; attemptIds: string[] }[] = [];
  readonly continues: { attemptId: string; prompt: string }[] = [];
  readonly stops: string[] = [];
  readonly cleans: string[] = [];
  readonly lines: string[] = [];
  /** Tasks the Autopilot asked to land (`land.policy: auto`), and what the fake answers. */
  readonly lands: string[] = [];
  landAnswer = 'auto land of the recommended attempt: landed';
  readonly tasks: FakeTask[] = [];
  /** When set, the next launch throws this. */
  launchError: Error | null = null;
  private listeners = new Set<() => void>();
  /** Continuation turns under way: settled when the test ends the attempt's turn (as the orchestrator's follow-ups do). */
  private readonly followUps = new Map<string, (status: ContinuationStatus) => void>();

  constructor(private readonly attemptsPerIssue = 1) {}

  private notify(): void {
    // The orchestrator reports changes asynchronously (coalesced snapshots); so does the fake.
    queueMicrotask(() => {
      for (const l of this.listeners) l();
    });
  }

  private find(id: string): HostAttempt & { archived: boolean } {
    const a = this.tasks.flatMap((t) => t.attempts).find((x) => x.id === id);
    if (!a) throw new Error(`no attempt ${id}`);
    return a;
  }

  set(id: string, phase: Phase, reason: Reason | null = null, lastError: string | null = null): void {
    const done = this.followUps.get(id);
    if (done && isTerminal(phase)) {
      this.followUps.delete(id);
      // A follow-up that did not complete leaves the attempt finished with its earlier result.
      Object.assign(
        this.find(id),
        phase === 'finished' ? { phase, reason, lastError } : { phase: 'finished', reason: null, lastError },
      );
      done(phase === 'finished' ? 'completed' : phase === 'stopped' ? 'stopped' : 'failed');
    } else Object.assign(this.find(id), { phase, reason, lastError });
    this.notify();
  }

  finishTurn(id: string): void {
    this.set(id, 'finished');
  }

  fail(id: string, reason: Reason = 'model_error'): void {
    this.set(id, 'failed', reason, 'scripted failure');
  }

  /** What the orchestrator's stall detection does: the attempt ends `stalled (stall_timeout)`. */
  stall(id: string): void {
    this.set(id, 'stalled', 'stall_timeout');
  }

  taskOf(issueId: string): FakeTask | undefined {
    return [...this.tasks].reverse().find((t) => t.issueId === issueId);
  }

  async launchForIssue(
    issue: NormalizedIssue,
    prompt: string,
    attemptNumber: number | null,
  ): Promise<{ taskId: string; attemptIds: string[] }> {
    await Promise.resolve();
    if (this.launchError) {
      const e = this.launchError;
      this.launchError = null;
      throw e;
    }
    let task = this.taskOf(issue.id);
    let ids: string[];
    const restart =
      task?.attempts.filter((a) => !a.archived && ['failed', 'stalled', 'stopped', 'interrupted'].includes(a.phase)) ??
      [];
    if (task && restart.length) {
      for (const a of restart) Object.assign(a, { phase: 'working', reason: null, lastError: null });
      ids = restart.map((a) => a.id);
    } else {
      const id = `t-${this.tasks.length + 1}`;
      task = { id, issueId: issue.id, state: 'open', attempts: [] };
      for (let k = 1; k <= this.attemptsPerIssue; k++)
        task.attempts.push({ id: `${id}-${k}`, phase: 'working', reason: null, lastError: null, archived: false });
      this.tasks.push(task);
      ids = task.attempts.map((a) => a.id);
    }
    this.launches.push({ issueId: issue.id, prompt, attemptNumber, attemptIds: ids });
    this.notify();
    return { taskId: task.id, attemptIds: ids };
  }

  continueAttempt(attemptId: string, prompt: string): Promise<ContinuationStatus> {
    const a = this.find(attemptId);
    if (a.phase !== 'finished') return Promise.reject(new Error(`attempt ${attemptId} is ${a.phase}`));
    this.continues.push({ attemptId, prompt });
    Object.assign(a, { phase: 'queued', reason: null });
    this.notify();
    return new Promise((resolve) => this.followUps.set(attemptId, resolve));
  }

  async stopAttempt(attemptId: string): Promise<void> {
    this.stops.push(attemptId);
    const a = this.find(attemptId);
    if (a.phase === 'queued' || ['preparing', 'starting', 'working', 'needs-you'].includes(a.phase))
      Object.assign(a, { phase: 'stopped', reason: 'canceled_by_reconciliation' });
    this.notify();
  }

  async cleanIssue(issueId: string): Promise<void> {
    this.cleans.push(issueId);
    for (const t of this.tasks.filter((x) => x.issueId === issueId)) for (const a of t.attempts) a.archived = true;
    this.notify();
  }

  async landIssueTask(taskId: string, stillWanted: () => boolean): Promise<string> {
    await Promise.resolve();
    if (!stillWanted()) return 'not landed: the Autopilot was stopped meanwhile';
    this.lands.push(taskId);
    return this.landAnswer;
  }

  attempt(attemptId: string): HostAttempt | null {
    try {
      const { id, phase, reason, lastError } = this.find(attemptId);
      return { id, phase, reason, lastError };
    } catch {
      return null;
    }
  }

  issueTask(issueId: string): TaskView | null {
    const t = this.taskOf(issueId);
    return t
      ? {
          taskId: t.id,
          state: t.state,
          attempts: t.attempts.map((a) => ({ id: a.id, phase: a.phase, reason: a.reason, archived: a.archived })),
        }
      : null;
  }

  issuesWithWorktrees(): string[] {
    return [...new Set(this.tasks.filter((t) => t.attempts.some((a) => !a.archived)).map((t) => t.issueId))];
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  log(line: string): void {
    this.lines.push(line);
  }
}
