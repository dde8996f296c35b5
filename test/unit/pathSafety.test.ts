// Unit: workspace safety invariants (SPEC §9.5) — sanitized keys, collision resistance, root containment.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertCwdIsWorktree, isInside, safeJoin, sanitizeKey, PathSafetyError } from '../../src/core/git/pathSafety';

test('safe identifiers pass through unchanged', () => {
  assert.equal(sanitizeKey('fix-login_bug.v2'), 'fix-login_bug.v2');
});

test('unsafe characters are replaced and a 64-bit hash is appended', () => {
  const k = sanitizeKey('a/b c');
  assert.match(k, /^a_b_c-[0-9a-f]{16}$/);
});

test('identifiers that sanitize to the same text get different keys', () => {
  const ids = ['a/b', 'a b', 'a:b', 'a_b', 'a\\b', 'a\u00e9b', 'a\u0000b'];
  const keys = ids.map((i) => sanitizeKey(i));
  assert.equal(new Set(keys).size, ids.length, keys.join(' '));
  for (const k of keys) assert.match(k, /^[A-Za-z0-9._-]+$/);
});

test('dot segments and traversal never survive', () => {
  for (const bad of ['..', '.', '../../etc', '.hidden', '']) {
    const k = sanitizeKey(bad);
    assert.ok(!k.startsWith('.'), `${bad} → ${k}`);
    assert.ok(k.length > 0);
    assert.match(k, /^[A-Za-z0-9._-]+$/);
  }
});

test('long identifiers are bounded and stay unique', () => {
  const a = sanitizeKey('x'.repeat(10_000));
  const b = sanitizeKey(`${'x'.repeat(9_999)}y`);
  assert.ok(a.length <= 80 && b.length <= 80);
  assert.notEqual(a, b);
});

test('safeJoin keeps paths under the root, also through symlinks', () => {
  const root = mkdtempSync(join(tmpdir(), 'q-ps-'));
  try {
    mkdirSync(join(root, 'inside'));
    assert.equal(safeJoin(root, 'inside', 'x'), join(root, 'inside', 'x'));
    assert.throws(() => safeJoin(root, '..', 'escape'), PathSafetyError);
    assert.throws(() => safeJoin(root, '/etc/passwd'), PathSafetyError);
    symlinkSync('/tmp', join(root, 'link'));
    assert.throws(() => safeJoin(root, 'link', 'x'), PathSafetyError, 'a symlink out of the root is refused');
    assert.equal(isInside(root, root), false, 'the root itself is not a workspace');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('cwd must be exactly the worktree, inside the root', () => {
  const root = mkdtempSync(join(tmpdir(), 'q-ps-'));
  try {
    const wt = join(root, 'task', '1');
    mkdirSync(wt, { recursive: true });
    assert.doesNotThrow(() => assertCwdIsWorktree(wt, wt, root));
    assert.throws(() => assertCwdIsWorktree(join(root, 'task'), wt, root), /not the attempt's worktree/);
    assert.throws(() => assertCwdIsWorktree(root, root, root), /outside the root/);
    assert.throws(() => assertCwdIsWorktree(join(root, 'missing'), join(root, 'missing'), root), /does not exist/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
