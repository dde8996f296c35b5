// The AutopilotHost over Quartet's orchestrator: one task per issue, restarts in place, follow-up turns, archive on close.

import { existsSync } from 'node:fs';
import { isTerminal, type Phase } from '../../shared/model';
import type { LaunchOptions } from '../client/api';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { TaskRecord } from '../orchestrator/records';
import type { NormalizedIssue } from '../tracker/types';
import type { TaskView } from './decisions';
import type { AutopilotHost, ContinuationStatus, HostAttempt } from './host';

export interface IssueLaunchSettings {
  sourceKind: string;
  attemptsPerIssue: number;
  /** Codex and timeout options of the tasks the Autopilot launches (from WORKFLOW.md). */
  launchOptions: Partial<LaunchOptions>;
  /** The tracker's credential variables: never passed to the agents. */
  secretEnvNames: readonly string[];
}

const RESTARTABLE: readonly Phase[] = ['failed', 'stalled', 'stopped', 'interrupted'];

export class OrchestratorAutopilotHost implements AutopilotHost {
  constructor(
    private readonly orch: Orchestrator,
    private readonly settings: () => IssueLaunchSettings,
    readonly log: (line: string) => void,
  ) {}

  /** The issue's most recent task (a task per issue; a new one only after the last was landed or archived). */
  private latest(issueId: string): TaskRecord | undefined {
    return [...this.orch.records()].reverse().find((t) => t.source?.issueId === issueId);
  }

  async launchForIssue(issue: NormalizedIssue, prompt: string): Promise<{ taskId: string; attemptIds: string[] }> {
    const task = this.latest(issue.id);
    const restart = task?.state === 'open' ? task.attempts.filter((a) => !a.archived && RESTARTABLE.includes(a.phase)) : [];
    if (task && restart.length) {
      // Same worktrees and branches (SPEC §9.2 reuse), a new thread each; the prompt carries the retry number.
      for (const a of restart) this.orch.retry(a.id, prompt);
      return { taskId: task.id, attemptIds: restart.map((a) => a.id) };
    }
    const s = this.settings();
    const created = await this.orch.launch({
      title: issue.title,
      prompt,
      attempts: s.attemptsPerIssue,
      // The Autopilot owns retries (SPEC §8.4); the orchestrator's own automatic retries would double them.
      options: { ...s.launchOptions, maxRetries: 0 },
      source: { kind: s.sourceKind, issueId: issue.id, identifier: issue.identifier, url: issue.url, state: issue.state },
      secretEnvNames: s.secretEnvNames,
    });
    return { taskId: created.id, attemptIds: created.attempts.map((a) => a.id) };
  }

  async continueAttempt(attemptId: string, prompt: string): Promise<ContinuationStatus> {
    return (await this.orch.followUp(attemptId, prompt, { reason: 'autopilot-continue' })).status;
  }

  stopAttempt(attemptId: string): Promise<void> {
    return this.orch.stopAndWait(attemptId, 'canceled_by_reconciliation');
  }

  /** Archives every ended attempt of the issue's tasks (nothing is removed without its patch); running ones are left alone. */
  async cleanIssue(issueId: string, why: string): Promise<void> {
    for (const t of this.orch.records().filter((x) => x.source?.issueId === issueId)) {
      for (const a of t.attempts.filter((x) => !x.archived && isTerminal(x.phase))) {
        if (!existsSync(a.worktree) && !a.resultCommit) continue; // never got a worktree: nothing to clean
        await this.orch.archiveAttempt(a.id, `issue closed: ${why}`).catch((err: unknown) => this.log(`autopilot: could not clean ${a.id}: ${(err as Error).message}`));
      }
    }
  }

  attempt(attemptId: string): HostAttempt | null {
    const a = this.orch.attemptRecord(attemptId);
    return a ? { id: a.id, phase: a.phase, reason: a.reason, lastError: a.lastError } : null;
  }

  issueTask(issueId: string): TaskView | null {
    const t = this.latest(issueId);
    return t ? { taskId: t.id, state: t.state, attempts: t.attempts.map((a) => ({ id: a.id, phase: a.phase, reason: a.reason, archived: a.archived !== null })) } : null;
  }

  issuesWithWorktrees(): string[] {
    const ids = this.orch.records().filter((t) => t.source && t.attempts.some((a) => !a.archived && existsSync(a.worktree))).map((t) => t.source?.issueId as string);
    return [...new Set(ids)];
  }

  onChange(listener: () => void): () => void {
    this.orch.on('change', listener);
    return () => this.orch.off('change', listener);
  }
}
