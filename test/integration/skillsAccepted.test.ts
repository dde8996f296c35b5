// Integration (real git, no Codex): accepted skills from unmerged quartet/skills/* branches — catalog, install, retry, land.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { acceptedSkills, materializeSkills } from '../../src/core/skills/acceptedSkills';
import { skillsOverview } from '../../src/core/skills/overview';
import { installSkills } from '../../src/core/skills/install';
import { giveSkills } from '../../src/core/skills/giveSkills';
import { landSkillsBranch } from '../../src/core/skills/landSkills';
import { loadBuiltinSkills } from '../../src/core/skills/catalog';
import { Journal, readJournal } from '../../src/core/observability/journal';

const ROOT = resolve(__dirname, '../../..');
const BUILTIN_DIR = join(ROOT, 'skills');
const BUILTIN = loadBuiltinSkills(BUILTIN_DIR).skills;

function git(cwd: string, args: string[], date?: string): string {
  const env = { ...process.env, ...(date ? { GIT_COMMITTER_DATE: date, GIT_AUTHOR_DATE: date } : {}) };
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', ...args], {
    cwd,
    encoding: 'utf8',
    env,
  }).trim();
}
const skill = (name: string, body: string): string =>
  `---\nname: ${name}\ndescription: ${body.split('\n')[0]}\n---\n${body}\n`;
function put(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}
/** Commits `files` on a new branch from `from` (in a throw-away worktree, the checkout stays on main). */
function branchWith(repo: string, branch: string, from: string, files: Record<string, string>, date: string): void {
  const wt = join(repo, '..', `wt-${branch.replace(/\//g, '-')}`);
  git(repo, ['worktree', 'add', '-q', '-b', branch, wt, from]);
  for (const [p, t] of Object.entries(files)) put(wt, p, t);
  git(wt, ['add', '-A']);
  git(wt, ['commit', '-qm', `skills ${branch}`], date);
  git(repo, ['worktree', 'remove', '--force', wt]);
}

interface Fx {
  dir: string;
  repo: string;
}
function fixture(): Fx {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-accepted-it-'));
  const repo = join(dir, 'repo');
  git(dir, ['init', '-q', '-b', 'main', repo]);
  put(repo, 'README.md', '# accepted skills\n');
  put(repo, '.codex/skills/debug/SKILL.md', skill('debug', 'The repo debugs with make check.'));
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-qm', 'initial'], '2026-01-01T00:00:00Z');
  // Older branch: lint-first v1. Newer branch: lint-first v2 and an edit of the repo's own debug skill.
  branchWith(
    repo,
    'quartet/skills/2026-01-02',
    'main',
    { '.agents/skills/lint-first/SKILL.md': skill('lint-first', 'Run the linter first (v1).') },
    '2026-01-02T00:00:00Z',
  );
  branchWith(
    repo,
    'quartet/skills/2026-01-03',
    'main',
    {
      '.agents/skills/lint-first/SKILL.md': skill('lint-first', 'Run the linter first (v2).'),
      '.agents/skills/lint-first/scripts/lint.sh': 'npm run lint\n',
      '.codex/skills/debug/SKILL.md': skill('debug', 'Debug with make check, then read the failing test (accepted).'),
    },
    '2026-01-03T00:00:00Z',
  );
  // A branch already merged into main gives nothing.
  branchWith(
    repo,
    'quartet/skills/2026-01-01',
    'main',
    { '.agents/skills/old/SKILL.md': skill('old', 'Merged long ago.') },
    '2026-01-01T12:00:00Z',
  );
  git(repo, ['merge', '-q', '--no-ff', '-m', 'merge old skills', 'quartet/skills/2026-01-01'], '2026-01-01T13:00:00Z');
  return { dir, repo };
}

