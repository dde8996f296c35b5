// Drives the real pinned Codex app-server against the demo model over raw JSONL, end to end and offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { startFakeResponsesServer, type FakeResponsesServer } from '../../demo/fakeResponsesServer';
import { hermeticCodexEnv, writeCodexHome } from '../../demo/codexHome';
import { shortId } from '../../demo/demoScript';

const CODEX = resolve(__dirname, '../../../node_modules/.bin/codex');
type Msg = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: Record<string, unknown>;
  error?: unknown;
};

/** Just enough of a JSON-RPC client to run one turn; the product's real client lives in src/core. */
class RawAppServer {
  readonly messages: Msg[] = [];
  readonly stderr: string[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private nextId = 1;
  private readonly waiters = new Set<() => void>();

  constructor(cwd: string, env: Record<string, string>) {
    this.child = spawn(CODEX, ['app-server'], { cwd, env });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const msg = JSON.parse(line) as Msg;
      this.messages.push(msg);
      // A server→client request has both method and id: accept approvals so scenarios can proceed.
      if (msg.method && msg.id !== undefined) this.send({ id: msg.id, result: { decision: 'accept' } });
      for (const wake of this.waiters) wake();
    });
    this.child.stderr.on('data', (d: Buffer) => this.stderr.push(d.toString()));
  }

  send(msg: Record<string, unknown>): void {
    this.child.stdin.write(`${JSON.stringify(msg)}\n`);
  }

  waitFor(match: (m: Msg) => boolean, timeoutMs: number, what: string): Promise<Msg> {
    return new Promise((ok, fail) => {
      const check = (): void => {
        const found = this.messages.find(match);
        if (!found) return;
        cleanup();
        ok(found);
      };
      const timer = setTimeout(() => {
        cleanup();
        fail(new Error(`timed out waiting for ${what}; stderr:\n${this.stderr.join('').slice(-2000)}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  async request(method: string, params: unknown, timeoutMs = 60_000): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.send({ method, id, params });
    const reply = await this.waitFor((m) => m.id === id && !m.method, timeoutMs, method);
    if (reply.error) throw new Error(`${method} failed: ${JSON.stringify(reply.error)}`);
    return reply.result ?? {};
  }

  notifications(method: string): Record<string, unknown>[] {
    return this.messages.filter((m) => m.method === method && m.id === undefined).map((m) => m.params ?? {});
  }

  /** Closing stdin ends the server cleanly; SIGKILL is the fallback. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

interface Run {
  codex: RawAppServer;
  repo: string;
  threadId: string;
  turn: Record<string, unknown>;
}

async function runTurn(server: FakeResponsesServer, root: string, prompt: string): Promise<Run> {
  const repo = join(root, 'repo');
  execFileSync('git', ['init', '-q', '-b', 'main', repo]);
  writeFileSync(join(repo, 'README.md'), '# scratch repo\n');
  const git = ['-c', 'user.name=Quartet Test', '-c', 'user.email=test@example.invalid', '-C', repo];
  execFileSync('git', [...git, 'add', '.']);
  execFileSync('git', [...git, 'commit', '-q', '-m', 'initial']);
  const codexHome = join(root, 'codex-home');
  writeCodexHome(codexHome, { baseUrl: server.url, approvalPolicy: 'never', sandbox: 'workspace-write' });
  const codex = new RawAppServer(repo, hermeticCodexEnv(codexHome, join(root, 'home-dir')));
  try {
    await codex.request('initialize', {
      clientInfo: { name: 'quartet_test', title: 'Quartet test', version: '0.0.1' },
      capabilities: null,
    });
    codex.send({ method: 'initialized' });
    const started = await codex.request('thread/start', {
      cwd: repo,
      approvalPolicy: 'never',
      sandbox: 'workspace-write',
    });
    const threadId = (started.thread as { id: string }).id;
    await codex.request('turn/start', { threadId, input: [{ type: 'text', text: prompt, text_elements: [] }] });
    const done = await codex.waitFor((m) => m.method === 'turn/completed', 60_000, 'turn/completed');
    return { codex, repo, threadId, turn: (done.params?.turn ?? {}) as Record<string, unknown> };
  } catch (err) {
    // A Codex left running would keep this file's process alive past its failure (until the runner's timeout).
    await codex.stop();
    throw err;
  }
}

function filesContaining(dir: string, needle: string): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === '.git') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) hits.push(...filesContaining(full, needle));
    else if (readFileSync(full, 'utf8').includes(needle)) hits.push(full);
  }
  return hits;
}

async function withRun(prompt: string, check: (run: Run, server: FakeResponsesServer) => void): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'quartet-fake-model-'));
  const server = await startFakeResponsesServer({});
  let run: Run | undefined;
  try {
    run = await runTurn(server, root, prompt);
    check(run, server);
  } finally {
    await run?.codex.stop();
    await server.close();
    rmSync(root, { recursive: true, force: true });
  }
}

test('default scenario: the real Codex runs read, edit, check and final message', { timeout: 150_000 }, async () => {
  await withRun('Improve the repo a little.', ({ codex, repo, threadId, turn }, server) => {
    assert.equal(turn.status, 'completed', JSON.stringify(turn.error));
    const stats = server.stats.threads.get(threadId);
    assert.ok(stats, `no requests for thread ${threadId}: ${[...server.stats.threads.keys()].join(',')}`);
    assert.deepEqual(stats.steps, [0, 1, 2, 3]);
    assert.equal(filesContaining(repo, shortId(threadId)).length, 1);
    const usage = codex.notifications('thread/tokenUsage/updated').at(-1)?.tokenUsage as {
      total: Record<string, number>;
    };
    assert.equal(usage.total.totalTokens, stats.usage.total);
    assert.equal(usage.total.inputTokens, stats.usage.input);
    assert.equal(usage.total.outputTokens, stats.usage.output);
    const commands = codex.notifications('item/completed').map((p) => p.item as Record<string, unknown>);
    assert.ok(commands.some((i) => i.type === 'commandExecution' && i.exitCode === 0));
    const agent = commands.find((i) => i.type === 'agentMessage');
    assert.match(String(agent?.text), /^Add demo note /);
  });
});

test('fail scenario: the turn completes with status failed', { timeout: 150_000 }, async () => {
  await withRun('Do something [[quartet-demo:fail]]', ({ turn, codex }) => {
    assert.equal(turn.status, 'failed');
    assert.ok(turn.error, 'a failed turn carries an error');
    assert.ok(codex.notifications('error').length >= 1);
  });
});
