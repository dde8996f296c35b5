// Unit: quartet.dependencyDirs / quartet.dependencyCopy parsing — known folders find their lockfiles, anything else is refused by name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  dependencyCopyMode,
  dependencyDirRules,
  DependencyConfigError,
  DETECTED_DEPENDENCY_DIRS,
} from '../../src/core/execution/dependencyRules';

test('unset: the detected folders at the top, each with its lockfiles', () => {
  const rules = dependencyDirRules(null);
  assert.deepEqual(
    rules.map((r) => r.dir),
    DETECTED_DEPENDENCY_DIRS,
  );
  assert.ok(rules.find((r) => r.dir === 'node_modules')?.lockfiles.includes('package-lock.json'));
  assert.deepEqual(rules.find((r) => r.dir === 'target')?.lockfiles, ['Cargo.lock']);
});

test('a known folder at any depth is pinned by the lockfiles beside it', () => {
  const [rule] = dependencyDirRules(['web/node_modules/']);
  assert.equal(rule?.dir, 'web/node_modules');
  assert.ok(rule?.lockfiles.includes('web/package-lock.json'));
  assert.ok(!rule?.lockfiles.includes('package-lock.json'));
});

test('any folder with an explicit lockfile', () => {
  assert.deepEqual(dependencyDirRules(['build/cache:deps.lock']), [{ dir: 'build/cache', lockfiles: ['deps.lock'] }]);
});

test('refused, naming the entry: unknown folder without lockfile, paths leaving the repo, .git, wrong types', () => {
  assert.throws(
    () => dependencyDirRules(['cache']),
    (e: Error) =>
      e instanceof DependencyConfigError && /"cache" is not a folder Quartet knows.*"cache:<lockfile>"/.test(e.message),
  );
  for (const bad of [
    '../node_modules',
    '/abs/node_modules',
    '.git/node_modules',
    'x:../lock',
    '',
    'a:b:c',
    'C:/node_modules',
  ]) {
    assert.throws(() => dependencyDirRules([bad]), DependencyConfigError, bad);
  }
  assert.throws(() => dependencyDirRules('node_modules'), /must be an array/);
  assert.throws(() => dependencyDirRules([1]), /must be an array/);
});

test('copy mode: reflink by default, copy and off accepted, anything else refused', () => {
  assert.equal(dependencyCopyMode(undefined), 'reflink');
  assert.equal(dependencyCopyMode('copy'), 'copy');
  assert.equal(dependencyCopyMode('off'), 'off');
  assert.throws(() => dependencyCopyMode('always'), /must be one of reflink, copy, off/);
});
