// Cross-testing with real git: each attempt's tests run against the others' code in throwaway worktrees; cached by commit pair.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { runChecks } from '../../src/core/land/checks';
import { crossTest, type CrossTestCell } from '../../src/core/verdict/crossTest';
import { changedTestFiles } from '../../src/core/verdict/testFiles';
import { minimalEnv } from '../../src/core/execution/sandbox';
import { sandboxTestEnv, testSandbox } from '../support/sandboxEnv';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@localhost', ...args], { cwd, encoding: 'utf8' }).trim();

/** A branch from main with these files, committed; returns its commit. */
function attempt(repo: string, name: string, files: Record<string, string>): string {
  git(repo, 'checkout', '-q', '-b', name, 'main');
  for (const [path, text] of Object.entries(files)) writeFileSync(join(repo, path), text);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', name);
  const commit = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '-q', 'main');
  return commit;
}

const FRENCH_TEST = `const test = require('node:test'); const assert = require('node:assert');
const { greet } = require('../index.js');
test('greets in French', () => assert.equal(greet('Ada', 'fr'), 'Bonjour, Ada!'));
test('still greets in English', () => assert.equal(greet('Ada'), 'Hello, Ada!'));
`;

test(
  "a 3-attempt matrix: the attempt that breaks behaviour another pinned fails that attempt's tests",
  { timeout: 120_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quartet-cross-'));
    try {
      const repo = join(dir, 'repo');
      mkdirSync(join(repo, 'test'), { recursive: true });
      git(repo, 'init', '-q', '-b', 'main');
      writeFileSync(join(repo, 'index.js'), 'exports.greet = (n) => `Hello, ${n}!`;\n');
      writeFileSync(join(repo, 'package.json'), JSON.stringify({ scripts: { test: 'node --test test/' } }));
      writeFileSync(join(repo, 'test', 'base.test.js'), "require('node:test')('base', () => {});\n");
      git(repo, 'add', '-A');
      git(repo, 'commit', '-q', '-m', 'base');
      const base = git(repo, 'rev-parse', 'HEAD');
      const right = attempt(repo, 'a1', {
        'index.js': "exports.greet = (n, l) => l === 'fr' ? `Bonjour, ${n}!` : `Hello, ${n}!`;\n",
        'test/french.test.js': FRENCH_TEST,
      });
      // Green on its own test, but it drops the English greeting the first attempt's test pins down.
      const wrong = attempt(repo, 'a2', {
        'index.js': 'exports.greet = (n) => `Bonjour, ${n}!`;\n',
        'test/fr.test.js':
          "const test = require('node:test'); const assert = require('node:assert');\ntest('bonjour', () => assert.equal(require('../index.js').greet('A'), 'Bonjour, A!'));\n",
      });
      const untested = attempt(repo, 'a3', {
        'index.js': "exports.greet = (n, l) => (l === 'fr' ? 'Bonjour' : 'Hello') + `, ${n}!`;\n",
      });
      assert.deepEqual(await changedTestFiles(repo, base, right), ['test/french.test.js']);
      assert.deepEqual(await changedTestFiles(repo, base, untested), []);

      // Sandboxed like the checks: another attempt's tests are code from an agent too.
      const env = sandboxTestEnv(dir);
      const sandbox = await testSandbox(env, repo);
      let runs = 0;
      const run = async (cwd: string) => {
        runs++;
        return runChecks({ cwd, command: 'npm test --silent', timeoutMs: 60_000, env: minimalEnv(env), sandbox });
      };
      const attempts = [
        { id: 'a1', commit: right, testFiles: await changedTestFiles(repo, base, right) },
        { id: 'a2', commit: wrong, testFiles: await changedTestFiles(repo, base, wrong) },
        { id: 'a3', commit: untested, testFiles: [] },
      ];
      const cache = new Map<string, CrossTestCell>();
      const worktreeRoot = join(dir, 'worktrees');
      const cells = await crossTest({ repo, worktreeRoot, attempts, run, cache, concurrency: 2 });
      const at = (t: string, c: string): CrossTestCell => cells.find((x) => x.tests === t && x.code === c)!;
      assert.equal(cells.length, 4, 'a1 and a2 wrote tests, each against the two others');
      assert.equal(at('a1', 'a2').ok, false);
      assert.deepEqual(at('a1', 'a2').failedTests, ['still greets in English']);
      // The whole suite runs: the base's test, a2's own test and a1's two tests on a2's code.
      assert.equal(at('a1', 'a2').passed, 3);
      assert.equal(at('a1', 'a2').total, 4);
      assert.equal(at('a1', 'a3').ok, true);
      assert.equal(at('a2', 'a1').ok, false, "a1 keeps English, so a2's test (bonjour by default) fails on it");
      assert.equal(at('a2', 'a3').ok, false);
      assert.equal(runs, 4);
      // Same commits again: answered from the cache, no worktree made.
      await crossTest({ repo, worktreeRoot, attempts, run, cache });
      assert.equal(runs, 4);
      assert.deepEqual(
        readdirSync(join(worktreeRoot)).flatMap((d) => readdirSync(join(worktreeRoot, d, '.land'))),
        [],
        'every throwaway worktree is gone',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
