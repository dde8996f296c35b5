// Integration: the warm worktree pool with real git — slots at HEAD, adoption at a base, following HEAD, low disk, removal.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorktreePool, POOL_BRANCH_PREFIX } from '../../src/core/git/worktreePool';
import { fillWorktree, repoWorktreeDir } from '../../src/core/git/worktrees';
import { git, makeRepo } from '../support/repoHarness';

let dir: string;
let repo: string;
let root: string;
let size = 2;
let minFree = 0;
let pool: WorktreePool;
const logs: string[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'quartet-pool-'));
  repo = makeRepo(dir);
  root = join(dir, 'worktrees');
  pool = new WorktreePool({
    repo,
    root: () => root,
    size: () => size,
    minFreeBytes: () => minFree,
    log: (l) => logs.push(l),
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

const poolBranches = (): string[] =>
  git(repo, 'branch', '--list', `${POOL_BRANCH_PREFIX}*`, '--format=%(refname:short)').split('\n').filter(Boolean);

function input(key: string, base: string) {
  return { repo, root, taskKey: key, index: 1, branch: `quartet/${key}/1`, baseCommit: base };
}

test('refill makes `size` clean slots at HEAD under the repo folder, on quartet/pool/* branches only', async () => {
  const head = git(repo, 'rev-parse', 'HEAD');
  await pool.refill();
  const slots = await pool.slots();
  assert.equal(slots.length, 2);
  for (const s of slots) {
    assert.equal(s.head, head);
    assert.ok(s.path.startsWith(join(repoWorktreeDir(root, repo), '.pool')), s.path);
    assert.equal(git(s.path, 'status', '--porcelain', '--untracked-files=all'), '', 'checked out and clean');
    assert.ok(existsSync(join(s.path, 'README.md')), 'the files are there');
  }
  assert.deepEqual(poolBranches().sort(), ['quartet/pool/1', 'quartet/pool/2']);
  assert.deepEqual(pool.status(), { size: 2, ready: 2, paused: null });
});

test('adopt: the slot becomes the attempt worktree on its branch at an older base, exactly; the pool refills', async () => {
  const older = git(repo, 'rev-parse', 'HEAD');
  writeFileSync(join(repo, 'later.txt'), 'added after the base\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'later');
  await pool.refill(); // the slots follow HEAD: they now hold later.txt
  const tip = git(repo, 'rev-parse', 'HEAD');
  assert.ok((await pool.slots()).every((s) => s.head === tip));

  const wt = await pool.adopt(input('pooled', older));
  assert.ok(wt?.warm, 'a warm slot was taken');
  const filled = await fillWorktree(input('pooled', older), wt);
  assert.equal(filled.path, join(repoWorktreeDir(root, repo), 'pooled', '1'));
  assert.equal(git(filled.path, 'symbolic-ref', '--short', 'HEAD'), 'quartet/pooled/1');
  assert.equal(git(filled.path, 'rev-parse', 'HEAD'), older, 'at the base asked for, not the slot tip');
  assert.equal(existsSync(join(filled.path, 'later.txt')), false, 'nothing of the newer commit is left');
  assert.equal(git(filled.path, 'status', '--porcelain', '--untracked-files=all'), '');
  assert.equal(poolBranches().length, 1, "the slot's pool branch became the attempt branch");

  await pool.refill();
  assert.equal((await pool.slots()).length, 2, 'the pool made a new slot');
});

test('adopt at the tip the slot holds: no checkout at all, the tree is exactly the base', async () => {
  const tip = git(repo, 'rev-parse', 'HEAD');
  const wt = await pool.adopt(input('at-tip', tip));
  assert.ok(wt?.warm);
  assert.equal(git(wt.path, 'rev-parse', 'HEAD'), tip);
  assert.equal(git(wt.path, 'symbolic-ref', '--short', 'HEAD'), 'quartet/at-tip/1');
  assert.equal(git(wt.path, 'status', '--porcelain', '--untracked-files=all'), '');
  assert.ok(existsSync(join(wt.path, 'later.txt')));
  await pool.refill();
});

test('a retry (branch exists) and the pool switched off never adopt; the slot stays whole', async () => {
  const base = git(repo, 'rev-parse', 'HEAD');
  assert.equal(await pool.adopt(input('pooled', base)), null, 'path and branch exist: the caller reuses them');
  git(repo, 'branch', 'quartet/orphan/1', base); // its worktree was cleaned up; the branch stays
  const before = (await pool.slots()).map((s) => s.branch).sort();
  assert.equal(await pool.adopt(input('orphan', base)), null, 'the branch exists: refused, nothing moved');
  assert.deepEqual((await pool.slots()).map((s) => s.branch).sort(), before);
  assert.equal(git(repo, 'rev-parse', 'quartet/orphan/1'), base);
  size = 0;
  assert.equal(await pool.adopt(input('off', base)), null);
  size = 2;
});

test('low disk: no slot is added and the status says why; remove() takes slots and branches away', async () => {
  minFree = Number.MAX_SAFE_INTEGER;
  size = 4;
  await pool.refill();
  assert.equal((await pool.slots()).length, 2, 'the two existing slots stay, none is added');
  assert.match(pool.status().paused ?? '', /^low disk: \d+ MB free on the worktree root$/);
  size = 2;
  minFree = 0;
  assert.ok(logs.some((l) => l.includes('paused (low disk')));

  assert.equal(await pool.remove(), 2);
  assert.deepEqual(await pool.slots(), []);
  assert.deepEqual(poolBranches(), []);
  assert.equal(readFileSync(join(repo, 'README.md'), 'utf8').length > 0, true, 'the checkout is untouched');
});

test('size lowered to 0: refill removes the slots left over', async () => {
  await pool.refill();
  assert.equal((await pool.slots()).length, 2);
  size = 0;
  await pool.refill();
  assert.deepEqual(await pool.slots(), []);
  assert.deepEqual(poolBranches(), []);
});
