// Integration (real git + real Codex + demo model): installed skills are listed by Codex and invisible to git.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { git } from '../support/repoHarness';
import { startFakeResponsesServer } from '../../demo/fakeResponsesServer';
import { hermeticCodexEnv, writeCodexHome } from '../../demo/codexHome';
import { CodexClient, type JsonObject } from '../../src/core/execution/codexClient';
import { commitWorktree } from '../../src/core/git/worktrees';
import { loadBuiltinSkills } from '../../src/core/skills/catalog';
import { installSkills } from '../../src/core/skills/install';
import { SkillsError } from '../../src/core/skills/worktreeExclude';
import { waitUntil } from '../support/waitUntil';

const ROOT = resolve(__dirname, '../../..');
const CODEX = join(ROOT, 'node_modules', '.bin', 'codex');
const BUILTIN = loadBuiltinSkills(join(ROOT, 'skills')).skills;
const ALL = ['commit', 'debug', 'land', 'pull', 'push', 'rework'];

interface Fixture {
  dir: string;
  repo: string;
  worktree(k: number): string;
}

/** A repo whose own `debug` skill must win, with an ignore rule in its shared config that worktrees must keep. */
function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-skills-it-'));
  const repo = join(dir, 'repo');
  mkdirSync(join(repo, '.codex/skills/debug'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main', repo);
  writeFileSync(join(repo, 'README.md'), '# skills fixture\n');
  writeFileSync(
    join(repo, '.codex/skills/debug/SKILL.md'),
    '---\nname: debug\ndescription: This repo debugs with make check.\n---\nRun make check.\n',
  );
  writeFileSync(join(dir, 'shared-ignore'), '*.log\n');
  git(repo, 'config', 'core.excludesFile', join(dir, 'shared-ignore'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'initial');
  return {
    dir,
    repo,
    worktree(k: number) {
      const path = join(dir, 'worktrees', `task-${k}`);
      git(repo, 'worktree', 'add', '-q', '-b', `quartet/task/${k}`, path, 'main');
      return path;
    },
  };
}

function mainCheckoutState(repo: string): string {
  const exclude = join(repo, '.git', 'info', 'exclude');
  return JSON.stringify({
    status: git(repo, 'status', '--porcelain', '--untracked-files=all'),
    agents: existsSync(join(repo, '.agents')),
    exclude: existsSync(exclude) ? readFileSync(exclude, 'utf8') : null,
    excludesFile: git(repo, 'config', '--get', 'core.excludesFile'),
  });
}

test(
  'installSkills: copies built-ins, the repo skill wins, nothing shows in git status or a commit, the main checkout is untouched',
  { timeout: 60_000 },
  async () => {
    const fx = makeFixture();
    try {
      const before = mainCheckoutState(fx.repo);
      const wt = fx.worktree(1);
      const r = await installSkills({ worktree: wt, skills: BUILTIN });
      assert.deepEqual(r.installed, ['commit', 'land', 'pull', 'push', 'rework']);
      assert.deepEqual(r.skipped, [{ name: 'debug', reason: 'repo_skill' }]);
      assert.deepEqual(r.problems, []);
      assert.deepEqual(
        r.skillInputs.map((i) => i.name),
        ALL,
      );
      assert.equal(r.skillInputs.find((i) => i.name === 'debug')?.path, join(wt, '.codex/skills/debug/SKILL.md'));
      assert.equal(r.skillInputs.find((i) => i.name === 'commit')?.path, join(wt, '.agents/skills/commit/SKILL.md'));
      assert.equal(
        readFileSync(join(wt, '.agents/skills/commit/SKILL.md'), 'utf8'),
        readFileSync(join(ROOT, 'skills/commit/SKILL.md'), 'utf8'),
      );

      writeFileSync(join(wt, 'debug.log'), 'the inherited ignore rule still applies\n');
      assert.equal(git(wt, 'status', '--porcelain', '--untracked-files=all'), '');
      git(wt, 'add', '-A');
      assert.equal(git(wt, 'diff', '--cached', '--name-only'), '');
      assert.equal(mainCheckoutState(fx.repo), before);

      // A retry in the same worktree reinstalls cleanly; a changed built-in is replaced.
      writeFileSync(join(wt, '.agents/skills/commit/SKILL.md'), 'stale');
      const again = await installSkills({ worktree: wt, skills: BUILTIN });
      assert.deepEqual(again.installed, r.installed);
      assert.match(readFileSync(join(wt, '.agents/skills/commit/SKILL.md'), 'utf8'), /^---\nname: commit/);
      assert.equal(git(wt, 'status', '--porcelain', '--untracked-files=all'), '');

      await assert.rejects(
        installSkills({ worktree: fx.repo, skills: BUILTIN }),
        (e: unknown) => e instanceof SkillsError && e.reason === 'not_linked_worktree',
      );
      assert.equal(mainCheckoutState(fx.repo), before);
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  },
);

test(
  'four attempts of one repo install concurrently (the shared config flag is set once, safely)',
  { timeout: 60_000 },
  async () => {
    const fx = makeFixture();
    try {
      const wts = [1, 2, 3, 4].map((k) => fx.worktree(k));
      const results = await Promise.all(wts.map((worktree) => installSkills({ worktree, skills: BUILTIN })));
      for (const [i, r] of results.entries()) {
        assert.equal(r.installed.length, 5);
        assert.equal(git(wts[i] ?? '', 'status', '--porcelain', '--untracked-files=all'), '');
      }
      assert.equal(git(fx.repo, 'status', '--porcelain', '--untracked-files=all'), '');
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  },
);

test(
  'real Codex lists the installed skills for the worktree, sees them in a session, and Quartet commits only the agent work',
  { timeout: 90_000 },
  async () => {
    const fx = makeFixture();
    const server = await startFakeResponsesServer({});
    const turnDone = new Set<string>();
    const codexHome = join(fx.dir, 'codex-home');
    const home = join(fx.dir, 'home');
    mkdirSync(home);
    writeCodexHome(codexHome, { baseUrl: server.url, approvalPolicy: 'never', sandbox: 'workspace-write' });
    const wt = fx.worktree(1);
    const { skillInputs } = await installSkills({ worktree: wt, skills: BUILTIN });
    const codex = new CodexClient(
      {
        argv: [CODEX, 'app-server'],
        cwd: wt,
        env: hermeticCodexEnv(codexHome, home),
        maxLineBytes: 16 << 20,
        readTimeoutMs: 30_000,
        tag: { name: 'QUARTET_ATTEMPT_ID', value: 'skills-it' },
      },
      {
        onRaw: () => undefined,
        onNotification: (method, params) => {
          if (method === 'turn/completed') turnDone.add(String(params.threadId));
        },
        onServerRequest: () => Promise.resolve({ decision: 'accept' }),
        onMalformed: () => undefined,
        onStderr: () => undefined,
        onExit: () => undefined,
      },
    );
    try {
      codex.start();
      await codex.request('initialize', {
        clientInfo: { name: 'quartet_test', title: 'Quartet test', version: '0.0.1' },
        capabilities: { experimentalApi: true },
      });
      codex.notify('initialized');
      const listed = await codex.request('skills/list', { cwds: [wt], forceReload: true });
      const entry = (
        listed.data as { cwd: string; skills: { name: string; path: string; scope: string }[]; errors: unknown[] }[]
      )[0];
      assert.ok(entry, JSON.stringify(listed));
      assert.deepEqual(entry.errors, []);
      const repoScoped = entry.skills
        .filter((s) => s.scope === 'repo')
        .map((s) => ({ type: 'skill', name: s.name, path: s.path }));
      assert.deepEqual(
        repoScoped.sort((a, b) => a.name.localeCompare(b.name)),
        skillInputs,
      );

      const started = await codex.request('thread/start', {
        cwd: wt,
        approvalPolicy: 'never',
        sandbox: 'workspace-write',
      });
      const threadId = String((started.thread as JsonObject).id);
      const commit = skillInputs.filter((s) => s.name === 'commit');
      await codex.request('turn/start', {
        threadId,
        input: [{ type: 'text', text: 'You are attempt 1 of 1. Add a note.', text_elements: [] }, ...commit],
      });
      await waitUntil(() => turnDone.has(threadId), 60_000, 'the turn to complete');

      // What the model received: the catalog lists every skill, and the `skill` item carried commit's full text.
      const sent = JSON.stringify(server.stats.lastRequestBody);
      for (const name of ALL) assert.ok(sent.includes(`- ${name}: `), `model saw ${name} in the skills list`);
      assert.ok(
        sent.includes('<name>commit</name>') && sent.includes('Committing in a Quartet attempt'),
        'the commit skill body was injected',
      );

      const made = await commitWorktree(wt, 'Add a note\n\nbody\n');
      assert.ok(made.commit, 'the demo model left a file to commit');
      const files = git(wt, 'show', '--name-only', '--format=', 'HEAD').split('\n');
      assert.equal(files.length, 1, files.join(','));
      assert.ok(!files.some((f) => f.startsWith('.agents')), files.join(','));
      assert.equal(git(wt, 'status', '--porcelain', '--untracked-files=all'), '');
    } finally {
      await codex.shutdown();
      await server.close();
      rmSync(fx.dir, { recursive: true, force: true });
    }
  },
);
