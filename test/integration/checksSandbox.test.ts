// Integration (real `codex sandbox`): checks and hooks run in the agent's sandbox — writes, network, env, FIFO, unavailable sandbox.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/repoHarness';
import { brokenSandboxCodex, sandboxTestEnv, testSandbox } from '../support/sandboxEnv';
import { runSandboxedChecks } from '../../src/core/land/checkRun';
import { LOOPBACK_PROFILE, minimalEnv } from '../../src/core/execution/sandbox';
import { isAlive, pidsWithEnv } from '../../src/core/execution/processTree';
import { runHook } from '../../src/core/workflow/hooks';
import { runAttemptHook } from '../../src/core/workflow/attemptHooks';
import { parseWorkflow } from '../../src/core/workflow/loader';
import { readJournal } from '../../src/core/observability/journal';

function scratch(): { dir: string; wt: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'q-sbx-'));
  const wt = join(dir, 'wt');
  mkdirSync(wt);
  return { dir, wt, done: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Outside every writable root of the sandbox (the worktree, /tmp and TMPDIR are writable). */
const outside = (name: string): string => `/var/tmp/quartet-test-${process.pid}-${Date.now()}-${name}`;

function listen(server: Server, where: number | string): Promise<void> {
  return new Promise((resolve) =>
    typeof where === 'number' ? server.listen(where, '127.0.0.1', resolve) : server.listen(where, resolve),
  );
}

test(
  'a check runs in the loopback-only sandbox: its own 127.0.0.1 works; host loopback, Unix sockets, writes outside and tokens do not',
  { timeout: 60_000 },
  async () => {
    const s = scratch();
    const hostTcp = createServer((c) => c.end('HOST'));
    const hostUnix = createServer((c) => c.end('HOST'));
    try {
      await listen(hostTcp, 0);
      const port = (hostTcp.address() as { port: number }).port;
      const sock = join(s.dir, 'host.sock');
      await listen(hostUnix, sock);
      const target = outside('write');
      const probe = `
const net = require('net');
const tryConnect = (label, ...a) => new Promise((res) => net.connect(...a).on('data', () => res(label + '=reached')).on('error', (e) => res(label + '=' + e.code)));
const own = net.createServer((c) => c.end('x')).listen(0, '127.0.0.1', async () => {
  const out = [await tryConnect('own', own.address().port, '127.0.0.1'), await tryConnect('hostTcp', ${port}, '127.0.0.1'), await tryConnect('hostUnix', ${JSON.stringify(sock)})];
  console.log(out.join(' '));
  own.close();
});`;
      writeFileSync(join(s.wt, 'probe.js'), probe);
      const env = sandboxTestEnv(s.dir, {
        GITHUB_TOKEN: 'ghp_secret',
        SSH_AUTH_SOCK: sock,
        AWS_SECRET_ACCESS_KEY: 'aws',
        OPENAI_API_KEY: 'sk',
      });
      const command = `node probe.js; env | grep -E "TOKEN|SSH_AUTH|_KEY=" || echo "no secrets"; echo x > ${target} || echo "write refused"; echo inside > inside.txt`;
      const r = await runSandboxedChecks({
        repo: ROOT,
        cwd: s.wt,
        command,
        timeoutMs: 30_000,
        env,
        allowUnsandboxed: false,
      });
      assert.equal(r.sandboxed, true);
      assert.equal(r.profile, LOOPBACK_PROFILE, 'the loopback-only profile works on this machine');
      assert.match(r.outputTail, /own=reached hostTcp=ECONNREFUSED hostUnix=EPERM/, r.outputTail);
      assert.match(r.outputTail, /no secrets/);
      assert.match(r.outputTail, /write refused/);
      assert.match(r.outputTail, /cannot create \/var\/tmp\/quartet-test-.*: Read-only file system/);
      assert.equal(existsSync(target), false, 'nothing was written outside the worktree');
      assert.equal(existsSync(join(s.wt, 'inside.txt')), true, 'the worktree itself is writable');
    } finally {
      hostTcp.close();
      hostUnix.close();
      s.done();
    }
  },
);

test(
  'a FIFO package.json in the worktree: `npm test` in the sandbox times out with a clear reason, the event loop keeps running',
  { timeout: 60_000 },
  async () => {
    const s = scratch();
    try {
      execFileSync('mkfifo', [join(s.wt, 'package.json')]);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 100);
      const r = await runSandboxedChecks({
        repo: ROOT,
        cwd: s.wt,
        command: 'npm test',
        timeoutMs: 3000,
        env: sandboxTestEnv(s.dir),
        allowUnsandboxed: false,
      });
      clearInterval(timer);
      assert.equal(r.ok, false);
      assert.equal(r.timedOut, true);
      assert.equal(r.summary[0], 'timed out after 3 s');
      assert.ok(ticks >= 15, `the supervisor's loop kept ticking during the check (${ticks})`);
    } finally {
      s.done();
    }
  },
);

