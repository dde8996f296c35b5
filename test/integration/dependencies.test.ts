// Integration (real git, real cp): installed dependency folders reach a fresh worktree only when the lockfiles prove them current.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { bringDependencies, describeDependencies } from '../../src/core/execution/dependencies';
import { dependencyDirRules } from '../../src/core/execution/dependencyRules';
import { createWorktree } from '../../src/core/git/worktrees';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
function put(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** Whether this file system can share blocks: the expected outcome of the default mode depends on it. */
function reflinkWorks(dir: string): boolean {
  writeFileSync(join(dir, 'probe-a'), 'x');
  return spawnSync('cp', ['--reflink=always', join(dir, 'probe-a'), join(dir, 'probe-b')]).status === 0;
}

/** A Node project whose checkout has node_modules installed (ignored) and the lockfile of its base. */
function project(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-deps-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  git(dir, 'init', '-q', '-b', 'main', repo);
  put(repo, '.gitignore', 'node_modules/\n');
  put(repo, 'package.json', '{"name":"p","scripts":{"test":"node -e \\"require(\'left-pad\')\\""}}\n');
  put(repo, 'package-lock.json', '{"lockfileVersion":3}\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'initial');
  put(repo, 'node_modules/left-pad/index.js', 'module.exports = (s) => s;\n');
  put(repo, 'node_modules/left-pad/package.json', '{"name":"left-pad","main":"index.js"}\n');
  mkdirSync(join(repo, 'node_modules/.bin'));
  symlinkSync('../left-pad/index.js', join(repo, 'node_modules/.bin/left-pad'));
  const base = git(repo, 'rev-parse', 'HEAD');
  let n = 0;
  const worktree = async (baseCommit = base) =>
    (
      await createWorktree({
        repo,
        root: join(dir, 'wts'),
        taskKey: 't',
        index: ++n,
        branch: `quartet/t/${n}`,
        baseCommit,
      })
    ).path;
  return { dir, repo, base, worktree, reflink: reflinkWorks(dir) };
}

test('copy mode: node_modules arrives whole (links kept as links), the worktree stays clean, and npm test finds the package', async (t) => {
  const p = project(t);
  const wt = await p.worktree();
  const results = await bringDependencies({
    repo: p.repo,
    worktree: wt,
    baseCommit: p.base,
    rules: dependencyDirRules(null),
    mode: 'copy',
  });
  assert.deepEqual(
    results.map((r) => [r.dir, r.outcome]),
    [['node_modules', p.reflink ? 'reflinked' : 'copied']],
  );
  assert.match(results[0]?.why ?? '', /package-lock\.json matches the base/);
  assert.equal(readFileSync(join(wt, 'node_modules/left-pad/index.js'), 'utf8'), 'module.exports = (s) => s;\n');
  assert.equal(
    execFileSync('readlink', [join(wt, 'node_modules/.bin/left-pad')], { encoding: 'utf8' }).trim(),
    '../left-pad/index.js',
  );
  assert.equal(git(wt, 'status', '--porcelain'), '', 'the copy is ignored: the attempt will not commit it');
  assert.equal(spawnSync('npm', ['test', '--silent'], { cwd: wt }).status, 0);
});

test('default mode never makes a full copy: where the file system cannot share blocks it says how to allow one', async (t) => {
  const p = project(t);
  const wt = await p.worktree();
  const [r] = await bringDependencies({
    repo: p.repo,
    worktree: wt,
    baseCommit: p.base,
    rules: dependencyDirRules(null),
    mode: 'reflink',
  });
  if (p.reflink) {
    assert.equal(r?.outcome, 'reflinked');
  } else {
    assert.equal(r?.outcome, 'skipped');
    assert.match(r?.why ?? '', /cannot share blocks.*quartet\.dependencyCopy to "copy"/);
    assert.equal(existsSync(join(wt, 'node_modules')), false, 'no half copy left behind');
  }
});

test('a lockfile changed since the base (or missing) keeps the folder out, saying which', async (t) => {
  const p = project(t);
  const wt = await p.worktree();
  put(p.repo, 'package-lock.json', '{"lockfileVersion":3,"packages":{"x":{}}}\n');
  const [changed] = await bringDependencies({
    repo: p.repo,
    worktree: wt,
    baseCommit: p.base,
    rules: dependencyDirRules(null),
    mode: 'copy',
  });
  assert.equal(changed?.outcome, 'skipped');
  assert.match(changed?.why ?? '', /package-lock\.json in your checkout differs from the base commit's/);
  rmSync(join(p.repo, 'package-lock.json'));
  const [missing] = await bringDependencies({
    repo: p.repo,
    worktree: wt,
    baseCommit: p.base,
    rules: dependencyDirRules(null),
    mode: 'copy',
  });
  assert.match(missing?.why ?? '', /package-lock\.json is missing from your checkout/);
  assert.equal(existsSync(join(wt, 'node_modules')), false);
});

test('a folder git does not ignore is left out (the attempt would commit it); off brings nothing; absent folders say nothing', async (t) => {
  const p = project(t);
  put(p.repo, '.gitignore', '\n');
  git(p.repo, 'commit', '-qam', 'stop ignoring');
  const base = git(p.repo, 'rev-parse', 'HEAD');
  const wt = await p.worktree(base);
  const [r] = await bringDependencies({
    repo: p.repo,
    worktree: wt,
    baseCommit: base,
    rules: dependencyDirRules(null),
    mode: 'copy',
  });
  assert.equal(r?.outcome, 'skipped');
  assert.match(r?.why ?? '', /not ignored by git.*add it to \.gitignore/);
  assert.deepEqual(
    await bringDependencies({
      repo: p.repo,
      worktree: wt,
      baseCommit: base,
      rules: dependencyDirRules(null),
      mode: 'off',
    }),
    [],
  );
  assert.equal(describeDependencies([]), null);
});

test('a branch whose folder above the copy is a link cannot carry the copy outside the worktree', async (t) => {
  const p = project(t);
  const outside = join(p.dir, 'outside');
  mkdirSync(outside);
  symlinkSync(outside, join(p.repo, 'web'));
  put(p.repo, '.gitignore', 'node_modules/\n');
  git(p.repo, 'add', '-A');
  git(p.repo, 'commit', '-qm', 'web is a link');
  const base = git(p.repo, 'rev-parse', 'HEAD');
  rmSync(join(p.repo, 'web'));
  put(p.repo, 'web/package-lock.json', '{"lockfileVersion":3}\n');
  put(p.repo, 'web/node_modules/x/index.js', '1\n');
  const wt = await p.worktree(base);
  const [r] = await bringDependencies({
    repo: p.repo,
    worktree: wt,
    baseCommit: base,
    rules: dependencyDirRules(['web/node_modules:package-lock.json']),
    mode: 'copy',
  });
  assert.equal(r?.outcome, 'skipped');
  assert.match(r?.why ?? '', /symbolic link/);
  assert.equal(existsSync(join(outside, 'node_modules')), false, 'nothing written through the link');
});
