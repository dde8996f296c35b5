// The AutopilotHost over Quartet's orchestrator: one task per issue, restarts in place, follow-up turns, archive on close.

import { existsSync } from 'node:fs';
import { isTerminal, type Phase } from '../../shared/model';
import type { GithubLandOptions } from '../contract/land';
import type { LaunchOptions } from '../contract/launch';
import type { Orchestrator } from '../orchestrator/orchestrator';
import type { TaskRecord } from '../orchestrator/records';
import type { NormalizedIssue } from '../tracker/types';
import type { TaskView } from './decisions';
import type { AutopilotHost, ContinuationStatus, HostAttempt } from './host';
import { autoLandDecision, controlFilesIn } from './autoLand';
import { git } from '../git/git';

export interface IssueLaunchSettings {
  sourceKind: string;
  attemptsPerIssue: number;
  /** Codex and timeout options of the tasks the Autopilot launches (from WORKFLOW.md). */
  launchOptions: Partial<LaunchOptions>;
  /** The tracker's credential variables: never passed to the agents. */
  secretEnvNames: readonly string[];
  /** How `land.policy: auto` lands: as a pull request (`quartet.land.pr`) with these GitHub options, or locally. */
  land: { pr: boolean; github: GithubLandOptions | null };
}

/** How long an auto land waits for a task's scorecard (checks) to settle. */
const SCORE_WAIT_MS = 15 * 60_000;

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

  /**
   * `prompt` is the task text when the workflow has no template; with one, the orchestrator renders the template
   * with `issue` and `attemptNumber` (SPEC §12.3) at session start — once, never over an already rendered prompt.
   */
  async launchForIssue(
    issue: NormalizedIssue,
    prompt: string,
    attemptNumber: number | null,
  ): Promise<{ taskId: string; attemptIds: string[] }> {
    const task = this.latest(issue.id);
    const restart =
      task?.state === 'open' ? task.attempts.filter((a) => !a.archived && RESTARTABLE.includes(a.phase)) : [];
    if (task && restart.length) {
      // Same worktrees and branches (SPEC §9.2 reuse), a new thread each, with the issue as it is now.
      for (const a of restart) this.orch.retry(a.id, { prompt, issue, attempt: attemptNumber });
      return { taskId: task.id, attemptIds: restart.map((a) => a.id) };
    }
    const s = this.settings();
    const created = await this.orch.launch(
      {
        title: issue.title,
        prompt,
        attempts: s.attemptsPerIssue,
        // The Autopilot owns retries (SPEC §8.4); the orchestrator's own automatic retries would double them.
        options: { ...s.launchOptions, maxRetries: 0 },
        source: {
          kind: s.sourceKind,
          issueId: issue.id,
          identifier: issue.identifier,
          url: issue.url,
          state: issue.state,
        },
        secretEnvNames: s.secretEnvNames,
      },
      { issue },
    );
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
        await this.orch
          .archiveAttempt(a.id, `issue closed: ${why}`)
          .catch((err: unknown) => this.log(`autopilot: could not clean ${a.id}: ${(err as Error).message}`));
      }
    }
  }

  /** `land.policy: auto`: once the task's scorecard is final, lands its recommended attempt if its checks passed. */
  async landIssueTask(taskId: string, stillWanted: () => boolean): Promise<string> {
    const s = this.settings().land;
    // `fresh`: rescore now, so the pick reflects the checks that just finished (the scorecard's own rescore may lag).
    const decide = (fresh: boolean) => {
      const t = this.orch.taskRecord(taskId);
      if (!t) return { action: 'human', why: `task ${taskId} is gone` } as const;
      const first = autoLandDecision(t, { pr: s.pr, hasGithubToken: !!s.github?.token });
      if (!fresh || first.action === 'later') return first;
      const recommended = this.orch.score(taskId).recommended;
      // The rescore may have just started a verdict: read the task again for its state.
      return autoLandDecision(
        { ...(this.orch.taskRecord(taskId) ?? t), recommended },
        { pr: s.pr, hasGithubToken: !!s.github?.token },
      );
    };
    let d = decide(false);
    const deadline = Date.now() + SCORE_WAIT_MS;
    while (d.action === 'later' && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          this.orch.off('change', done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 5000);
        this.orch.on('change', done);
      });
      d = decide(false);
    }
    if (d.action !== 'later') d = decide(true);
    if (d.action !== 'land') return `not landed automatically: ${d.why}; the result waits for you`;
    const changed = await this.changedPaths(d.attemptId);
    if (!changed)
      return `not landed automatically: could not list what ${d.attemptId} changed; the result waits for you`;
    const control = controlFilesIn(changed);
    if (control.length)
      return `not landed automatically: the change touches ${control.join(', ')}, which steer Quartet or CI; the result waits for you`;
    if (!stillWanted()) return 'not landed: the Autopilot was stopped meanwhile';
    const progress = await this.orch.land(d.attemptId, d.pr && s.github ? { pr: true, github: s.github } : {});
    return `auto land of ${d.attemptId}${d.pr ? ' as a pull request' : ''}: ${progress.status}${progress.message ? ` (${progress.message})` : ''}`;
  }

  /** Paths the attempt's branch changed since its base (git's own diff; never the worktree's files). */
  private async changedPaths(attemptId: string): Promise<string[] | null> {
    const a = this.orch.attemptRecord(attemptId);
    if (!a) return null;
    const out = await git(this.orch.repo, [
      'diff',
      '--name-only',
      '--no-renames',
      `${a.base}...${a.branch}`,
      '--',
    ]).catch(() => null);
    return out === null
      ? null
      : out
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean);
  }

  attempt(attemptId: string): HostAttempt | null {
    const a = this.orch.attemptRecord(attemptId);
    return a ? { id: a.id, phase: a.phase, reason: a.reason, lastError: a.lastError } : null;
  }

  issueTask(issueId: string): TaskView | null {
    const t = this.latest(issueId);
    return t
      ? {
          taskId: t.id,
          state: t.state,
          attempts: t.attempts.map((a) => ({
            id: a.id,
            phase: a.phase,
            reason: a.reason,
            archived: a.archived !== null,
          })),
        }
      : null;
  }

  issuesWithWorktrees(): string[] {
    const ids = this.orch
      .records()
      .filter((t) => t.source && t.attempts.some((a) => !a.archived && existsSync(a.worktree)))
      .map((t) => t.source?.issueId as string);
    return [...new Set(ids)];
  }

  onChange(listener: () => void): () => void {
    this.orch.on('change', listener);
    return () => this.orch.off('change', listener);
  }
}
