// Archiving: an attempt's work kept as a patch + post-mortem before its worktree and branch go; a PR it left open is closed.

import { dirname, join } from 'node:path';
import { isTerminal, type ClosedPullRequest, type Reason } from '../../shared/model';
import { removeEmptyDir } from '../land/emptyDir';
import { archiveAttempt, removeAttemptWorktree } from '../land/archive';
import { closeAttemptPr } from '../land/closePr';
import type { GithubCredentials } from '../contract/land';
import { postMortem } from '../land/postMortem';
import { appendJournalEvent, readJournal } from '../observability/journal';
import type { AttemptRecord, TaskRecord } from './records';
import { UsageError } from './validation';

export interface ArchivingHost {
  readonly repo: string;
  readonly stateDir: string;
  worktreeRoot(): string;
  tasks(): TaskRecord[];
  updateAttempt(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  /** Stops the attempt and waits until it settled. */
  stop(attemptId: string, reason?: Reason): Promise<void>;
  /** WORKFLOW.md `before_remove` for this attempt's worktree (never throws). */
  beforeRemove(attempt: AttemptRecord): Promise<void>;
  /** Removes an attempt's worktree on its worker host (never throws: a gone host is logged). */
  removeRemote?(a: AttemptRecord): Promise<void>;
  log(line: string): void;
}

const now = (): string => new Date().toISOString();

export class Archiving {
  constructor(private readonly host: ArchivingHost) {}

  private find(attemptId: string): AttemptRecord {
    const attempt = this.host
      .tasks()
      .flatMap((t) => t.attempts)
      .find((a) => a.id === attemptId);
    if (!attempt) throw new UsageError(`no attempt ${attemptId}`);
    return attempt;
  }

  /**
   * Archive (patch + post-mortem), then remove the worktree and branch; nothing is deleted without the archive.
   * A PR an earlier land left open is closed first (with `github`), or the archive says it stays open.
   */
  async archive(attemptId: string, reason: string, github: GithubCredentials | null = null): Promise<AttemptRecord> {
    const attempt = this.find(attemptId);
    const pr = await this.closeOpenPr(attempt, reason, github);
    const archived = await archiveAttempt({
      repo: this.host.repo,
      worktree: attempt.worktree,
      branch: attempt.branch,
      base: attempt.base,
      archiveDir: join(this.host.stateDir, 'archive'),
      attemptId,
      pullRequest: pr,
    });
    const pm = `${postMortem(readJournal(attempt.journal))}${pr ? `Pull request: ${pr.message}\n` : ''}`;
    await removeAttemptWorktree({
      repo: this.host.repo,
      worktree: attempt.worktree,
      branch: attempt.branch,
      deleteBranch: true,
      archive: { patchFile: archived.patchFile },
      beforeRemove: () => this.host.beforeRemove(attempt),
    });
    if (attempt.host) await this.host.removeRemote?.(attempt);
    appendJournalEvent(attempt.journal, { type: 'archived', reason, patch: archived.patchFile });
    this.host.updateAttempt(attemptId, (a) => ({
      ...a,
      archived: { at: now(), reason, patch: archived.patchFile, postMortem: pm, ...(pr ? { pullRequest: pr } : {}) },
      recommended: false,
      lastEvent: `archived (${reason})${pr ? `; ${pr.message}` : ''}`,
    }));
    return this.find(attemptId);
  }

  /** The attempt's PR, if a land left it open: closed with a comment saying why; never silently left open. */
  private async closeOpenPr(
    attempt: AttemptRecord,
    reason: string,
    github: GithubCredentials | null,
  ): Promise<ClosedPullRequest | null> {
    if (attempt.pullRequest?.state !== 'open') return null;
    const why = reason.startsWith('rework:')
      ? `reworked — ${reason.replace(/^rework:\s*/, '')}`
      : reason.startsWith('sibling of landed')
        ? `another attempt of this task landed (${reason.replace('sibling of landed ', '')})`
        : reason;
    const pr = await closeAttemptPr({ pr: attempt.pullRequest, branch: attempt.branch, why, github });
    this.host.log(`attempt=${attempt.id} ${pr.message}`);
    if (pr.closed)
      this.host.updateAttempt(attempt.id, (a) => ({
        ...a,
        pullRequest: a.pullRequest ? { ...a.pullRequest, state: 'closed' } : null,
      }));
    else appendJournalEvent(attempt.journal, { type: 'warning', message: pr.message });
    return pr;
  }

  /** After a land: archive and remove every attempt of the task (the landed one's work is in the base). */
  async cleanupAfterLand(taskId: string, landedId: string, github: GithubCredentials | null): Promise<void> {
    const task = this.host.tasks().find((t) => t.id === taskId);
    for (const a of task?.attempts ?? []) {
      if (a.archived) continue;
      if (!isTerminal(a.phase)) await this.host.stop(a.id);
      await this.archive(a.id, a.id === landedId ? 'landed' : `sibling of landed ${landedId}`, github).catch(
        (err: unknown) => this.host.log(`attempt=${a.id} cleanup failed: ${(err as Error).message}`),
      );
    }
    // The task's folder under the worktree root held only its attempts' worktrees: an empty one is litter.
    for (const dir of new Set((task?.attempts ?? []).filter((a) => a.worktree).map((a) => dirname(a.worktree))))
      removeEmptyDir(dir, this.host.worktreeRoot());
  }
}
