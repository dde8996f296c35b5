// Benchmark: what going through ssh adds per attempt (placement, base push, worktree there, commit + fetch back) on a 5,000-file repo, interleaved with the local floor.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commitWorktree, createWorktree } from '../src/core/git/worktrees';
import { placeQueued } from '../src/core/workers/placeAttempt';
import { LOCAL_HOST } from '../src/core/workers/placement';
import { checkoutRemote, locateRemote } from '../src/core/workers/remoteWorktree';
import { commitAndFetch } from '../src/core/workers/remoteResult';
import { runSsh } from '../src/core/workers/ssh';
import { remoteCommand } from '../src/core/workers/remoteShell';
import { startSshLab } from '../test/support/sshd';

const ROOT = resolve(__dirname, '../..');
const ATTEMPTS = Number(process.env.BENCH_ATTEMPTS ?? 12);
const FILES = Number(process.env.BENCH_FILES ?? 5000);
const git = (cwd: string, ...a: string[]): string =>
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...a], { cwd, encoding: 'utf8' }).trim();

function makeRepo(dir: string): string {
  const repo = join(dir, 'repo');
  for (let i = 0; i < FILES; i++) {
    const sub = join(repo, 'src', `m${i % 50}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `f${i}.ts`), `export const v${i} = ${i};\n// ${'x'.repeat(150)}\n`);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  return repo;
}

function stats(xs: number[]): { min: number; median: number; max: number; n: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    min: Math.round(s[0] ?? 0),
    median: Math.round(s[Math.floor(s.length / 2)] ?? 0),
    max: Math.round(s.at(-1) ?? 0),
    n: s.length,
  };
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await f();
  return [v, performance.now() - t];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-bench-workers-'));
  const lab = await startSshLab([{ name: 'alpha' }, { name: 'beta' }]);
  try {
    const repo = makeRepo(dir);
    const base = git(repo, 'rev-parse', 'HEAD');
    const settings = lab.settings();
    const local: number[] = [];
    const remote: {
      host: string;
      cold: boolean;
      placeMs: number;
      locateMs: number;
      pushMs: number;
      fetchMs: number;
      totalMs: number;
    }[] = [];
    const pushed = new Set<string>();
    for (let i = 1; i <= ATTEMPTS; i++) {
      // The floor: an attempt on this machine (worktree, an edit, the commit).
      const [, localMs] = await timed(async () => {
        const wt = await createWorktree({
          repo,
          root: join(dir, 'wt'),
          taskKey: 'local',
          index: i,
          branch: `quartet/l-${i}`,
          baseCommit: base,
        });
        writeFileSync(join(wt.path, `note-${i}.md`), 'local\n');
        await commitWorktree(wt.path, `note ${i}`);
      });
      local.push(localMs);
      // The same attempt on a host: the local worktree as always, then what ssh adds.
      const host = i % 2 ? 'alpha' : 'beta';
      const [, placeMs] = await timed(async () =>
        placeQueued(
          { startedAt: null },
          [
            { host: LOCAL_HOST, capacity: 1, running: 1, healthy: true },
            { host, capacity: 4, running: 0, healthy: true },
          ],
          1,
          [],
        ),
      );
      const start = performance.now();
      const wt = await createWorktree({
        repo,
        root: join(dir, 'wt'),
        taskKey: 'remote',
        index: i,
        branch: `quartet/r-${i}`,
        baseCommit: base,
      });
      const worker = { host, capacity: 4, worktreeRoot: '~/q', source: 'setting' as const };
      const [r, locateMs] = await timed(() =>
        locateRemote(worker, settings, { repo, attemptId: `r-${i}`, taskKey: 'remote', index: i }),
      );
      const [, pushMs] = await timed(() => checkoutRemote(repo, r, settings, `quartet/r-${i}`, base, `r-${i}`));
      await runSsh(host, `${remoteCommand(['sh', '-c', 'echo remote > "$1/note.md"', 'sh', r.worktree])}`, settings);
      const [, fetchMs] = await timed(async () => {
        const f = await commitAndFetch(repo, r, settings, {
          attemptId: `r-${i}`,
          branch: `quartet/r-${i}`,
          message: `note ${i}`,
        });
        git(wt.path, 'reset', '-q', '--hard', f.tip);
      });
      remote.push({
        host,
        cold: !pushed.has(host),
        placeMs,
        locateMs,
        pushMs,
        fetchMs,
        totalMs: performance.now() - start,
      });
      pushed.add(host);
    }
    const warm = remote.filter((x) => !x.cold);
    const out = {
      bench: 'workers',
      files: FILES,
      attempts: ATTEMPTS,
      hosts: ['alpha', 'beta'],
      note: 'hosts are sshd instances on this machine (loopback, same CPUs); a real host adds its round-trip time to each of ~6 ssh round trips per attempt (prepare, push, checkout, commit, fetch, plus Stop/cleanup)',
      localAttemptMs: stats(local),
      remoteAttemptMs: stats(warm.map((x) => x.totalMs)),
      // What ssh adds: every step the local path does not have (the host's own checkout included: same CPUs here).
      overheadPerAttemptMs: stats(warm.map((x) => x.placeMs + x.locateMs + x.pushMs + x.fetchMs)),
      steps: {
        placementMs: stats(warm.map((x) => x.placeMs)),
        locateMs: stats(warm.map((x) => x.locateMs)),
        pushAndCheckoutMs: stats(warm.map((x) => x.pushMs)),
        commitAndFetchBackMs: stats(warm.map((x) => x.fetchMs)),
      },
      firstPushPerHostMs: remote
        .filter((x) => x.cold)
        .map((x) => ({ host: x.host, pushAndCheckoutMs: Math.round(x.pushMs) })),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/workers.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
