// Integration (real git): archive an attempt (committed + uncommitted + untracked), restore it, and safe worktree removal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeRepo } from '../support/repoHarness';
import { makeAttempt } from '../support/bareRemote';
import { archiveAttempt, readManifest, removeAttemptWorktree, restoreArchive } from '../../src/core/land/archive';
import { LandError } from '../../src/core/land/errors';

const BIN = Buffer.from([0, 159, 146, 150, 255, 10, 0]);

test(
  'archive holds committed + uncommitted + untracked work without touching the worktree index; restore recreates it',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-rw-'));
    try {
      const repo = makeRepo(dir);
      const base = git(repo, 'rev-parse', 'HEAD');
      const wt = makeAttempt(
        repo,
        join(dir, 'wt', 'k', '1'),
        'quartet/k/1',
        base,
        { 'committed.txt': 'from a commit\n' },
        'attempt commit',
      );
      writeFileSync(join(wt, 'README.md'), 'edited, not committed\n');
      writeFileSync(join(wt, 'staged.txt'), 'staged only\n');
      git(wt, 'add', 'staged.txt');
      writeFileSync(join(wt, 'untracked.txt'), 'never added\n');
      writeFileSync(join(wt, 'blob.bin'), BIN);
      unlinkSync(join(wt, 'test.js'));
      const statusBefore = git(wt, 'status', '--porcelain');
      const stagedBefore = git(wt, 'diff', '--cached', '--name-only');

      const a = await archiveAttempt({
        repo,
        worktree: wt,
        branch: 'quartet/k/1',
        base,
        archiveDir: join(dir, 'archive'),
        attemptId: 't-abc-1',
      });
      assert.equal(git(wt, 'status', '--porcelain'), statusBefore, 'the worktree is as it was');
      assert.equal(git(wt, 'diff', '--cached', '--name-only'), stagedBefore, 'its index is as it was');
      assert.deepEqual(a.files, ['README.md', 'blob.bin', 'committed.txt', 'staged.txt', 'test.js', 'untracked.txt']);
      assert.equal(a.commitRange, `${base}..${git(wt, 'rev-parse', 'HEAD')}`);
      const patch = readFileSync(a.patchFile, 'utf8');
      for (const needle of [
        'from a commit',
        'edited, not committed',
        'staged only',
        'never added',
        'GIT binary patch',
        'deleted file mode',
      ])
        assert.ok(patch.includes(needle), needle);
      const m = readManifest(a.dir);
      assert.equal(m.attemptId, 't-abc-1');
      assert.deepEqual(
        m.commits.map((c) => c.subject),
        ['attempt commit'],
      );
      assert.match(a.restoreHint, /git -C <dir> apply --binary/);
      const again = await archiveAttempt({
        repo,
        worktree: wt,
        branch: 'quartet/k/1',
        base,
        archiveDir: join(dir, 'archive'),
        attemptId: 't-abc-1',
      });
      assert.equal(again.dir, `${a.dir}-2`, 'a second archive never overwrites the first');

      const restored = await restoreArchive({
        repo,
        archive: a.dir,
        branch: 'quartet/k/1-rework',
        worktreeRoot: join(dir, 'worktrees'),
      });
      assert.equal(git(restored, 'rev-parse', '--abbrev-ref', 'HEAD'), 'quartet/k/1-rework');
      assert.equal(git(restored, 'rev-parse', 'HEAD'), base);
      for (const f of ['committed.txt', 'README.md', 'staged.txt', 'untracked.txt']) {
        assert.equal(readFileSync(join(restored, f), 'utf8'), readFileSync(join(wt, f), 'utf8'), f);
      }
      assert.deepEqual(readFileSync(join(restored, 'blob.bin')), BIN);
      assert.equal(existsSync(join(restored, 'test.js')), false);
      await assert.rejects(
        restoreArchive({ repo, archive: a.dir, branch: 'quartet/k/1-rework', worktreeRoot: join(dir, 'worktrees') }),
        (e: unknown) => e instanceof LandError && e.reason === 'branch_exists',
      );

      // The worktree is gone but the branch remains: only the committed work can be archived.
      git(repo, 'worktree', 'remove', '--force', wt);
      const fromBranch = await archiveAttempt({
        repo,
        worktree: wt,
        branch: 'quartet/k/1',
        base,
        archiveDir: join(dir, 'archive'),
        attemptId: 't-abc-1',
      });
      assert.deepEqual(fromBranch.files, ['committed.txt']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);

test(
  'removal refuses a worktree with changes unless it was archived; deletes only quartet/ branches',
  { timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-rw-'));
    try {
      const repo = makeRepo(dir);
      const base = git(repo, 'rev-parse', 'HEAD');
      const wt = makeAttempt(repo, join(dir, 'wt', 'k', '1'), 'quartet/k/1', base, { 'a.txt': 'a\n' });
      writeFileSync(join(wt, 'untracked.txt'), 'work\n');
      const input = { repo, worktree: wt, branch: 'quartet/k/1', deleteBranch: true };
      await assert.rejects(
        removeAttemptWorktree(input),
        (e: unknown) => e instanceof LandError && e.reason === 'dirty_worktree',
      );
      await assert.rejects(
        removeAttemptWorktree({ ...input, archive: { patchFile: join(dir, 'missing.patch') } }),
        /no archive/,
      );
      assert.ok(existsSync(join(wt, 'untracked.txt')));
      await assert.rejects(
        removeAttemptWorktree({ ...input, branch: 'main' }),
        (e: unknown) => e instanceof LandError && e.reason === 'not_quartet_branch',
      );

      const a = await archiveAttempt({
        repo,
        worktree: wt,
        branch: 'quartet/k/1',
        base,
        archiveDir: join(dir, 'archive'),
        attemptId: 'a1',
      });
      assert.deepEqual(await removeAttemptWorktree({ ...input, archive: a }), {
        removedWorktree: true,
        deletedBranch: true,
      });
      assert.equal(existsSync(wt), false);
      assert.equal(git(repo, 'branch', '--list', 'quartet/k/1'), '');

      // A clean worktree needs no archive; keeping the branch keeps the result.
      const wt2 = makeAttempt(repo, join(dir, 'wt', 'k', '2'), 'quartet/k/2', base, { 'b.txt': 'b\n' });
      assert.deepEqual(
        await removeAttemptWorktree({ repo, worktree: wt2, branch: 'quartet/k/2', deleteBranch: false }),
        { removedWorktree: true, deletedBranch: false },
      );
      assert.notEqual(git(repo, 'branch', '--list', 'quartet/k/2'), '');
      assert.doesNotMatch(git(repo, 'worktree', 'list'), /wt\/k/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
