// Unit: worktree files are read only when regular and small, and written without following any link.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  copyTreeNoFollow,
  readRegularFile,
  readRegularFileIfExists,
  removeNoFollow,
  UnsafeFileError,
  writeFileNoFollow,
} from '../../src/core/git/safeFiles';

function scratch(t: { after: (fn: () => void) => void }): { root: string; outside: string } {
  const base = mkdtempSync(join(tmpdir(), 'quartet-safefiles-'));
  t.after(() => rmSync(base, { recursive: true, force: true }));
  const root = join(base, 'wt');
  const outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  return { root, outside };
}

const refused =
  (reason: string) =>
  (err: unknown): boolean =>
    err instanceof UnsafeFileError && err.reason === reason;

test('a regular file is read; a missing one is null', (t) => {
  const { root } = scratch(t);
  writeFileSync(join(root, 'a.txt'), 'hello');
  assert.equal(readRegularFile(join(root, 'a.txt')).toString(), 'hello');
  assert.equal(readRegularFileIfExists(join(root, 'nope.txt')), null);
});

test('a FIFO is refused at once instead of blocking the reader', (t) => {
  const { root } = scratch(t);
  const fifo = join(root, 'package.json');
  execFileSync('mkfifo', [fifo]);
  assert.throws(() => readRegularFile(fifo), refused('not_regular'));
  assert.throws(() => readRegularFileIfExists(fifo), refused('not_regular'));
  assert.throws(() => writeFileNoFollow(root, 'package.json', 'x'), refused('not_regular'));
});

test('a device and a folder are refused', (t) => {
  const { root } = scratch(t);
  assert.throws(() => readRegularFile('/dev/zero'), refused('not_regular'));
  assert.throws(() => readRegularFile(root), refused('not_regular'));
});

test('a file over the cap is refused without being read whole', (t) => {
  const { root } = scratch(t);
  writeFileSync(join(root, 'big'), Buffer.alloc(2048, 97));
  assert.throws(() => readRegularFile(join(root, 'big'), { maxBytes: 1024 }), refused('too_large'));
  assert.equal(readRegularFile(join(root, 'big'), { maxBytes: 2048 }).length, 2048);
});

test('a symlinked file is neither read nor written through', (t) => {
  const { root, outside } = scratch(t);
  writeFileSync(join(outside, 'secret'), 'keep me');
  mkdirSync(join(root, 'skills', 'x'), { recursive: true });
  symlinkSync(join(outside, 'secret'), join(root, 'skills', 'x', 'SKILL.md'));
  assert.throws(() => readRegularFile(join(root, 'skills', 'x', 'SKILL.md')), refused('symlink'));
  assert.throws(() => writeFileNoFollow(root, 'skills/x/SKILL.md', 'pwned'), refused('symlink'));
  assert.equal(readFileSync(join(outside, 'secret'), 'utf8'), 'keep me');
});

test('a symlinked folder anywhere on the path refuses the write and creates nothing there', (t) => {
  const { root, outside } = scratch(t);
  symlinkSync(outside, join(root, '.agents'));
  assert.throws(() => writeFileNoFollow(root, '.agents/skills/x/SKILL.md', 'pwned'), refused('symlink'));
  assert.throws(() => copyTreeNoFollow(root, root, '.agents/copy'), refused('symlink'));
  assert.equal(existsSync(join(outside, 'skills')), false);
  assert.throws(() => writeFileNoFollow(root, '../escape', 'x'), refused('outside'));
});

test('writes create folders, replace regular files, and copies skip links', (t) => {
  const { root, outside } = scratch(t);
  writeFileNoFollow(root, 'a/b/c.txt', 'one');
  writeFileNoFollow(root, 'a/b/c.txt', 'two');
  assert.equal(readFileSync(join(root, 'a/b/c.txt'), 'utf8'), 'two');
  const src = join(outside, 'skill');
  mkdirSync(join(src, 'scripts'), { recursive: true });
  writeFileSync(join(src, 'SKILL.md'), 'text');
  writeFileSync(join(src, 'scripts', 'run.sh'), 'echo');
  symlinkSync('/etc/passwd', join(src, 'link'));
  assert.deepEqual(copyTreeNoFollow(src, root, 'dest').sort(), ['dest/SKILL.md', 'dest/scripts/run.sh']);
  assert.equal(existsSync(join(root, 'dest', 'link')), false);
});

test('remove refuses a path through a link but removes a link itself without following it', (t) => {
  const { root, outside } = scratch(t);
  writeFileSync(join(outside, 'keep'), 'x');
  symlinkSync(outside, join(root, 'via'));
  assert.throws(() => removeNoFollow(root, 'via/keep'), refused('symlink'));
  removeNoFollow(root, 'via');
  assert.equal(existsSync(join(outside, 'keep')), true);
  assert.throws(() => lstatSync(join(root, 'via')));
});
