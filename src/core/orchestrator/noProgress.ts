// Progress signal "M steps with no change to the worktree": an agent that acts without ever changing a file is looping.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A fingerprint of the worktree's changes: which paths differ from HEAD (tracked and untracked, not
 * ignored) and each one's size and mtime. Codex's own `turn/diff/updated` is no use here: it tracks
 * apply_patch edits only, so an agent editing through the shell would look idle.
 */
export function worktreeFingerprint(worktree: string): Promise<string> {
  return new Promise((resolve) => {
    execFile(
      'git',
      ['status', '--porcelain=v1', '-z', '--untracked-files=all'],
      { cwd: worktree, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout) => {
        if (err) return resolve(`error:${err.message}`);
        const hash = createHash('sha1').update(stdout);
        for (const entry of stdout.split('\0')) {
          const path = entry.slice(3);
          if (!path) continue;
          try {
            const st = statSync(join(worktree, path));
            hash.update(`\0${path}\0${st.size}\0${st.mtimeMs}`);
          } catch {
            hash.update(`\0${path}\0gone`);
          }
        }
        resolve(hash.digest('hex'));
      },
    );
  });
}

/** Counts, per attempt, consecutive steps (completed commands or file changes) after which the worktree is unchanged. */
export class NoProgressDetector {
  private readonly last = new Map<string, string>();
  private readonly idle = new Map<string, number>();
  /** Steps of one attempt are measured in order, never two at once. */
  private readonly chains = new Map<string, Promise<number>>();

  constructor(private readonly fingerprint: (worktree: string) => Promise<string> = worktreeFingerprint) {}

  /** The state the counting starts from (the attempt's session started). */
  baseline(attemptId: string, worktree: string): Promise<number> {
    return this.chain(attemptId, async () => {
      this.last.set(attemptId, await this.fingerprint(worktree));
      this.idle.set(attemptId, 0);
      return 0;
    });
  }

  /** After a step: resolves with how many steps in a row left the worktree as it was. */
  step(attemptId: string, worktree: string): Promise<number> {
    return this.chain(attemptId, async () => {
      const now = await this.fingerprint(worktree);
      const unchanged = this.last.get(attemptId) === now;
      this.last.set(attemptId, now);
      const n = unchanged ? (this.idle.get(attemptId) ?? 0) + 1 : 0;
      this.idle.set(attemptId, n);
      return n;
    });
  }

  reset(attemptId: string): void {
    this.last.delete(attemptId);
    this.idle.delete(attemptId);
    this.chains.delete(attemptId);
  }

  private chain(attemptId: string, job: () => Promise<number>): Promise<number> {
    const next = (this.chains.get(attemptId) ?? Promise.resolve(0)).then(job, job);
    this.chains.set(attemptId, next);
    return next;
  }
}
