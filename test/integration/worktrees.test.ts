// Integration (real git): serialized worktree creation, .worktreeinclude copies, reuse, and state durability.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeRepo } from '../support/repoHarness';
import { commitWorktree, createWorktree } from '../../src/core/git/worktrees';
import { StateStore } from '../../src/core/observability/stateStore';

test(
  '8 concurrent worktree creations on one repo all succeed (serialized), and copy .worktreeinclude files',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-wt-'));
    try {
      const repo = makeRepo(dir);
      writeFileSync(join(repo, '.gitignore'), '.env\n');
      writeFileSync(join(repo, '.worktreeinclude'), '# local files\n.env\n../outside\nmissing.txt\n');
      git(repo, 'add', '.gitignore', '.worktreeinclude');
      git(repo, 'commit', '-qm', 'include');
      writeFileSync(join(repo, '.env'), 'API_URL=http://localhost\n');
      const base = git(repo, 'rev-parse', 'HEAD');
      const root = join(dir, 'wt');
      const made = await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          createWorktree({
            repo,
            root,
            taskKey: 'task-abc',
            index: i + 1,
            branch: `quartet/task-abc/${i + 1}`,
            baseCommit: base,
          }),
        ),
      );
      assert.equal(new Set(made.map((m) => m.path)).size, 8);
      for (const [i, m] of made.entries()) {
        assert.equal(git(m.path, 'rev-parse', '--abbrev-ref', 'HEAD'), `quartet/task-abc/${i + 1}`);
        assert.deepEqual(m.copied, ['.env']);
        assert.equal(readFileSync(join(m.path, '.env'), 'utf8'), 'API_URL=http://localhost\n');
      }
      assert.equal(git(repo, 'status', '--porcelain'), '', 'the main checkout is untouched');
      // A retry reuses the same worktree.
      const again = await createWorktree({
        repo,
        root,
        taskKey: 'task-abc',
        index: 1,
        branch: 'quartet/task-abc/1',
        baseCommit: base,
      });
      assert.equal(again.reused, true);
      assert.equal(again.path, made[0]?.path);
      // Quartet commits what the agent left, with its own identity.
      writeFileSync(join(again.path, 'new.txt'), 'x');
      const c = await commitWorktree(again.path, 'Add new.txt\n\nbody\n');
      assert.equal(c.files, 1);
      assert.equal(git(again.path, 'log', '-1', '--format=%an|%s'), 'Quartet|Add new.txt');
      assert.equal((await commitWorktree(again.path, 'nothing')).commit, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'a worktree root that is a file, or inside the checkout, is refused with a clear error',
  { timeout: 30_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-wt-'));
    try {
      const repo = makeRepo(dir);
      const base = git(repo, 'rev-parse', 'HEAD');
      writeFileSync(join(dir, 'afile'), 'x');
      await assert.rejects(
        createWorktree({
          repo,
          root: join(dir, 'afile'),
          taskKey: 'k',
          index: 1,
          branch: 'quartet/k/1',
          baseCommit: base,
        }),
        /not a directory/,
      );
      await assert.rejects(
        createWorktree({
          repo,
          root: join(repo, 'inside'),
          taskKey: 'k',
          index: 1,
          branch: 'quartet/k/1',
          baseCommit: base,
        }),
        /inside the repository/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test('state writes are atomic and a corrupt state file is detected, reported and set aside', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-st-'));
  try {
    const isState = (v: unknown): v is { n: number } => typeof (v as { n?: unknown }).n === 'number';
    const store = new StateStore(dir, isState);
    store.save({ n: 1 });
    store.save({ n: 2 });
    store.flush();
    assert.deepEqual(new StateStore(dir, isState).load(), { state: { n: 2 }, problem: null });
    writeFileSync(store.file, '{"n": 3, tor');
    const r = new StateStore(dir, isState).load();
    assert.equal(r.state, null);
    assert.match(r.problem ?? '', /unreadable.*moved to/);
    assert.equal(existsSync(store.file), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
