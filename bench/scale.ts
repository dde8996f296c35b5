// Benchmark: N sessions each printing a line every 50 ms; CPU per journal record of the supervisor and of a connected client, records/s, RSS.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeResponsesServer } from '../demo/fakeResponsesServer';
import { hermeticCodexEnv, writeCodexHome } from '../demo/codexHome';
import { SupervisorClient } from '../src/core/client/supervisorClient';

const ROOT = resolve(__dirname, '../..');
const SESSIONS = Number(process.env.SCALE_SESSIONS ?? 50);
const PER_TASK = 5;
/** /proc CPU times tick at 10 ms: samples long enough that a light host still spends several ticks in each. */
const SAMPLE_MS = Number(process.env.SCALE_SAMPLE_MS ?? 5000);
const SAMPLES = Number(process.env.SCALE_SAMPLES ?? 12);
const WARMUP_MS = Number(process.env.SCALE_WARMUP_MS ?? 10_000);
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** utime + stime of a process in ms (its threads included), and its resident set in bytes. */
function usage(pid: number): { cpuMs: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuMs: (Number(f[11]) + Number(f[12])) * TICK_MS, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}

/** Counts journal lines as they are appended (reads only the new bytes of each file). */
class RecordCounter {
  private offsets = new Map<string, number>();
  total = 0;
  constructor(private readonly dir: string) {}
  count(): number {
    if (!existsSync(this.dir)) return this.total;
    const buf = Buffer.alloc(1 << 20);
    for (const name of readdirSync(this.dir)) {
      if (!name.endsWith('.jsonl')) continue;
      const path = join(this.dir, name);
      const size = statSync(path).size;
      let at = this.offsets.get(path) ?? 0;
      if (size <= at) continue;
      const fd = openSync(path, 'r');
      try {
        while (at < size) {
          const n = readSync(fd, buf, 0, Math.min(buf.length, size - at), at);
          if (n <= 0) break;
          for (let i = 0; i < n; i++) if (buf[i] === 10) this.total++;
          at += n;
        }
      } finally {
        closeSync(fd);
      }
      this.offsets.set(path, at);
    }
    return this.total;
  }
}

function stats(xs: number[]): { median: number; min: number; max: number } {
  const s = [...xs].sort((a, b) => a - b);
  const round = (x: number): number => Math.round(x * 10_000) / 10_000;
  return {
    median: round(s[Math.floor(s.length / 2)] as number),
    min: round(s[0] as number),
    max: round(s[s.length - 1] as number),
  };
}

