// Benchmark: fresh worktree → first green `npm test` on a project with a few hundred MB of node_modules — reflink / copy / `npm ci`, and disk per attempt.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { bringDependencies } from '../src/core/execution/dependencies';
import { dependencyDirRules, type DependencyCopyMode } from '../src/core/execution/dependencyRules';
import { createWorktree, removeWorktree } from '../src/core/git/worktrees';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/** Where the repo and worktrees live: point it at a btrfs/XFS mount to measure reflink (e.g. BENCH_DIR=/mnt/xfs). */
const BASE_DIR = process.env.BENCH_DIR ?? tmpdir();
const git = (cwd: string, ...a: string[]): string =>
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...a], { cwd, encoding: 'utf8' }).trim();

/** Real packages from the npm registry (cached after the first run): a typical TypeScript web project's tooling. */
const DEPENDENCIES: Record<string, string> = {
  typescript: '5.9.3',
  eslint: '9.39.5',
  'typescript-eslint': '8.73.0',
  jsdom: '26.1.0',
  esbuild: '0.28.2',
  'playwright-core': '1.65.1',
  react: '19.3.1',
  'react-dom': '19.3.1',
  '@octokit/rest': '22.0.1',
  prettier: '3.10.2',
};
const TEST = `for (const m of ${JSON.stringify(Object.keys(DEPENDENCIES))}) require(m); console.log('ok');\n`;

function makeProject(dir: string): string {
  const repo = join(dir, 'repo');
  mkdirSync(repo, { recursive: true });
  writeFileSync(
    join(repo, 'package.json'),
    `${JSON.stringify({ name: 'bench-app', private: true, scripts: { test: 'node test.js' }, dependencies: DEPENDENCIES }, null, 2)}\n`,
  );
  writeFileSync(join(repo, 'test.js'), TEST);
  writeFileSync(join(repo, '.gitignore'), 'node_modules/\n');
  npm(repo, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts']);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'app');
  return repo;
}

function npm(cwd: string, args: string[]): void {
  const r = spawnSync('npm', args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed in ${cwd}: ${r.stderr}`);
}

/** Free bytes of the file system, after a sync: shared (reflinked) blocks cost nothing here, unlike in du. */
function freeBytes(dir: string): number {
  spawnSync('sync', ['-f', dir]);
  const s = statfsSync(dir);
  return s.bavail * s.bsize;
}

type Mode = DependencyCopyMode | 'npm-ci';
interface Sample {
  mode: Mode;
  ms: number;
  depsMs: number;
  diskBytes: number;
  outcome: string;
}

async function sample(repo: string, root: string, base: string, mode: Mode, n: number): Promise<Sample> {
  mkdirSync(root, { recursive: true });
  const before = freeBytes(root);
  const t0 = performance.now();
  const wt = await createWorktree({
    repo,
    root,
    taskKey: 'bench',
    index: n,
    branch: `quartet/bench/${n}`,
    baseCommit: base,
  });
  const d0 = performance.now();
  let outcome = 'npm ci';
  if (mode === 'npm-ci') npm(wt.path, ['ci', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts']);
  else
    outcome =
      (
        await bringDependencies({
          repo,
          worktree: wt.path,
          baseCommit: base,
          rules: dependencyDirRules(['node_modules']),
          mode,
        })
      )[0]?.outcome ?? 'none';
  const depsMs = performance.now() - d0;
  const test = spawnSync('npm', ['test', '--silent'], { cwd: wt.path, encoding: 'utf8' });
  if (test.status !== 0) throw new Error(`npm test failed after ${mode} (${outcome}): ${test.stderr.slice(0, 400)}`);
  const ms = performance.now() - t0;
  const diskBytes = before - freeBytes(root);
  await removeWorktree(repo, wt.path);
  git(repo, 'branch', '-q', '-D', `quartet/bench/${n}`);
  return { mode, ms, depsMs, diskBytes, outcome };
}

function stats(xs: number[]): { min: number; median: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  return {
    min: Math.round(s[0] ?? 0),
    median: Math.round(s[Math.floor(s.length / 2)] ?? 0),
    max: Math.round(s[s.length - 1] ?? 0),
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(BASE_DIR, 'quartet-deps-bench-'));
  try {
    const repo = makeProject(dir);
    const base = git(repo, 'rev-parse', 'HEAD');
    const size = Number(execFileSync('du', ['-sb', join(repo, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
    const reflink = spawnSync('cp', ['--reflink=always', join(repo, 'package.json'), join(dir, 'probe')]).status === 0;
    const modes: Mode[] = reflink ? ['reflink', 'copy', 'npm-ci'] : ['copy', 'npm-ci'];
    const samples: Sample[] = [];
    let n = 0;
    // Interleaved: every round runs each mode once, in a rotating order, so a slow moment of the disk hits all modes.
    for (let round = 0; round < RUNS; round++) {
      for (let k = 0; k < modes.length; k++)
        samples.push(await sample(repo, join(dir, 'wts'), base, modes[(round + k) % modes.length] as Mode, ++n));
    }
    const summary = Object.fromEntries(
      modes.map((m) => {
        const mine = samples.filter((s) => s.mode === m);
        return [
          m,
          {
            toGreenTestMs: stats(mine.map((s) => s.ms)),
            dependencyStepMs: stats(mine.map((s) => s.depsMs)),
            diskBytesPerAttempt: stats(mine.map((s) => s.diskBytes)),
            outcomes: [...new Set(mine.map((s) => s.outcome))],
          },
        ];
      }),
    );
    const out = {
      when: new Date().toISOString(),
      fileSystem: BASE_DIR,
      reflinkSupported: reflink,
      nodeModulesBytes: size,
      runs: RUNS,
      summary,
      samples: samples.map((s) => ({ ...s, ms: Math.round(s.ms), depsMs: Math.round(s.depsMs) })),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `dependencies${reflink ? '-reflink' : ''}.json`);
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify({ fileSystem: BASE_DIR, nodeModulesBytes: size, summary }, null, 2));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main().catch((err) => {
  console.error(err);
  process.exit(1);
});
