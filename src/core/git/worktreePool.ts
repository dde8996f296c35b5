// Warm worktrees: a per-repository pool kept checked out at the checkout's HEAD, adopted by a launch instead of a fresh checkout.

import { existsSync, mkdirSync, statfsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execa } from 'execa';
import { git, listWorktrees } from './git';
import { canonicalPath, isInside, safeJoin, sanitizeKey } from './pathSafety';
import { repoWorktreeDir, type CreateWorktreeInput, type CreatedWorktree } from './worktrees';
import { withWorktreeLock } from './worktreeLock';

/** Every pool branch lives here, so `git branch` shows nothing else of the pool. */
export const POOL_BRANCH_PREFIX = 'quartet/pool/';
/** Below this much free space on the worktree root's file system the pool adds no slot. */
export const DEFAULT_POOL_MIN_FREE_BYTES = 2 * 1024 ** 3;
/** How often the pool looks whether HEAD moved (a slot then follows with a `reset --hard` touching only what changed). */
const FOLLOW_MS = 60_000;

export interface PoolSlot {
  path: string;
  branch: string;
  head: string;
}

export interface PoolStatus {
  size: number;
  ready: number;
  /** Why the pool holds fewer slots than its size (low disk, no commit yet), or null. */
  paused: string | null;
}

export interface WorktreePoolOptions {
  repo: string;
  /** `quartet.worktreeRoot` (resolved): slots sit in `<root>/<repo>-<hash>/.pool/`. */
  root: () => string;
  /** `quartet.worktreePool`: how many slots to keep; 0 = off (slots left over are offered to Clean Up). */
  size: () => number;
  /** Below this many free bytes on the worktree root no slot is added (DEFAULT_POOL_MIN_FREE_BYTES). */
  minFreeBytes?: () => number;
  log: (line: string) => void;
}

/** Runs git at the lowest CPU and I/O priority: filling the pool must never slow down a launch or an agent. */
async function lowGit(cwd: string, args: string[]): Promise<string> {
  const ionice = existsSync('/usr/bin/ionice') ? ['/usr/bin/ionice', '-c', '3'] : [];
  const r = await execa('nice', ['-n', '19', ...ionice, 'git', ...args], { cwd });
  return r.stdout;
}

export class WorktreePool {
  private refilling: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  /** Slots a refill is filling: never handed out while their files are being written. */
  private readonly busy = new Set<string>();
  /**
   * Slots this process checked out completely, by path: the only ones a launch takes. A slot found on
   * disk at start (a crash may have cut its checkout short) is filled again before it counts.
   */
  private readonly filled = new Map<string, PoolSlot>();
  private timer: NodeJS.Timeout | null = null;
  private last: PoolStatus = { size: 0, ready: 0, paused: null };

  constructor(private readonly opts: WorktreePoolOptions) {}

  private dir(): string {
    return join(repoWorktreeDir(this.opts.root(), this.opts.repo), '.pool');
  }

  status(): PoolStatus {
    return { ...this.last, size: this.opts.size() };
  }

  /** Keeps following HEAD in the background; `stop` ends it. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refill(), FOLLOW_MS);
    this.timer.unref();
    void this.refill();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** The pool's worktrees as git lists them (wherever the root was when they were made). */
  async slots(): Promise<PoolSlot[]> {
    const prefix = `refs/heads/${POOL_BRANCH_PREFIX}`;
    return (await listWorktrees(this.opts.repo)).flatMap((w) =>
      w.head && w.branch?.startsWith(prefix) ? [{ path: w.path, branch: w.branch.slice(11), head: w.head }] : [],
    );
  }

  /**
   * Makes a warm slot the worktree of `input`: its branch renamed to the attempt's, moved to the
   * attempt's path, and — only when the slot is at another commit — `reset --hard` to the base (which
   * writes only what differs). Two git calls under the lock for a slot at the base. Null when the pool
   * is off or has no filled slot, or the attempt's path or branch exists (a retry): the caller then
   * creates the worktree as usual. A slot that fails half-way is removed, never handed out.
   */
  async adopt(input: CreateWorktreeInput): Promise<CreatedWorktree | null> {
    if (this.opts.size() <= 0) return null;
    const path = safeJoin(repoWorktreeDir(input.root, input.repo), sanitizeKey(input.taskKey), String(input.index));
    if (existsSync(path)) return null;
    const taken = await withWorktreeLock(input.repo, async () => {
      const slots = [...this.filled.values()].filter((s) => !this.busy.has(s.path) && existsSync(s.path));
      const slot = slots.find((s) => s.head === input.baseCommit) ?? slots[0];
      if (!slot) return null;
      this.filled.delete(slot.path);
      this.busy.add(slot.path); // a refill must not reset it while it is renamed and moved
      try {
        // Renamed where it stands first: an attempt branch that exists already (a retry whose worktree
        // was cleaned up) is refused here, and the slot stays as it was.
        await git(slot.path, ['branch', '-m', slot.branch, input.branch]);
      } catch {
        this.busy.delete(slot.path);
        this.filled.set(slot.path, slot);
        return null;
      }
      try {
        mkdirSync(dirname(path), { recursive: true });
        await git(input.repo, ['worktree', 'move', slot.path, path]);
        return slot;
      } catch (err) {
        this.opts.log(`worktree pool: could not adopt ${slot.path}: ${(err as Error).message}`);
        await this.discard(existsSync(path) ? path : slot.path, [input.branch]);
        return null;
      } finally {
        this.busy.delete(slot.path);
      }
    });
    if (!taken) return null;
    try {
      if (taken.head !== input.baseCommit) await git(path, ['reset', '-q', '--hard', input.baseCommit]);
    } catch (err) {
      this.opts.log(`worktree pool: adopted slot at ${path} failed: ${(err as Error).message}`);
      await withWorktreeLock(input.repo, () => this.discard(path, [input.branch]));
      return null;
    }
    setTimeout(() => void this.refill(), 1000).unref();
    return { path: canonicalPath(path), copied: [], reused: false, warm: true };
  }

