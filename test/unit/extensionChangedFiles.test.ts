// Show Diff's git side: changed files against a base (committed, uncommitted, untracked, renamed, deleted) and base contents.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, unlinkSync, renameSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { changedFiles, parseNameStatus, readFileAtRef } from '../../src/core/execution/changedFiles';

const dir = mkdtempSync(join(tmpdir(), 'quartet-changed-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    encoding: 'utf8',
  });
}

test('parseNameStatus reads plain, renamed and copied entries', () => {
  assert.deepEqual(parseNameStatus('M\0a.ts\0R097\0old.ts\0new.ts\0D\0gone.ts\0A\0b c.ts\0'), [
    { path: 'a.ts', kind: 'modified' },
    { path: 'new.ts', kind: 'renamed', oldPath: 'old.ts' },
    { path: 'gone.ts', kind: 'deleted' },
    { path: 'b c.ts', kind: 'added' },
  ]);
  assert.deepEqual(parseNameStatus(''), []);
});

test('changedFiles sees commits, edits, deletions, renames and untracked files; readFileAtRef reads the base', async () => {
  git('init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'keep.txt'), 'keep\n');
  writeFileSync(join(dir, 'edit.txt'), 'before\n');
  writeFileSync(join(dir, 'delete.txt'), 'bye\n');
  writeFileSync(join(dir, 'move.txt'), 'a fairly long line so rename detection has something to match\n');
  writeFileSync(join(dir, '.gitignore'), 'ignored.log\n');
  git('add', '.');
  git('commit', '-q', '-m', 'base');
  const base = git('rev-parse', 'HEAD').trim();

  writeFileSync(join(dir, 'committed.txt'), 'new and committed\n');
  git('add', 'committed.txt');
  git('commit', '-q', '-m', 'attempt work');
  writeFileSync(join(dir, 'edit.txt'), 'after\n');
  unlinkSync(join(dir, 'delete.txt'));
  git('mv', 'move.txt', 'moved.txt');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'untracked.txt'), 'fresh\n');
  writeFileSync(join(dir, 'ignored.log'), 'noise\n');

  const files = await changedFiles(dir, base);
  assert.deepEqual(files, [
    { path: 'committed.txt', kind: 'added' },
    { path: 'delete.txt', kind: 'deleted' },
    { path: 'edit.txt', kind: 'modified' },
    { path: 'moved.txt', kind: 'renamed', oldPath: 'move.txt' },
    { path: 'sub/untracked.txt', kind: 'added' },
  ]);
  assert.equal(await readFileAtRef(dir, base, 'edit.txt'), 'before\n');
  assert.equal(await readFileAtRef(dir, base, 'committed.txt'), '');
  assert.equal(await changedFiles(dir, 'HEAD').then((f) => f.some((x) => x.path === 'committed.txt')), false);
  renameSync(join(dir, 'keep.txt'), join(dir, 'kept.txt'));
});
