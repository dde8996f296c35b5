// Integration (real git): local Land — fast-forward, moved base, CAS retry, conflict, dirty checkout, ignored files in the way, other branch, merge mode, failing checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../support/repoHarness';
import { sandboxTestEnv } from '../support/sandboxEnv';
import { commitFiles, makeAttempt, makeRemoteAndClone } from '../support/bareRemote';
import { landLocally, type LandInput } from '../../src/core/land/localLand';
import { repoWorktreeDir } from '../../src/core/git/worktrees';
import type { StepRecord } from '../../src/core/land/landSteps';

const KEY = 'add-changelog-0123abcd';
const BRANCH = `quartet/${KEY}/1`;

interface Ctx {
  dir: string;
  bare: string;
  repo: string;
  root: string;
  base0: string;
  env: Record<string, string>;
  input(extra?: Partial<LandInput>): LandInput;
}

async function withRepo(fn: (c: Ctx) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'q-land-'));
  try {
    const { bare, clone: repo } = makeRemoteAndClone(dir);
    const root = join(dir, 'worktrees');
    const base0 = git(repo, 'rev-parse', 'HEAD');
    // The checks run in Codex's sandbox: this names the binary and a hermetic CODEX_HOME.
    const env = sandboxTestEnv(dir);
    const input = (extra: Partial<LandInput> = {}): LandInput => ({
      repo,
      baseBranch: 'main',
      attemptBranch: BRANCH,
      message: 'Add a changelog\n\nQuartet-Attempt: t-1-1\n',
      worktreeRoot: root,
      landedBranch: `quartet/landed/${KEY}`,
      checks: { command: 'npm test', timeoutMs: 60_000, env },
      ...extra,
    });
    await fn({ dir, bare, repo, root, base0, env, input });
    // Whatever happened, the temporary land worktree is gone.
    assert.doesNotMatch(git(repo, 'worktree', 'list', '--porcelain'), /\.land/);
    const landDir = join(repoWorktreeDir(root, repo), '.land');
    if (existsSync(landDir)) assert.deepEqual(readdirSync(landDir), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const attempt = (c: Ctx, files: Record<string, string>): string =>
  makeAttempt(c.repo, join(c.root, 'attempts', KEY, '1'), BRANCH, c.base0, files);
const stepNames = (steps: StepRecord[]): string[] =>
  steps.filter((s) => s.status !== 'running').map((s) => `${s.step}:${s.status}`);

test(
  'fast path: base checked out and clean → squashed as Quartet, user checkout fast-forwarded, origin untouched',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, {
        'CHANGELOG.md': '# Changelog\n',
        'README.md': `${readFileSync(join(c.repo, 'README.md'), 'utf8')}\nSee CHANGELOG.md.\n`,
      });
      const seen: string[] = [];
      const r = await landLocally(c.input({ onStep: (s, st) => seen.push(`${s}:${st}`) }));
      assert.equal(r.status, 'landed', r.message);
      if (r.status !== 'landed') return;
      assert.equal(git(c.repo, 'rev-parse', 'main'), r.commit);
      assert.equal(r.previous, c.base0);
      assert.equal(r.checkoutUpdated, git(c.repo, 'rev-parse', '--show-toplevel'));
      assert.equal(readFileSync(join(c.repo, 'CHANGELOG.md'), 'utf8'), '# Changelog\n');
      assert.equal(git(c.repo, 'status', '--porcelain'), '');
      assert.equal(
        git(c.repo, 'log', '-1', '--format=%an <%ae>|%P|%s'),
        `Quartet <quartet@localhost>|${c.base0}|Add a changelog`,
      );
      assert.equal(r.checks?.ok, true);
      assert.deepEqual(seen, [
        'prepare:running',
        'prepare:ok',
        'merge:running',
        'merge:ok',
        'checks:running',
        'checks:ok',
        'advance:running',
        'advance:ok',
        'done:ok',
      ]);
      // The land's step names the check that ran, and that it ran in the sandbox.
      assert.match(
        r.steps.find((x) => x.step === 'checks' && x.status === 'ok')?.detail ?? '',
        /^`npm test` in the sandbox \(quartet-checks\) passed in \d+ ms$/,
      );
      assert.equal(r.checks?.sandboxed, true);
      assert.equal(git(c.bare, 'rev-parse', 'main'), c.base0, 'land never pushes');
    });
  },
);

test(
  'base moved since the attempt started (no conflict) → still lands, and the checks run on the merged result',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, { 'CHANGELOG.md': '# Changelog\n' });
      const moved = commitFiles(c.repo, { 'NOTES.md': 'main moved on\n' }, 'meanwhile on main');
      // Passes only if the checks see both the attempt's file and main's new commit.
      const r = await landLocally(
        c.input({
          checks: { command: 'npm test && test -f NOTES.md && test -f CHANGELOG.md', timeoutMs: 60_000, env: c.env },
        }),
      );
      assert.equal(r.status, 'landed', r.message);
      if (r.status !== 'landed') return;
      assert.equal(r.previous, moved);
      assert.equal(git(c.repo, 'log', '-1', '--format=%P', 'main'), moved);
      assert.ok(existsSync(join(c.repo, 'CHANGELOG.md')) && existsSync(join(c.repo, 'NOTES.md')));
    });
  },
);

