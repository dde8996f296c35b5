// Integration: check commands in Codex's sandbox (exit codes, key lines, timeout kills the whole group), detection at the base, conflict prediction, diff stat.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeRepo, ROOT } from '../support/repoHarness';
import { sandboxTestEnv, testSandbox } from '../support/sandboxEnv';
import { makeAttempt } from '../support/bareRemote';
import { baseCheckCommand, checkCommandFromPackageJson, runChecks } from '../../src/core/land/checks';
import { checkCommandFor } from '../../src/core/land/checkRun';
import { minimalEnv } from '../../src/core/execution/sandbox';
import { conflictsWithBase, predictConflicts } from '../../src/core/land/conflicts';
import { diffStat } from '../../src/core/verdict/scorecard';
import { isAlive, pidsWithEnv } from '../../src/core/execution/processTree';

test(
  'runChecks (in the sandbox): pass, fail with key lines, streamed output, and the ~8 KB tail',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-chk-'));
    try {
      const full = sandboxTestEnv(dir);
      const sandbox = await testSandbox(full, ROOT);
      const env = { ...minimalEnv(full), ONLY: 'this' };
      const ok = await runChecks({
        cwd: dir,
        command: 'echo "$ONLY"; echo "token=${GITHUB_TOKEN:-none}"',
        timeoutMs: 20_000,
        env,
        sandbox,
      });
      assert.equal(ok.ok, true, ok.outputTail);
      assert.equal(ok.exitCode, 0);
      assert.equal(ok.sandboxed, true);
      assert.equal(ok.profile, sandbox.profile);
      assert.equal(ok.outputTail, 'this\ntoken=none\n', 'the given env is the whole environment');
      assert.deepEqual(ok.summary, []);
      const chunks: string[] = [];
      const script =
        'for i in $(seq 1 400); do echo "line $i ............................"; done; echo "not ok 3 - greets"; echo "  AssertionError: expected 1" >&2; exit 3';
      const bad = await runChecks({
        cwd: dir,
        command: script,
        timeoutMs: 20_000,
        env,
        onOutput: (c) => chunks.push(c),
        sandbox,
      });
      assert.equal(bad.ok, false);
      assert.equal(bad.exitCode, 3);
      assert.ok(bad.outputTail.length <= 8192 && bad.outputTail.length > 8000);
      assert.match(bad.outputTail, /AssertionError: expected 1\n$/);
      assert.deepEqual(bad.summary, ['not ok 3 - greets', 'AssertionError: expected 1']);
      assert.match(chunks.join(''), /^line 1 /);
      const missing = await runChecks({
        cwd: dir,
        command: 'definitely-not-a-command-q',
        timeoutMs: 20_000,
        env,
        sandbox,
      });
      assert.equal(missing.ok, false);
      assert.equal(missing.exitCode, 127);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'runChecks (in the sandbox): a timeout ends the whole process group, background children included',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-chk-'));
    try {
      const full = sandboxTestEnv(dir);
      const sandbox = await testSandbox(full, ROOT);
      const env = minimalEnv(full);
      const pidFile = join(dir, 'bg.pid');
      const tag = `q-chk-${process.pid}-${Date.now()}`;
      const r = await runChecks({
        cwd: dir,
        command: `sleep 60 & echo $! > ${pidFile}; echo started; sleep 60`,
        timeoutMs: 1500,
        env: { ...env, CHK_TAG: tag },
        sandbox,
      });
      assert.equal(r.ok, false);
      assert.equal(r.timedOut, true);
      assert.ok(r.durationMs < 15_000, `took ${r.durationMs} ms`);
      assert.match(r.summary[0] ?? '', /timed out/);
      await new Promise((res) => setTimeout(res, 300));
      // Pids inside the sandbox are its own namespace's: look the processes up by their environment instead.
      assert.deepEqual(
        pidsWithEnv('CHK_TAG', tag).filter(isAlive),
        [],
        'the background sleep was killed with the group',
      );
      // A check that exits but leaves a child holding its output must not hang the land.
      const tag2 = `${tag}-2`;
      const left = await runChecks({
        cwd: dir,
        command: `sleep 60 & echo done`,
        timeoutMs: 30_000,
        env: { ...env, CHK_TAG: tag2 },
        sandbox,
      });
      assert.equal(left.ok, true, left.outputTail);
      assert.ok(left.durationMs < 10_000, `took ${left.durationMs} ms`);
      await new Promise((res) => setTimeout(res, 300));
      assert.deepEqual(pidsWithEnv('CHK_TAG', tag2).filter(isAlive), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'check command detection: what `npm test` would run, read from the BASE commit through git, never the worktree',
  { timeout: 30_000 },
  async () => {
    assert.equal(checkCommandFromPackageJson('{ not json'), null);
    assert.equal(
      checkCommandFromPackageJson(JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } })),
      null,
    );
    assert.equal(checkCommandFromPackageJson(JSON.stringify({ scripts: { test: 'node --test' } })), 'node --test');
    assert.equal(
      checkCommandFromPackageJson(
        JSON.stringify({ scripts: { pretest: 'tsc', test: 'node --test', posttest: 'eslint .' } }),
      ),
      '(tsc) && (node --test) && (eslint .)',
    );
    const dir = mkdtempSync(join(tmpdir(), 'q-chk-'));
    try {
      const repo = makeRepo(dir);
      const base = git(repo, 'rev-parse', 'HEAD');
      assert.equal(await baseCheckCommand(repo, base), 'node --test');
      // The agent's worktree: package.json rewritten, then replaced by a FIFO (a read would block forever).
      const wt = join(dir, 'wt');
      git(repo, 'worktree', 'add', '-q', '-b', 'quartet/k/1', wt, base);
      writeFileSync(join(wt, 'package.json'), JSON.stringify({ scripts: { test: 'echo pwned > /var/tmp/x' } }));
      git(wt, 'commit', '-qam', 'agent edit');
      rmSync(join(wt, 'package.json'));
      execFileSync('mkfifo', [join(wt, 'package.json')]);
      assert.deepEqual(await checkCommandFor(repo, null, base), {
        command: 'node --test',
        source: `package.json "test" at ${base.slice(0, 8)}`,
      });
      assert.equal(
        await baseCheckCommand(repo, git(repo, 'rev-parse', 'quartet/k/1')),
        'echo pwned > /var/tmp/x',
        'only the base decides: the attempt tip would say otherwise',
      );
      assert.deepEqual(await checkCommandFor(repo, 'make check', base), {
        command: 'make check',
        source: 'configured (quartet.check_command or launch option)',
      });
      assert.equal(await checkCommandFor(repo, '', base), null);
      // No package.json, a symlink, or one over 1 MiB at the base: no checks detected.
      git(repo, 'rm', '-q', 'package.json');
      git(repo, 'commit', '-qm', 'no package');
      assert.equal(await baseCheckCommand(repo, 'HEAD'), null);
      symlinkSync('/etc/passwd', join(repo, 'package.json'));
      git(repo, 'add', 'package.json');
      git(repo, 'commit', '-qm', 'symlink');
      assert.equal(await baseCheckCommand(repo, 'HEAD'), null);
      rmSync(join(repo, 'package.json'));
      writeFileSync(
        join(repo, 'package.json'),
        JSON.stringify({ scripts: { test: 'node test.js' }, pad: 'x'.repeat(1024 * 1024) }),
      );
      git(repo, 'add', 'package.json');
      git(repo, 'commit', '-qm', 'huge');
      assert.equal(await baseCheckCommand(repo, 'HEAD'), null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'conflict prediction between sibling attempts and with the base (no working tree touched); diff stat',
  { timeout: 30_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-cf-'));
    try {
      const repo = makeRepo(dir);
      const base = git(repo, 'rev-parse', 'HEAD');
      const index = readFileSync(join(repo, 'index.js'), 'utf8');
      makeAttempt(repo, join(dir, 'wt', '1'), 'quartet/k/1', base, {
        'index.js': index.replace('Hello', 'Hi'),
        'a.txt': 'a\n',
      });
      makeAttempt(repo, join(dir, 'wt', '2'), 'quartet/k/2', base, { 'index.js': index.replace('Hello', 'Hey') });
      makeAttempt(repo, join(dir, 'wt', '3'), 'quartet/k/3', base, { 'README.md': 'other\n' });
      const p = await predictConflicts(repo, 'quartet/k/1', [
        { id: 'a2', ref: 'quartet/k/2' },
        { id: 'a3', ref: 'quartet/k/3' },
      ]);
      assert.deepEqual(
        p.map(({ id, conflicts, files }) => ({ id, conflicts, files })),
        [
          { id: 'a2', conflicts: true, files: ['index.js'] },
          { id: 'a3', conflicts: false, files: [] },
        ],
      );
      assert.equal(git(repo, 'status', '--porcelain'), '');
      assert.deepEqual(await conflictsWithBase(repo, 'main', 'quartet/k/1'), { conflicts: false, files: [] });
      git(repo, 'commit', '-qam', 'x', '--allow-empty');
      writeFileSync(join(repo, 'index.js'), index.replace('Hello', 'Yo'));
      git(repo, 'commit', '-qam', 'yo');
      assert.deepEqual(await conflictsWithBase(repo, 'main', 'quartet/k/1'), { conflicts: true, files: ['index.js'] });
      await assert.rejects(predictConflicts(repo, 'quartet/k/1', [{ id: 'x', ref: 'no-such-ref' }]), /merge-tree/);
      // Three-dot: main's own later commits do not count towards the attempt's diff.
      assert.deepEqual(await diffStat(repo, 'main', 'quartet/k/1'), { files: 2, added: 2, removed: 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
