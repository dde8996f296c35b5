// Unit: the JSON-RPC client against small scripted fake app-servers (real child processes, no Codex).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexClient, type CodexClientHandlers } from '../../src/core/execution/codexClient';
import { CodexExitError, ReadTimeoutError, RpcError } from '../../src/core/execution/errors';
import { isAlive } from '../../src/core/execution/processTree';
import { waitUntil } from '../support/waitUntil';

function fakeServer(body: string): { argv: string[]; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'q-fake-as-'));
  const file = join(dir, 'server.js');
  writeFileSync(
    file,
    `const rl = require('readline').createInterface({ input: process.stdin });\nconst out = (m) => process.stdout.write(JSON.stringify(m) + '\\n');\n${body}`,
  );
  return { argv: [process.execPath, file], cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function recorder(): CodexClientHandlers & { notes: string[]; malformed: string[]; exits: number } {
  const r = {
    notes: [] as string[],
    malformed: [] as string[],
    exits: 0,
    onRaw: () => undefined,
    onNotification: (m: string) => void r.notes.push(m),
    onServerRequest: async (m: string) => {
      if (m === 'boom') throw new Error('no');
      return { decision: 'accept' };
    },
    onMalformed: (reason: string) => void r.malformed.push(reason),
    onStderr: () => undefined,
    onExit: () => void r.exits++,
  };
  return r;
}

const opts = (argv: string[]) => ({
  argv,
  cwd: tmpdir(),
  env: { PATH: process.env.PATH ?? '' },
  maxLineBytes: 4096,
  readTimeoutMs: 2000,
  tag: { name: 'QUARTET_TEST_TAG', value: String(process.pid) },
});

test('requests resolve by id; server requests are answered; notifications and garbage are routed', async () => {
  const s = fakeServer(`rl.on('line', (l) => { const m = JSON.parse(l);
    if (m.method === 'initialize') { out({ method: 'note/one', params: {} }); process.stdout.write('garbage\\n' + 'x'.repeat(10000) + '\\n'); out({ id: 0, method: 'item/commandExecution/requestApproval', params: {} }); out({ id: m.id, result: { ok: true } }); }
    if (m.id === 0 && m.result) out({ method: 'approved', params: m.result });
    if (m.method === 'fail') out({ id: m.id, error: { code: -32600, message: 'Not initialized' } });
  });`);
  const h = recorder();
  const c = new CodexClient(opts(s.argv), h);
  try {
    c.start();
    assert.deepEqual(await c.request('initialize', {}), { ok: true });
    await assert.rejects(c.request('fail', {}), (e: unknown) => e instanceof RpcError && e.code === -32600);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(h.notes, ['note/one', 'approved']);
    assert.equal(h.malformed.length, 2, 'one non-JSON line, one over the cap');
  } finally {
    await c.shutdown();
    s.cleanup();
  }
});

test('a request without an answer times out with a typed error', async () => {
  const s = fakeServer(`rl.on('line', () => {});`);
  const c = new CodexClient({ ...opts(s.argv), readTimeoutMs: 300 }, recorder());
  try {
    c.start();
    await assert.rejects(c.request('thread/start', {}), ReadTimeoutError);
  } finally {
    await c.kill();
    s.cleanup();
  }
});

test('the child exiting at any moment rejects everything pending, with its stderr', async () => {
  const s = fakeServer(`rl.on('line', (l) => { process.stderr.write('fatal: bad config\\n'); process.exit(3); });`);
  const h = recorder();
  const c = new CodexClient(opts(s.argv), h);
  try {
    c.start();
    const a = c.request('initialize', {});
    const b = c.request('thread/start', {});
    await assert.rejects(a, (e: unknown) => e instanceof CodexExitError && /exit code 3.*bad config/.test(e.message));
    await assert.rejects(b, CodexExitError);
    await assert.rejects(c.request('late', {}), CodexExitError, 'requests after exit fail at once');
    assert.equal(h.exits, 1);
  } finally {
    s.cleanup();
  }
});

test('kill ends the process group including grandchildren that ignore SIGTERM', async () => {
  const s = fakeServer(`const { spawn } = require('child_process');
    const g = spawn('sh', ['-c', 'trap "" TERM; sleep 300'], { stdio: 'ignore' });
    out({ method: 'child', params: { pid: g.pid } }); rl.on('line', () => {});`);
  let grandchild = 0;
  const h = {
    ...recorder(),
    onNotification: (_m: string, p: Record<string, unknown>) => void (grandchild = Number(p.pid)),
  };
  const c = new CodexClient(opts(s.argv), h);
  try {
    c.start();
    await waitUntil(() => grandchild > 0, 2500, 'the grandchild to start');
    assert.ok(isAlive(grandchild));
    await c.kill();
    assert.equal(isAlive(grandchild), false);
    assert.equal(c.pid !== null && isAlive(c.pid), false);
  } finally {
    s.cleanup();
  }
});
