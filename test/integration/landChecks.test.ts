// Integration: check commands (exit codes, key lines, timeout kills the whole group), detection, conflict prediction, diff stat.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeRepo } from '../support/repoHarness';
import { makeAttempt } from '../support/bareRemote';
import { detectCheckCommand, runChecks } from '../../src/core/land/checks';
import { conflictsWithBase, predictConflicts } from '../../src/core/land/conflicts';
import { diffStat } from '../../src/core/land/scorecard';
import { isAlive } from '../../src/core/execution/processTree';

test('runChecks: pass, fail with key lines, streamed output, and the ~8 KB tail', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-chk-'));
  try {
    const env = { PATH: process.env.PATH, ONLY: 'this' };
    const ok = await runChecks({ cwd: dir, command: 'echo "$ONLY"; echo "$HOME"', timeoutMs: 10_000, env });
    assert.equal(ok.ok, true);
    assert.equal(ok.exitCode, 0);
    assert.equal(ok.outputTail, 'this\n\n', 'the given env is the whole environment');
    assert.deepEqual(ok.summary, []);
    const chunks: string[] = [];
    const script = 'for i in $(seq 1 400); do echo "line $i ............................"; done; echo "not ok 3 - greets"; echo "  AssertionError: expected 1" >&2; exit 3';
    const bad = await runChecks({ cwd: dir, command: script, timeoutMs: 10_000, env, onOutput: (c) => chunks.push(c) });
    assert.equal(bad.ok, false);
    assert.equal(bad.exitCode, 3);
    assert.ok(bad.outputTail.length <= 8192 && bad.outputTail.length > 8000);
    assert.match(bad.outputTail, /AssertionError: expected 1\n$/);
    assert.deepEqual(bad.summary, ['not ok 3 - greets', 'AssertionError: expected 1']);
    assert.match(chunks.join(''), /^line 1 /);
    const missing = await runChecks({ cwd: dir, command: 'definitely-not-a-command-q', timeoutMs: 10_000, env });
    assert.equal(missing.ok, false);
    assert.equal(missing.exitCode, 127);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('runChecks: a timeout ends the whole process group, background children included', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-chk-'));
  try {
    const pidFile = join(dir, 'bg.pid');
    const r = await runChecks({ cwd: dir, command: `sleep 60 & echo $! > ${pidFile}; echo started; sleep 60`, timeoutMs: 500, env: { PATH: process.env.PATH } });
    assert.equal(r.ok, false);
    assert.equal(r.timedOut, true);
    assert.ok(r.durationMs < 10_000, `took ${r.durationMs} ms`);
    assert.match(r.summary[0] ?? '', /timed out/);
    const bg = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(isAlive(bg), false, 'the background sleep was killed with the group');
    // A check that exits but leaves a child holding its output must not hang the land.
    const left = await runChecks({ cwd: dir, command: `sleep 60 & echo $! > ${pidFile}; echo done`, timeoutMs: 20_000, env: { PATH: process.env.PATH } });
    assert.equal(left.ok, true);
    assert.ok(left.durationMs < 5_000, `took ${left.durationMs} ms`);
    await new Promise((res) => setTimeout(res, 200));
    assert.equal(isAlive(Number(readFileSync(pidFile, 'utf8'))), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detectCheckCommand: npm test only for a real test script', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-chk-'));
  try {
    assert.equal(detectCheckCommand(dir), null);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'echo "Error: no test specified" && exit 1' } }));
    assert.equal(detectCheckCommand(dir), null);
    writeFileSync(join(dir, 'package.json'), '{ not json');
    assert.equal(detectCheckCommand(dir), null);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ scripts: { test: 'node --test' } }));
    assert.equal(detectCheckCommand(dir), 'npm test');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('conflict prediction between sibling attempts and with the base (no working tree touched); diff stat', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-cf-'));
  try {
    const repo = makeRepo(dir);
    const base = git(repo, 'rev-parse', 'HEAD');
    const index = readFileSync(join(repo, 'index.js'), 'utf8');
    makeAttempt(repo, join(dir, 'wt', '1'), 'quartet/k/1', base, { 'index.js': index.replace('Hello', 'Hi'), 'a.txt': 'a\n' });
    makeAttempt(repo, join(dir, 'wt', '2'), 'quartet/k/2', base, { 'index.js': index.replace('Hello', 'Hey') });
    makeAttempt(repo, join(dir, 'wt', '3'), 'quartet/k/3', base, { 'README.md': 'other\n' });
    const p = await predictConflicts(repo, 'quartet/k/1', [{ id: 'a2', ref: 'quartet/k/2' }, { id: 'a3', ref: 'quartet/k/3' }]);
    assert.deepEqual(p.map(({ id, conflicts, files }) => ({ id, conflicts, files })), [
      { id: 'a2', conflicts: true, files: ['index.js'] },
      { id: 'a3', conflicts: false, files: [] },
    ]);
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
});