test(
  'sandbox unavailable: nothing runs and the result says why and which setting allows it; the setting runs it unsandboxed',
  { timeout: 60_000 },
  async () => {
    const s = scratch();
    try {
      const env = sandboxTestEnv(s.dir, { QUARTET_CODEX: brokenSandboxCodex(s.dir) });
      const marker = join(s.wt, 'ran.txt');
      const off = await runSandboxedChecks({
        repo: ROOT,
        cwd: s.wt,
        command: `echo ran > ${marker}`,
        timeoutMs: 10_000,
        env,
        allowUnsandboxed: false,
      });
      assert.equal(off.ok, false);
      assert.equal(off.notRun, true);
      assert.equal(off.sandboxed, false);
      assert.match(
        off.summary[0] ?? '',
        /^not run: the sandbox is unavailable \(.*No permissions to create new namespace.*\); set quartet\.checks\.allowUnsandboxed/,
      );
      assert.equal(existsSync(marker), false, 'nothing ran');
      const on = await runSandboxedChecks({
        repo: ROOT,
        cwd: s.wt,
        command: `echo ran > ${marker}`,
        timeoutMs: 10_000,
        env,
        allowUnsandboxed: true,
      });
      assert.equal(on.ok, true, on.outputTail);
      assert.equal(on.sandboxed, false);
      assert.match(on.outputTail, /ran without the sandbox \(quartet\.checks\.allowUnsandboxed\)/);
      assert.equal(existsSync(marker), true);
    } finally {
      s.done();
    }
  },
);

test(
  'hooks: before_run/after_run/before_remove run in the sandbox with a minimal env; after_create on the fresh worktree does not',
  { timeout: 90_000 },
  async () => {
    const s = scratch();
    try {
      const target = outside('hook');
      const script = `echo "token=\${GITHUB_TOKEN:-none}"; echo x > ${target} || echo "write refused"; echo "$QUARTET_HOOK" >> hooks.txt`;
      const indent = (x: string): string =>
        x
          .split('\n')
          .map((l) => `    ${l}`)
          .join('\n');
      const def = parseWorkflow(
        `---\nhooks:\n  after_create: |\n${indent('echo "$QUARTET_HOOK token=${GITHUB_TOKEN:-none}" >> hooks.txt')}\n${['before_run', 'after_run', 'before_remove'].map((n) => `  ${n}: |\n${indent(script)}`).join('\n')}\n---\nDo it.\n`,
        join(s.dir, 'WORKFLOW.md'),
      );
      const journal = join(s.dir, 'journal.jsonl');
      const ctx = {
        attemptId: 't-1-1',
        taskId: 't-1',
        worktree: s.wt,
        branch: 'quartet/k/1',
        env: sandboxTestEnv(s.dir, { GITHUB_TOKEN: 'ghp_x' }),
        journal,
      };
      const opts = { log: () => undefined, secretNames: [], repo: ROOT, allowUnsandboxed: false };
      const created = await runAttemptHook(def, 'after_create', ctx, opts);
      assert.equal(created?.result.sandboxed, false);
      for (const name of ['before_run', 'after_run', 'before_remove'] as const) {
        const ran = await runAttemptHook(def, name, ctx, opts);
        assert.equal(ran?.result.ok, true, ran?.result.output);
        assert.equal(ran?.result.sandboxed, true, name);
        assert.match(ran?.result.output ?? '', /^token=none\n/, name);
        assert.match(ran?.result.output ?? '', /write refused/, name);
        assert.match(ran?.result.output ?? '', /Read-only file system/, name);
      }
      assert.equal(existsSync(target), false, 'no hook wrote outside the worktree');
      const events = readJournal(journal).flatMap((r) =>
        r.kind === 'event' && r.event.type === 'hook' ? [r.event] : [],
      );
      assert.deepEqual(
        events.map((e) => [e.name, e.sandboxed]),
        [
          ['after_create', false],
          ['before_run', true],
          ['after_run', true],
          ['before_remove', true],
        ],
      );
      // Unavailable sandbox: a fatal before_run fails the attempt with the reason; nothing ran.
      const broken = { ...ctx, env: { ...ctx.env, QUARTET_CODEX: brokenSandboxCodex(s.dir) } };
      const refused = await runAttemptHook(def, 'before_run', broken, opts);
      assert.equal(refused?.fatal, true);
      assert.match(
        refused?.message ?? '',
        /before_run hook failed \(not run: the sandbox is unavailable .*quartet\.checks\.allowUnsandboxed/,
      );
    } finally {
      s.done();
    }
  },
);

test(
  'a sandboxed hook that times out is ended with everything it started inside the sandbox',
  { timeout: 60_000 },
  async () => {
    const s = scratch();
    try {
      const env = sandboxTestEnv(s.dir);
      const tag = `q-sbx-hook-${process.pid}-${Date.now()}`;
      const sandbox = await testSandbox(env, ROOT);
      const r = await runHook({
        name: 'before_run',
        script: 'sleep 600 &\necho started\nsleep 600',
        cwd: s.wt,
        env: { ...minimalEnv(env), HOOK_TEST_TAG: tag },
        timeoutMs: 1500,
        sandbox,
      });
      assert.equal(r.sandboxed, true);
      assert.equal(r.timedOut, true);
      assert.match(r.output, /started/);
      await new Promise((res) => setTimeout(res, 300));
      assert.deepEqual(pidsWithEnv('HOOK_TEST_TAG', tag).filter(isAlive), [], 'no process of the hook is left');
    } finally {
      s.done();
    }
  },
);
