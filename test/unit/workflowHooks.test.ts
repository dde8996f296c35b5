// Unit: the hook runner (SPEC §9.4, §15.4) — cwd + env, exit codes, timeouts end the whole group, truncated output, PATH kept.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeHookResult, FATAL_HOOKS, hookScript, runHook, truncateOutput } from '../../src/core/workflow/hooks';
import { isAlive, pidsWithEnv } from '../../src/core/execution/processTree';

const baseEnv = (): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/tmp',
});

function sandbox(): { dir: string; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-hook-'));
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) };
}

test('runs a multi-line script with sh in the worktree, with the given environment', async () => {
  const s = sandbox();
  try {
    const script =
      'echo "cwd=$(pwd)"\nif [ -n "$QUARTET_ATTEMPT_ID" ]; then\n  echo "attempt=$QUARTET_ATTEMPT_ID hook=$QUARTET_HOOK" > marker.txt\nfi\necho to-stderr >&2';
    const r = await runHook({
      name: 'after_create',
      script,
      cwd: s.dir,
      env: { ...baseEnv(), QUARTET_ATTEMPT_ID: 't-1-2' },
      timeoutMs: 10_000,
    });
    assert.equal(r.ok, true, r.output);
    assert.equal(r.exitCode, 0);
    assert.match(r.output, new RegExp(`cwd=${s.dir}`));
    assert.match(r.output, /to-stderr/);
    assert.equal(readFileSync(join(s.dir, 'marker.txt'), 'utf8'), 'attempt=t-1-2 hook=after_create\n');
  } finally {
    s.done();
  }
});

test('a failing script reports its exit code and last line; the description says so', async () => {
  const s = sandbox();
  try {
    const r = await runHook({
      name: 'before_run',
      script: 'echo preparing\necho "cannot reach the cache" >&2\nexit 3',
      cwd: s.dir,
      env: baseEnv(),
      timeoutMs: 10_000,
    });
    assert.equal(r.ok, false);
    assert.equal(r.exitCode, 3);
    assert.equal(r.timedOut, false);
    assert.equal(describeHookResult(r), 'before_run hook failed (exit 3): cannot reach the cache');
  } finally {
    s.done();
  }
});

test('a timeout ends the hook and everything it started (process group), and says it timed out', async () => {
  const s = sandbox();
  try {
    const tag = `quartet-hook-test-${process.pid}-${Date.now()}`;
    const started = Date.now();
    const r = await runHook({
      name: 'before_run',
      script: 'sleep 600 &\necho started\nsleep 600',
      cwd: s.dir,
      env: { ...baseEnv(), HOOK_TEST_TAG: tag },
      timeoutMs: 500,
    });
    assert.equal(r.ok, false);
    assert.equal(r.timedOut, true);
    assert.ok(Date.now() - started < 10_000, 'returned soon after the timeout');
    assert.match(r.output, /started/);
    assert.match(r.output, /timed out after 500 ms/);
    assert.match(describeHookResult(r), /before_run hook failed \(timed out\)/);
    const left = pidsWithEnv('HOOK_TEST_TAG', tag).filter(isAlive);
    assert.deepEqual(left, [], 'no process of the hook is left');
  } finally {
    s.done();
  }
});

test('processes a finished hook left in the background are ended with it', async () => {
  const s = sandbox();
  try {
    const tag = `quartet-hook-bg-${process.pid}-${Date.now()}`;
    const r = await runHook({
      name: 'after_run',
      script: 'sleep 600 &\necho bye',
      cwd: s.dir,
      env: { ...baseEnv(), HOOK_TEST_TAG: tag },
      timeoutMs: 10_000,
    });
    assert.equal(r.ok, true);
    await new Promise((res) => setTimeout(res, 100));
    assert.deepEqual(pidsWithEnv('HOOK_TEST_TAG', tag).filter(isAlive), []);
  } finally {
    s.done();
  }
});

test("the attempt's PATH wins over the login shell's profile", async () => {
  const s = sandbox();
  try {
    const bin = join(s.dir, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'quartet-probe-tool'), '#!/bin/sh\necho probe-ok\n');
    chmodSync(join(bin, 'quartet-probe-tool'), 0o755);
    const r = await runHook({
      name: 'before_run',
      script: 'quartet-probe-tool',
      cwd: s.dir,
      env: { ...baseEnv(), PATH: `${bin}:/usr/bin:/bin` },
      timeoutMs: 10_000,
    });
    assert.equal(r.ok, true, r.output);
    assert.match(r.output, /probe-ok/);
  } finally {
    s.done();
  }
});

test('output is truncated to head + tail with a marker', async () => {
  const s = sandbox();
  try {
    const r = await runHook({
      name: 'after_create',
      script: 'i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done',
      cwd: s.dir,
      env: baseEnv(),
      timeoutMs: 20_000,
    });
    assert.equal(r.ok, true);
    assert.ok(r.output.length < 9000, `kept ${r.output.length}`);
    assert.match(r.output, /^line 0\n/);
    assert.match(r.output, /line 2999\n$/);
    assert.match(r.output, /characters omitted/);
    assert.equal(truncateOutput('short'), 'short');
  } finally {
    s.done();
  }
});

test('a missing worktree is a failed result, not a crash', async () => {
  const r = await runHook({
    name: 'before_remove',
    script: 'true',
    cwd: '/nonexistent/quartet/worktree',
    env: baseEnv(),
    timeoutMs: 1000,
  });
  assert.equal(r.ok, false);
  assert.match(r.error ?? '', /does not exist/);
  assert.equal(existsSync('/nonexistent/quartet/worktree'), false);
});

test('which hooks are fatal (SPEC §9.4) and script lookup', () => {
  assert.deepEqual(FATAL_HOOKS, { after_create: true, before_run: true, after_run: false, before_remove: false });
  const hooks = { afterCreate: 'a', beforeRun: null, afterRun: 'c', beforeRemove: 'd', timeoutMs: 1 };
  assert.equal(hookScript(hooks, 'after_create'), 'a');
  assert.equal(hookScript(hooks, 'before_run'), null);
  assert.equal(hookScript(hooks, 'before_remove'), 'd');
});
