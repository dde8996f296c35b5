// Clean Up and retention: measures what ended attempts hold on disk, archives unsaved work, then removes it.

import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RetentionSettings } from '../contract/settings';
import {
  endedAt,
  planCleanup,
  isCleanable,
  type ArchiveFacts,
  type AttemptFacts,
  type PoolSlotFacts,
} from '../cleanup/plan';
import type { WorktreePool } from '../git/worktreePool';
import type { CleanupPlan, CleanupResult } from '../contract/replies';
import { diskUsage } from '../cleanup/diskUsage';
import { archiveAttempt, readManifest, removeAttemptWorktree } from '../land/archive';
import { git, isClean, refCommit } from '../git/git';
import { postMortem } from '../land/postMortem';
import { isInside } from '../git/pathSafety';
import { appendJournalEvent, readJournal } from '../observability/journal';
import type { AttemptRecord, TaskRecord } from './records';
import { UsageError } from './validation';

export interface CleanupHost {
  readonly repo: string;
  readonly stateDir: string;
  /** Warm worktrees: listed, and removable, beside the attempts'. */
  readonly pool: WorktreePool;
  tasks(): readonly TaskRecord[];
  retention(): RetentionSettings;
  updateAttempt(id: string, change: (a: AttemptRecord) => AttemptRecord): void;
  /** Removes an attempt's worktree on its worker host (never throws: a gone host is logged). */
  removeRemote?(a: AttemptRecord): Promise<void>;
  log(line: string): void;
}

interface Facts extends AttemptFacts {
  dirty: boolean;
  ahead: boolean;
}