test(
  'accepted skills: newest branch wins by name, merged branches give nothing, the catalog layers builtin < repo < accepted',
  { timeout: 60_000 },
  async () => {
    const fx = fixture();
    try {
      const a = await acceptedSkills(fx.repo, 'main');
      assert.deepEqual(a.problems, []);
      assert.deepEqual(
        a.skills.map((s) => [s.name, s.branch, s.relDir]),
        [
          ['debug', 'quartet/skills/2026-01-03', '.codex/skills/debug'],
          ['lint-first', 'quartet/skills/2026-01-03', '.agents/skills/lint-first'],
        ],
      );
      assert.match(a.skills[1]!.description, /v2/);
      assert.deepEqual(a.skills[1]!.files.map((f) => f.path).sort(), ['SKILL.md', 'scripts/lint.sh']);
      assert.deepEqual(
        a.branches.map((b) => [b.branch, b.merged, b.skills]),
        [
          ['quartet/skills/2026-01-03', false, ['debug', 'lint-first']],
          ['quartet/skills/2026-01-02', false, ['lint-first']],
          ['quartet/skills/2026-01-01', true, []],
        ],
      );

      const o = await skillsOverview({ repo: fx.repo, base: 'main', tasks: [], review: null, builtinDir: BUILTIN_DIR });
      const by = new Map(o.skills.map((s) => [s.name, s]));
      assert.equal(by.get('commit')?.source, 'builtin');
      assert.equal(by.get('old')?.source, 'repo', 'the merged skill is the base’s own now');
      assert.deepEqual(
        [by.get('debug')?.source, by.get('debug')?.branch, by.get('debug')?.path],
        ['accepted', 'quartet/skills/2026-01-03', '.codex/skills/debug'],
      );
      assert.equal(by.get('lint-first')?.version, a.skills[1]!.version);
      assert.equal(git(fx.repo, ['status', '--porcelain']), '', 'nothing was checked out');
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  },
);

test(
  'install: accepted skills go in (an accepted edit replaces the tracked repo skill), stay out of git, and a retry restores the branch’s files',
  { timeout: 60_000 },
  async () => {
    const fx = fixture();
    try {
      const wt = join(fx.dir, 'worktrees', 'task-1');
      git(fx.repo, ['worktree', 'add', '-q', '-b', 'quartet/task/1', wt, 'main']);
      const a = await acceptedSkills(fx.repo, 'main');
      const m = materializeSkills(a.skills);
      const r = await installSkills({ worktree: wt, skills: BUILTIN, accepted: m.skills });
      rmSync(m.root, { recursive: true, force: true });
      assert.match(readFileSync(join(wt, '.codex/skills/debug/SKILL.md'), 'utf8'), /\(accepted\)/);
      assert.equal(readFileSync(join(wt, '.agents/skills/lint-first/scripts/lint.sh'), 'utf8'), 'npm run lint\n');
      assert.equal(existsSync(join(wt, '.agents/skills/debug')), false, 'no second debug skill');
      const received = new Map(r.received.map((s) => [s.name, s]));
      assert.equal(received.get('debug')?.source, 'accepted');
      assert.equal(received.get('lint-first')?.source, 'accepted');
      assert.equal(received.get('old')?.source, 'repo');
      assert.equal(received.get('commit')?.source, 'builtin');
      const catalog = await skillsOverview({
        repo: fx.repo,
        base: 'main',
        tasks: [],
        review: null,
        builtinDir: BUILTIN_DIR,
      });
      for (const s of catalog.skills)
        assert.equal(received.get(s.name)?.version, s.version, `${s.name}: the recorded version is the catalog's`);
      assert.deepEqual(
        r.skillInputs.map((i) => i.name),
        [...received.keys()],
      );

      // Invisible to git: status, add -A and the diff against the base all see nothing.
      assert.equal(git(wt, ['status', '--porcelain', '--untracked-files=all']), '');
      put(wt, 'work.txt', 'the agent’s work\n');
      git(wt, ['add', '-A']);
      assert.equal(git(wt, ['diff', '--cached', '--name-only', 'main']), 'work.txt');
      git(wt, ['commit', '-qm', 'work']);
      assert.equal(
        git(fx.repo, ['show', 'quartet/task/1:.codex/skills/debug/SKILL.md']),
        skill('debug', 'The repo debugs with make check.').trim(),
      );

      // A retry without accepted skills: the repo's own debug comes back, lint-first goes, the marks are cleared.
      const again = await installSkills({ worktree: wt, skills: BUILTIN });
      assert.match(readFileSync(join(wt, '.codex/skills/debug/SKILL.md'), 'utf8'), /make check\.\n$/);
      assert.equal(existsSync(join(wt, '.agents/skills/lint-first')), false);
      assert.equal(again.received.find((s) => s.name === 'debug')?.source, 'repo');
      assert.equal(git(wt, ['ls-files', '-v', '--', '.codex/skills/debug']).slice(0, 1), 'H');
      assert.equal(git(wt, ['status', '--porcelain', '--untracked-files=all']), '');
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  },
);

test(
  'giveSkills journals a skills event; landing the newest branch makes its skills the base’s own and retires the older branch',
  { timeout: 60_000 },
  async () => {
    const fx = fixture();
    try {
      const wt = join(fx.dir, 'worktrees', 'task-2');
      git(fx.repo, ['worktree', 'add', '-q', '-b', 'quartet/task/2', wt, 'main']);
      const journalPath = join(fx.dir, 'journal.jsonl');
      const journal = new Journal(journalPath);
      const got = await giveSkills({
        worktree: wt,
        repo: fx.repo,
        base: git(fx.repo, ['rev-parse', 'main']),
        journal,
        log: () => undefined,
      });
      journal.close();
      const events = readJournal(journalPath).flatMap((r) => (r.kind === 'event' ? [r.event] : []));
      const skillsEvent = events.find((e) => e.type === 'skills');
      assert.ok(skillsEvent && skillsEvent.type === 'skills');
      assert.deepEqual(skillsEvent.skills, got);
      assert.ok(got.some((s) => s.name === 'lint-first' && s.source === 'accepted'));

      const landed = await landSkillsBranch({
        repo: fx.repo,
        branch: 'quartet/skills/2026-01-03',
        baseBranch: 'main',
        worktreeRoot: join(fx.dir, 'worktrees'),
      });
      assert.equal(landed.status, 'landed', landed.message);
      assert.equal(landed.deleted, true);
      assert.match(git(fx.repo, ['show', 'main:.agents/skills/lint-first/SKILL.md']), /v2/);
      assert.match(
        readFileSync(join(fx.repo, '.codex/skills/debug/SKILL.md'), 'utf8'),
        /\(accepted\)/,
        'the clean checkout was fast-forwarded',
      );
      const after = await acceptedSkills(fx.repo, 'main');
      assert.deepEqual(after.skills, [], 'main changed lint-first since the older branch forked: it owns it now');
      assert.deepEqual(
        after.branches.map((b) => [b.branch, b.merged]),
        [
          ['quartet/skills/2026-01-02', true],
          ['quartet/skills/2026-01-01', true],
        ],
      );
      await assert.rejects(
        landSkillsBranch({
          repo: fx.repo,
          branch: 'main',
          baseBranch: 'main',
          worktreeRoot: join(fx.dir, 'worktrees'),
        }),
        /not a quartet\/skills/,
      );
    } finally {
      rmSync(fx.dir, { recursive: true, force: true });
    }
  },
);