async function startClientProcess(
  env: Record<string, string>,
): Promise<{ child: ChildProcess; pid: number; done: Promise<string> }> {
  const child = spawn(process.execPath, [join(ROOT, 'out/bench/scaleClient.js')], {
    env,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  let statsLine = '';
  const pid = await new Promise<number>((ok, fail) => {
    lines.on('line', (l) => {
      if (l.startsWith('ready ')) ok(Number(l.slice(6)));
      if (l.startsWith('stats ')) statsLine = l.slice(6);
    });
    child.once('exit', (code) => fail(new Error(`the client process exited (${code})`)));
  });
  const done = new Promise<string>((ok) => child.once('exit', () => ok(statsLine)));
  return { child, pid, done };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-scale-'));
  const server = await startFakeResponsesServer({ stepDelayMs: 0 });
  const codexHome = join(dir, 'codex-home');
  mkdirSync(join(dir, 'home'));
  writeCodexHome(codexHome, { baseUrl: server.url });
  const base = hermeticCodexEnv(codexHome, join(dir, 'home'));
  const env = {
    ...base,
    PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${base.PATH ?? ''}`,
    QUARTET_SUPERVISOR_IDLE_MS: '600000',
  };
  const repo = join(dir, 'repo');
  cpSync(join(ROOT, 'demo', 'sample-repo'), repo, { recursive: true });
  for (const args of [
    ['init', '-q', '-b', 'main'],
    ['add', '-A'],
    ['commit', '-qm', 'init'],
  ])
    execFileSync('git', ['-c', 'user.name=s', '-c', 'user.email=s@s', ...args], { cwd: repo });
  const entry = join(ROOT, 'dist/supervisor.js');
  // SCALE_CPU_PROF=DIR: the supervisor and the client write V8 CPU profiles there (named by pid) when they exit.
  const prof: Record<string, string> = process.env.SCALE_CPU_PROF
    ? {
        NODE_OPTIONS: `--require=${join(ROOT, 'out/bench/cpuProfile.js')}`,
        QUARTET_CPU_PROF_DIR: process.env.SCALE_CPU_PROF,
      }
    : {};
  const client = await SupervisorClient.connect({ repo, supervisorEntry: entry, env: { ...env, ...prof } });
  let reader: Awaited<ReturnType<typeof startClientProcess>> | null = null;
  try {
    await client.configure({ worktreeRoot: join(dir, 'worktrees'), maxConcurrent: SESSIONS });
    const supervisorPid = (await client.diagnostics()).pid;
    reader = await startClientProcess({ ...env, ...prof, SCALE_REPO: repo, SCALE_SUPERVISOR_ENTRY: entry });
    for (let left = SESSIONS; left > 0; left -= PER_TASK) {
      await client.launch({
        title: `scale ${left}`,
        prompt: 'tick [[quartet-demo:ticker]]',
        attempts: Math.min(PER_TASK, left),
        options: { stallTimeoutMs: 600_000, checkCommand: '', loopLimit: 0, noProgressLimit: 0 },
      });
    }
    // Wait for every session to run its command, then let the host settle before sampling.
    for (let i = 0; i < 180; i++) {
      const s = await client.snapshot();
      if (s.tasks.flatMap((t) => t.attempts).filter((a) => a.phase === 'working').length >= SESSIONS) break;
      await sleep(1000);
    }
    await sleep(WARMUP_MS);
    const counter = new RecordCounter(join(repo, '.git', 'quartet', 'journals'));
    let records = counter.count();
    let sup = usage(supervisorPid);
    let cli = usage(reader.pid);
    let at = performance.now();
    const samples: Record<string, number>[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await sleep(SAMPLE_MS);
      const nowRecords = counter.count();
      const [s, c, now] = [usage(supervisorPid), usage(reader.pid), performance.now()];
      const n = nowRecords - records;
      const seconds = (now - at) / 1000;
      samples.push({
        seconds: Math.round(seconds * 1000) / 1000,
        records: n,
        recordsPerSec: n / seconds,
        supervisorCpuMs: s.cpuMs - sup.cpuMs,
        clientCpuMs: c.cpuMs - cli.cpuMs,
        supervisorMsPerRecord: n ? (s.cpuMs - sup.cpuMs) / n : 0,
        clientMsPerRecord: n ? (c.cpuMs - cli.cpuMs) / n : 0,
        supervisorCorePct: ((s.cpuMs - sup.cpuMs) / (now - at)) * 100,
        supervisorRssBytes: s.rssBytes,
        clientRssBytes: c.rssBytes,
      });
      console.log(JSON.stringify(samples[samples.length - 1]));
      [records, sup, cli, at] = [nowRecords, s, c, now];
    }
    const snap = await client.snapshot();
    const keys = [
      'recordsPerSec',
      'supervisorMsPerRecord',
      'clientMsPerRecord',
      'supervisorCorePct',
      'supervisorRssBytes',
      'clientRssBytes',
    ];
    const out = {
      benchmark: 'scale',
      date: new Date().toISOString(),
      sessions: SESSIONS,
      running: snap.tasks.flatMap((t) => t.attempts).filter((a) => a.phase === 'working').length,
      phases: snap.tasks
        .flatMap((t) => t.attempts)
        .reduce<Record<string, number>>((m, a) => ({ ...m, [a.phase]: (m[a.phase] ?? 0) + 1 }), {}),
      lastErrors: [
        ...new Set(
          snap.tasks
            .flatMap((t) => t.attempts)
            .map((a) => a.lastError)
            .filter(Boolean),
        ),
      ].slice(0, 5),
      sampleMs: SAMPLE_MS,
      cpuTickMs: TICK_MS,
      loadAverage: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number),
      target: 'supervisorMsPerRecord <= 0.05 with supervisorRssBytes flat',
      summary: Object.fromEntries(keys.map((k) => [k, stats(samples.map((x) => x[k] as number))])),
      rssGrowthBytes: {
        supervisor: (samples.at(-1)?.supervisorRssBytes ?? 0) - (samples[0]?.supervisorRssBytes ?? 0),
        client: (samples.at(-1)?.clientRssBytes ?? 0) - (samples[0]?.clientRssBytes ?? 0),
      },
      client: null as unknown,
      samples,
    };
    reader.child.stdin?.end();
    out.client = JSON.parse((await reader.done) || 'null');
    reader = null;
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(join(ROOT, 'bench/results/scale.json'), `${JSON.stringify(out, null, 2)}\n`);
    console.log(JSON.stringify({ ...out, samples: undefined }, null, 2));
  } finally {
    reader?.child.kill();
    await client.shutdown().catch(() => undefined);
    client.close();
    await server.close();
    await sleep(1000);
    // Codex may still be writing its home as it exits: a leftover temp folder must not hide the result.
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (err) {
      console.error(`could not remove ${dir}: ${(err as Error).message}`);
    }
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