export class CleanupService {
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly host: CleanupHost) {}

  private get archiveDir(): string {
    return join(this.host.stateDir, 'archive');
  }

  private async facts(a: AttemptRecord, sizes: boolean): Promise<Facts> {
    const worktreeExists = existsSync(a.worktree);
    const branchExists = !!(await refCommit(this.host.repo, `refs/heads/${a.branch}`));
    const dirty = worktreeExists && !(await isClean(a.worktree).catch(() => false));
    const ahead =
      branchExists &&
      Number(
        (
          await git(this.host.repo, ['rev-list', '--count', `${a.base}..refs/heads/${a.branch}`]).catch(() => '1')
        ).trim(),
      ) > 0;
    const bytes = sizes && worktreeExists ? await diskUsage(a.worktree) : 0;
    return { worktreeExists, branchExists, dirty, ahead, unsavedWork: dirty || ahead, bytes };
  }

  private async archives(sizes: boolean): Promise<ArchiveFacts[]> {
    if (!existsSync(this.archiveDir)) return [];
    const out: ArchiveFacts[] = [];
    for (const name of readdirSync(this.archiveDir)) {
      const dir = join(this.archiveDir, name);
      try {
        const m = readManifest(dir);
        out.push({
          name,
          dir,
          attemptId: m.attemptId,
          createdAt: m.createdAt,
          bytes: sizes ? await diskUsage(dir) : 0,
        });
      } catch {
        // not an archive Quartet wrote: never offered for deletion
      }
    }
    return out;
  }

  private async poolFacts(sizes: boolean): Promise<{ slots: PoolSlotFacts[]; size: number }> {
    const slots = await this.host.pool.slots().catch(() => []);
    return {
      size: this.host.pool.status().size,
      slots: await Promise.all(
        slots.map(async (s) => ({ ...s, bytes: sizes && existsSync(s.path) ? await diskUsage(s.path) : 0 })),
      ),
    };
  }

  /**
   * What Clean Up would free, with sizes. The automatic sweep passes `sizes: false` and `minAgeDays`, so
   * it measures only attempts old enough to be due instead of walking every worktree.
   */
  async plan(sizes = true, minAgeDays = 0): Promise<CleanupPlan> {
    const facts = new Map<string, Facts>();
    const oldEnough = (a: AttemptRecord): boolean =>
      minAgeDays <= 0 || Date.now() - endedAt(a) >= minAgeDays * 24 * 60 * 60 * 1000;
    for (const t of this.host.tasks()) {
      for (const a of t.attempts) if (isCleanable(t, a) && oldEnough(a)) facts.set(a.id, await this.facts(a, sizes));
    }
    return planCleanup({
      tasks: this.host.tasks(),
      facts: (a) => facts.get(a.id),
      archives: await this.archives(sizes),
      pool: await this.poolFacts(sizes),
      retention: this.host.retention(),
      now: Date.now(),
    });
  }

  /** Removes the chosen items; a worktree or branch with work that exists nowhere else is archived first. */
  apply(ids: readonly string[], reason = 'clean up'): Promise<CleanupResult> {
    if (!Array.isArray(ids) || ids.some((i) => typeof i !== 'string'))
      throw new UsageError('clean up takes a list of item ids (see the plan)');
    // One clean-up at a time: a sweep and a user's Clean Up must not archive the same attempt twice.
    const run = this.running.then(() => this.applyNow(ids, reason));
    this.running = run.catch(() => undefined);
    return run;
  }

  /** The retention sweep: every due worktree and branch (archives are only ever deleted by a person). */
  async sweep(): Promise<CleanupResult> {
    const days = this.host.retention().attemptDays;
    if (days <= 0) return { removed: [], archived: [], failed: [], freedBytes: 0 };
    const plan = await this.plan(false, days);
    const due = plan.items.filter((i) => i.due && i.kind !== 'archive').map((i) => i.id);
    const result = due.length
      ? await this.apply(due, `retention (${this.host.retention().attemptDays} d)`)
      : { removed: [], archived: [], failed: [], freedBytes: 0 };
    if (due.length)
      this.host.log(
        `retention sweep: removed ${result.removed.length}, archived ${result.archived.length}, failed ${result.failed.length}`,
      );
    return result;
  }

  private async applyNow(ids: readonly string[], reason: string): Promise<CleanupResult> {
    const result: CleanupResult = { removed: [], archived: [], failed: [], freedBytes: 0 };
    const wanted = new Set(ids);
    for (const task of this.host.tasks()) {
      for (const a of task.attempts) {
        const wantWorktree = wanted.has(`worktree:${a.id}`);
        const wantBranch = wanted.has(`branch:${a.id}`);
        if (!wantWorktree && !wantBranch) continue;
        const id = wantBranch ? `branch:${a.id}` : `worktree:${a.id}`;
        if (!isCleanable(task, a)) {
          result.failed.push({ id, error: `attempt ${a.id} is ${a.phase}; only ended attempts are cleaned up` });
          continue;
        }
        try {
          await this.removeAttempt(a, wantWorktree, wantBranch, reason, result);
        } catch (err) {
          result.failed.push({ id, error: (err as Error).message });
        }
      }
    }
    const slots = await this.host.pool.slots().catch(() => []);
    for (const id of ids.filter((i) => i.startsWith('pool:'))) {
      const slot = slots.find((s) => `pool:${s.branch}` === id);
      if (!slot) {
        result.failed.push({ id, error: `no warm worktree ${id.slice('pool:'.length)}` });
        continue;
      }
      const bytes = existsSync(slot.path) ? await diskUsage(slot.path) : 0;
      await this.host.pool.remove([slot.path]);
      result.removed.push({ id, bytes });
      result.freedBytes += bytes;
    }
    for (const id of ids.filter((i) => i.startsWith('archive:'))) {
      const dir = join(this.archiveDir, id.slice('archive:'.length));
      if (!isInside(this.archiveDir, dir) || !existsSync(dir)) {
        result.failed.push({ id, error: `no archive ${id.slice(8)}` });
        continue;
      }
      const bytes = await diskUsage(dir);
      rmSync(dir, { recursive: true, force: true });
      result.removed.push({ id, bytes });
      result.freedBytes += bytes;
    }
    return result;
  }

  private async removeAttempt(
    a: AttemptRecord,
    wantWorktree: boolean,
    wantBranch: boolean,
    reason: string,
    result: CleanupResult,
  ): Promise<void> {
    const f = await this.facts(a, true);
    // A branch checked out in a worktree cannot be deleted: removing the branch takes its worktree along.
    const removeWorktree = f.worktreeExists && (wantWorktree || wantBranch);
    const deleteBranch = wantBranch && f.branchExists;
    if (!removeWorktree && !deleteBranch) return;
    let patch = a.archived?.patch ?? null;
    if (f.dirty || (deleteBranch && f.ahead && !a.archived)) {
      const made = await archiveAttempt({
        repo: this.host.repo,
        worktree: a.worktree,
        branch: a.branch,
        base: a.base,
        archiveDir: this.archiveDir,
        attemptId: a.id,
      });
      patch = made.patchFile;
      const pm = postMortem(readJournal(a.journal));
      appendJournalEvent(a.journal, { type: 'archived', reason, patch });
      this.host.updateAttempt(a.id, (x) => ({
        ...x,
        archived: { at: new Date().toISOString(), reason, patch: made.patchFile, postMortem: pm },
      }));
      result.archived.push({ attemptId: a.id, patch });
    }
    await removeAttemptWorktree({
      repo: this.host.repo,
      worktree: a.worktree,
      branch: a.branch,
      deleteBranch,
      archive: patch ? { patchFile: patch } : null,
    });
    if (removeWorktree && a.host) await this.host.removeRemote?.(a);
    const what = [removeWorktree ? 'worktree' : '', deleteBranch ? 'branch' : ''].filter(Boolean).join(' and ');
    this.host.updateAttempt(a.id, (x) => ({
      ...x,
      ...(deleteBranch ? { recommended: false } : {}),
      lastEvent: `${what} removed (${reason})`,
    }));
    if (removeWorktree) result.removed.push({ id: `worktree:${a.id}`, bytes: f.bytes });
    if (deleteBranch) result.removed.push({ id: `branch:${a.id}`, bytes: 0 });
    result.freedBytes += removeWorktree ? f.bytes : 0;
  }
}
