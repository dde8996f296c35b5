// Integration (SPEC §17.2): a path that already exists at an attempt's worktree location and is not its worktree is refused, untouched.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, makeRepo } from '../support/repoHarness';
import { createWorktree, repoWorktreeDir } from '../../src/core/git/worktrees';
import { sanitizeKey } from '../../src/core/git/pathSafety';

test(
  'a file or a foreign folder at the worktree location fails the creation and is left as it was',
  { timeout: 30_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'q-ws-'));
    try {
      const repo = makeRepo(dir);
      const base = git(repo, 'rev-parse', 'HEAD');
      const root = join(dir, 'wt');
      const at = (key: string): string => join(repoWorktreeDir(root, repo), sanitizeKey(key), '1');
      mkdirSync(join(at('file-task'), '..'), { recursive: true });
      writeFileSync(at('file-task'), 'not a worktree');
      await assert.rejects(
        createWorktree({ repo, root, taskKey: 'file-task', index: 1, branch: 'quartet/file-task/1', baseCommit: base }),
        /exists but is not the worktree of quartet\/file-task\/1/,
      );
      assert.equal(readFileSync(at('file-task'), 'utf8'), 'not a worktree');
      mkdirSync(at('dir-task'), { recursive: true });
      writeFileSync(join(at('dir-task'), 'keep.txt'), 'mine');
      await assert.rejects(
        createWorktree({ repo, root, taskKey: 'dir-task', index: 1, branch: 'quartet/dir-task/1', baseCommit: base }),
        /exists but is not the worktree/,
      );
      assert.equal(readFileSync(join(at('dir-task'), 'keep.txt'), 'utf8'), 'mine');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