test(
  'base moves during the land → compare-and-swap fails, starts over once and lands; moving twice → refused',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, { 'CHANGELOG.md': '# Changelog\n' });
      let n = 0;
      const racer = (step: string, status: string): void => {
        if (step === 'advance' && status === 'running' && n++ === 0) commitFiles(c.repo, { 'RACE.md': 'x\n' }, 'race');
      };
      const r = await landLocally(c.input({ checks: null, onStep: racer }));
      assert.equal(r.status, 'landed', r.message);
      assert.deepEqual(stepNames(r.steps), [
        'prepare:ok',
        'merge:ok',
        'checks:skipped',
        'advance:failed',
        'prepare:ok',
        'merge:ok',
        'checks:skipped',
        'advance:ok',
        'done:ok',
      ]);
      assert.ok(existsSync(join(c.repo, 'RACE.md')) && existsSync(join(c.repo, 'CHANGELOG.md')));

      makeAttempt(c.repo, join(c.root, 'attempts', KEY, '2'), `quartet/${KEY}/2`, c.base0, { 'OTHER.md': 'other\n' });
      let k = 0;
      const always = (step: string, status: string): void => {
        if (step === 'advance' && status === 'running')
          commitFiles(c.repo, { 'RACE.md': `again ${k++}\n` }, 'race again');
      };
      const before = git(c.repo, 'rev-parse', 'main');
      const r2 = await landLocally(
        c.input({ attemptBranch: `quartet/${KEY}/2`, message: 'm2', checks: null, onStep: always }),
      );
      assert.equal(r2.status, 'refused');
      assert.match(r2.message, /kept moving/);
      assert.equal(
        git(c.repo, 'log', '-1', '--format=%s', 'main'),
        'race again',
        'the base is where the person left it',
      );
      assert.notEqual(git(c.repo, 'rev-parse', 'main'), before);
    });
  },
);

test('conflict → files reported, base and checkout untouched', { timeout: 60_000 }, async () => {
  await withRepo(async (c) => {
    const index = readFileSync(join(c.repo, 'index.js'), 'utf8');
    attempt(c, { 'index.js': index.replace('Hello', 'Hi') });
    const moved = commitFiles(c.repo, { 'index.js': index.replace('Hello', 'Howdy') }, 'howdy');
    const r = await landLocally(c.input());
    assert.equal(r.status, 'conflict');
    if (r.status !== 'conflict') return;
    assert.deepEqual(r.files, ['index.js']);
    assert.equal(git(c.repo, 'rev-parse', 'main'), moved);
    assert.equal(git(c.repo, 'status', '--porcelain'), '');
    assert.deepEqual(stepNames(r.steps).slice(-2), ['merge:failed', 'conflict:failed']);
  });
});

test(
  'dirty user checkout → base ref not moved, result on quartet/landed/<key>, user files byte-identical',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, { 'CHANGELOG.md': '# Changelog\n' });
      writeFileSync(join(c.repo, 'README.md'), 'my unsaved work\n');
      writeFileSync(join(c.repo, 'scratch.txt'), Buffer.from([0, 1, 2, 255]));
      const status = git(c.repo, 'status', '--porcelain');
      const r = await landLocally(c.input());
      assert.equal(r.status, 'landed_aside', r.message);
      if (r.status !== 'landed_aside') return;
      assert.equal(r.branch, `quartet/landed/${KEY}`);
      assert.match(r.message, /uncommitted changes/);
      assert.equal(git(c.repo, 'rev-parse', 'main'), c.base0);
      assert.equal(git(c.repo, 'rev-parse', r.branch), r.commit);
      assert.equal(git(c.repo, 'log', '-1', '--format=%P', r.branch), c.base0);
      assert.equal(readFileSync(join(c.repo, 'README.md'), 'utf8'), 'my unsaved work\n');
      assert.deepEqual(readFileSync(join(c.repo, 'scratch.txt')), Buffer.from([0, 1, 2, 255]));
      assert.equal(existsSync(join(c.repo, 'CHANGELOG.md')), false);
      assert.equal(git(c.repo, 'status', '--porcelain'), status);
    });
  },
);