  /** Brings the pool to its size at HEAD: stale slots follow, missing ones are made, extras go. Coalesced. */
  refill(): Promise<void> {
    // Asked again while one runs: one more run after it, which every caller meanwhile waits for.
    if (this.refilling) {
      this.queued ??= this.refilling.then(() => {
        this.queued = null;
        return this.refill();
      });
      return this.queued;
    }
    this.refilling = this.refillNow()
      .catch((err: unknown) => this.opts.log(`worktree pool: ${(err as Error).message}`))
      .finally(() => (this.refilling = null));
    return this.refilling;
  }

  /** Removes slots (all, or those at `paths`) with their branches; returns how many went. */
  async remove(paths?: readonly string[]): Promise<number> {
    const repo = this.opts.repo;
    const gone = (await this.slots()).filter((s) => !paths || paths.includes(s.path));
    for (const s of gone) await withWorktreeLock(repo, () => this.discard(s.path, [s.branch]));
    return gone.length;
  }

  private async refillNow(): Promise<void> {
    const { repo } = this.opts;
    const size = this.opts.size();
    const dir = existsSync(this.dir()) ? canonicalPath(this.dir()) : this.dir();
    const slots = (await this.slots()).filter((s) => !this.busy.has(s.path));
    // Extras (size lowered) and slots left under an old root go first.
    const keep = slots.filter((s) => isInside(dir, s.path)).slice(0, size);
    for (const s of slots.filter((x) => !keep.includes(x)))
      await withWorktreeLock(repo, () => this.discard(s.path, [s.branch]));
    if (size <= 0) return this.record(0, null);
    const tip = (await git(repo, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).catch(() => '')).trim();
    if (!tip) return this.record(0, 'the repository has no commit yet');
    for (const s of keep.filter((x) => x.head !== tip || !this.filled.has(x.path))) await this.fill(s, tip);
    let ready = keep.length;
    for (let n = 1; ready < size; n++) {
      const path = join(dir, String(n));
      if (existsSync(path)) continue;
      const free = freeBytes(this.opts.root());
      const floor = this.opts.minFreeBytes?.() ?? DEFAULT_POOL_MIN_FREE_BYTES;
      if (free !== null && free < floor)
        return this.record(ready, `low disk: ${Math.floor(free / 1024 ** 2)} MB free on the worktree root`);
      const branch = `${POOL_BRANCH_PREFIX}${n}`;
      mkdirSync(dir, { recursive: true });
      await withWorktreeLock(repo, async () => {
        await git(repo, ['branch', '-D', branch]).catch(() => undefined); // a leftover of a slot removed by hand
        await git(repo, ['worktree', 'add', '--no-checkout', '-b', branch, path, tip]);
      });
      await this.fill({ path, branch, head: tip }, tip);
      ready++;
    }
    this.record(ready, null);
  }

  /** Checks a slot out at `tip` at low priority, outside the worktree lock (launches are never held up by it). */
  private async fill(slot: PoolSlot, tip: string): Promise<void> {
    // Taken by a launch meanwhile (moved away, or being moved): not the pool's any more.
    if (!existsSync(slot.path) || this.busy.has(slot.path)) return;
    this.filled.delete(slot.path);
    this.busy.add(slot.path);
    try {
      await lowGit(slot.path, ['reset', '-q', '--hard', tip]);
      this.filled.set(slot.path, { ...slot, head: tip });
    } finally {
      this.busy.delete(slot.path);
    }
  }

  private async discard(path: string, branches: string[]): Promise<void> {
    const { repo } = this.opts;
    this.filled.delete(path);
    await git(repo, ['worktree', 'remove', '--force', path]).catch(() => undefined);
    await git(repo, ['worktree', 'prune']).catch(() => undefined);
    for (const b of branches) await git(repo, ['branch', '-D', b]).catch(() => undefined);
  }

  private record(ready: number, paused: string | null): void {
    this.last = { size: this.opts.size(), ready, paused };
    if (paused) this.opts.log(`worktree pool: ${ready} ready, paused (${paused})`);
  }
}

function freeBytes(path: string): number | null {
  let p = path;
  while (!existsSync(p) && dirname(p) !== p) p = dirname(p);
  try {
    const s = statfsSync(p);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
