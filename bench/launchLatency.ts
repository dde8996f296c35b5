// Benchmark: launch(task, 4) → four `session started`, beside 4 × `git worktree add` + one Codex start, same repo, same run.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeResponsesServer } from '../demo/fakeResponsesServer';
import { hermeticCodexEnv, writeCodexHome } from '../demo/codexHome';
import { SupervisorClient } from '../src/core/client/supervisorClient';
import { readJournal } from '../src/core/observability/journal';

const ROOT = resolve(__dirname, '../..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const FILES = Number(process.env.BENCH_FILES ?? 5000);
const git = (cwd: string, ...a: string[]): string => execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...a], { cwd, encoding: 'utf8' }).trim();

function makeBigRepo(dir: string): string {
  const repo = join(dir, 'repo');
  for (let i = 0; i < FILES; i++) {
    const sub = join(repo, `pkg${i % 50}`, `mod${i % 7}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(join(sub, `file${i}.ts`), `export const value${i} = ${i};\n// ${'x'.repeat(200)}\n`);
  }
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'big');
  return repo;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** One Codex start as the floor counts it: spawn, initialize, thread/start response. */
async function codexStartMs(cwd: string, env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const child = spawn(join(ROOT, 'node_modules/.bin/codex'), ['app-server'], { cwd, env, stdio: ['pipe', 'pipe', 'ignore'] });
  const rl = createInterface({ input: child.stdout });
  const send = (m: unknown): boolean => child.stdin.write(`${JSON.stringify(m)}\n`);
  const done = new Promise<void>((ok) =>
    rl.on('line', (line) => {
      const m = JSON.parse(line) as { id?: number; method?: string };
      if (m.id === 1 && !m.method) {
        send({ method: 'initialized' });
        send({ method: 'thread/start', id: 2, params: { cwd, approvalPolicy: 'never', sandbox: 'workspace-write' } });
      }
      if (m.id === 2 && !m.method) ok();
    }),
  );
  send({ method: 'initialize', id: 1, params: { clientInfo: { name: 'bench', title: 'bench', version: '0' }, capabilities: null } });
  await done;
  const ms = performance.now() - t0;
  child.stdin.end();
  child.kill();
  return ms;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-bench-'));
  const server = await startFakeResponsesServer({ stepDelayMs: 0 });
  const codexHome = join(dir, 'codex-home');
  const home = join(dir, 'home');
  mkdirSync(home);
  writeCodexHome(codexHome, { baseUrl: server.url });
  const base = hermeticCodexEnv(codexHome, home);
  const env = { ...base, PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${base.PATH ?? ''}` };
  let client: SupervisorClient | null = null;
  try {
    const repo = makeBigRepo(dir);
    client = await SupervisorClient.connect({ repo, supervisorEntry: join(ROOT, 'dist/supervisor.js'), env });
    const results: { quartetMs: number; worktreeAddsMs: number; codexStartMs: number; worktreesReadyMs: number[] }[] = [];
    for (let run = 0; run < RUNS; run++) {
      // Floor, part 1: four sequential worktree adds (concurrent adds are unsafe; see the architecture guide).
      const floorRoot = join(dir, `floor-${run}`);
      const t0 = performance.now();
      for (let k = 1; k <= 4; k++) git(repo, 'worktree', 'add', '-q', '-b', `floor/${run}/${k}`, join(floorRoot, String(k)), 'HEAD');
      const worktreeAddsMs = performance.now() - t0;
      const codexMs = await codexStartMs(join(floorRoot, '1'), env);
      for (let k = 1; k <= 4; k++) git(repo, 'worktree', 'remove', '--force', join(floorRoot, String(k)));
      // Quartet: from the launch call to the fourth thread/start response (journal timestamps).
      await client.configure({ worktreeRoot: join(dir, `wt-${run}`), maxConcurrent: 4 });
      const start = Date.now();
      const task = await client.launch({ title: `bench ${run}`, prompt: 'bench [[quartet-demo:hang]]', attempts: 4 });
      let ends: number[] = [];
      for (let i = 0; i < 600 && ends.length < 4; i++) {
        await new Promise((r) => setTimeout(r, 50));
        ends = task.attempts.flatMap((a) =>
          readJournal(a.journal).flatMap((r) => (r.kind === 'event' && r.event.type === 'session_started' ? [Date.parse(r.at)] : [])),
        );
      }
      if (ends.length < 4) throw new Error('attempts did not all start');
      const ready = task.attempts.flatMap((a) =>
        readJournal(a.journal).flatMap((r) => (r.kind === 'event' && r.event.type === 'phase' && r.event.phase === 'starting' ? [Date.parse(r.at) - start] : [])),
      );
      results.push({ quartetMs: Math.max(...ends) - start, worktreeAddsMs, codexStartMs: codexMs, worktreesReadyMs: ready.sort((x, y) => x - y) });
      for (const a of task.attempts) await client.stop(a.id);
    }
    const q = median(results.map((r) => r.quartetMs));
    const adds = median(results.map((r) => r.worktreeAddsMs));
    const cx = median(results.map((r) => r.codexStartMs));
    const out = {
      benchmark: 'launch-latency',
      date: new Date().toISOString(),
      files: FILES,
      runs: RUNS,
      median: { quartetLaunchMs: Math.round(q), fourWorktreeAddsMs: Math.round(adds), oneCodexStartMs: Math.round(cx), floorMs: Math.round(adds + cx) },
      ratioToWorktreeAdds: Math.round((q / adds) * 100) / 100,
      ratioToFloor: Math.round((q / (adds + cx)) * 100) / 100,
      target: 'quartetLaunchMs <= floorMs (4 × git worktree add + one Codex start)',
      meetsTarget: q <= adds + cx,
      samples: results.map((r) => ({ quartetMs: Math.round(r.quartetMs), worktreeAddsMs: Math.round(r.worktreeAddsMs), codexStartMs: Math.round(r.codexStartMs), worktreesReadyMs: r.worktreesReadyMs })),
    };
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/launch-latency.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify(out, null, 2));
  } finally {
    await client?.shutdown().catch(() => undefined);
    client?.close();
    await server.close();
    await new Promise((r) => setTimeout(r, 500));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