test(
  'ignored .env in the user checkout that the landed commit would overwrite → refused for the checkout, file named, nothing lost',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      // The agent committed a .env (and a file under a path the user holds as an ignored file): a fast-forward would replace both silently.
      attempt(c, { 'CHANGELOG.md': '# Changelog\n', '.env': 'API_KEY=from-the-agent\n', 'cache/data.json': '{}\n' });
      writeFileSync(join(c.repo, '.git', 'info', 'exclude'), '.env\ncache\nlocal.log\n');
      writeFileSync(join(c.repo, '.env'), 'API_KEY=mine\n');
      writeFileSync(join(c.repo, 'cache'), 'my cache file\n');
      writeFileSync(join(c.repo, 'local.log'), 'not in the way\n');
      assert.equal(git(c.repo, 'status', '--porcelain'), '', 'ignored files leave git status clean');
      const r = await landLocally(c.input({ checks: null }));
      assert.equal(r.status, 'landed_aside', r.message);
      if (r.status !== 'landed_aside') return;
      assert.match(r.message, /would overwrite ignored files in your checkout: \.env, cache;/);
      assert.doesNotMatch(r.message, /local\.log/);
      assert.equal(git(c.repo, 'rev-parse', 'main'), c.base0, 'the base did not move');
      assert.equal(git(c.repo, 'rev-parse', r.branch), r.commit);
      assert.equal(readFileSync(join(c.repo, '.env'), 'utf8'), 'API_KEY=mine\n');
      assert.equal(readFileSync(join(c.repo, 'cache'), 'utf8'), 'my cache file\n');
      assert.equal(existsSync(join(c.repo, 'CHANGELOG.md')), false);
    });
  },
);

test(
  'an ignored file the landed commit does not touch does not stop the fast-forward',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, { 'CHANGELOG.md': '# Changelog\n' });
      writeFileSync(join(c.repo, '.git', 'info', 'exclude'), '.env\n');
      writeFileSync(join(c.repo, '.env'), 'API_KEY=mine\n');
      const r = await landLocally(c.input({ checks: null }));
      assert.equal(r.status, 'landed', r.message);
      assert.equal(readFileSync(join(c.repo, '.env'), 'utf8'), 'API_KEY=mine\n');
      assert.equal(readFileSync(join(c.repo, 'CHANGELOG.md'), 'utf8'), '# Changelog\n');
    });
  },
);

test(
  'base not checked out (user on another branch) → only the ref moves, checkout untouched',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, { 'CHANGELOG.md': '# Changelog\n' });
      git(c.repo, 'checkout', '-q', '-b', 'feature');
      writeFileSync(join(c.repo, 'wip.txt'), 'wip\n');
      const r = await landLocally(c.input());
      assert.equal(r.status, 'landed', r.message);
      if (r.status !== 'landed') return;
      assert.equal(r.checkoutUpdated, null);
      assert.equal(git(c.repo, 'rev-parse', 'main'), r.commit);
      assert.equal(git(c.repo, 'rev-parse', '--abbrev-ref', 'HEAD'), 'feature');
      assert.equal(git(c.repo, 'rev-parse', 'HEAD'), c.base0);
      assert.equal(existsSync(join(c.repo, 'CHANGELOG.md')), false);
      assert.equal(git(c.repo, 'status', '--porcelain'), '?? wip.txt');
      assert.match(git(c.repo, 'reflog', '-1', 'main'), /quartet land/);
    });
  },
);

test(
  'merge mode → a --no-ff merge commit by Quartet with the attempt as second parent',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      attempt(c, { 'CHANGELOG.md': '# Changelog\n' });
      const tip = git(c.repo, 'rev-parse', BRANCH);
      const r = await landLocally(c.input({ mode: 'merge', checks: null }));
      assert.equal(r.status, 'landed', r.message);
      assert.equal(git(c.repo, 'log', '-1', '--format=%P|%an|%s', 'main'), `${c.base0} ${tip}|Quartet|Add a changelog`);
      assert.equal(git(c.repo, 'rev-parse', BRANCH), tip, 'the attempt branch is never rewritten');
    });
  },
);

test(
  'failing checks → checks_failed with the key lines, base untouched; an attempt already on main → refused',
  { timeout: 60_000 },
  async () => {
    await withRepo(async (c) => {
      const index = readFileSync(join(c.repo, 'index.js'), 'utf8');
      attempt(c, { 'index.js': index.replace('Hello', 'Bye') });
      const r = await landLocally(c.input());
      assert.equal(r.status, 'checks_failed');
      if (r.status !== 'checks_failed') return;
      assert.equal(r.checks.ok, false);
      assert.ok(
        r.checks.summary.some((l) => /AssertionError/.test(l)),
        r.checks.summary.join('\n'),
      );
      assert.equal(git(c.repo, 'rev-parse', 'main'), c.base0);
      assert.equal(git(c.repo, 'status', '--porcelain'), '');

      const same = await landLocally(c.input({ attemptBranch: 'main' }));
      assert.equal(same.status, 'refused');
      assert.match(same.message, /nothing to land/);
    });
  },
);
