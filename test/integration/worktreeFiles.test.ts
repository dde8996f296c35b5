// Integration (real git, no Codex): links, FIFOs and linked folders an agent committed never make Quartet write or hang.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { applyProposals } from '../../src/core/distill/applyProposals';
import { installSkills } from '../../src/core/skills/install';
import { materializeSkills } from '../../src/core/skills/acceptedSkills';
import { loadWorkflow } from '../../src/core/workflow/loader';
import { copyWorktreeIncludes } from '../../src/core/git/worktrees';
import type { Proposal } from '../../src/core/contract/distill';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@localhost', ...args], {
    cwd,
    encoding: 'utf8',
  }).trim();
const skill = (name: string, body: string): string => `---\nname: ${name}\ndescription: ${body}\n---\n${body}\n`;
function put(dir: string, path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

/** A repo whose main commits what an agent could: a linked SKILL.md and a linked `.agents` folder. */
function fixture(t: { after: (fn: () => void) => void }): {
  dir: string;
  repo: string;
  outside: string;
  secret: string;
} {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-wtfiles-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const repo = join(dir, 'repo');
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  const secret = join(outside, 'secret.md');
  writeFileSync(secret, 'keep me\n');
  git(dir, 'init', '-q', '-b', 'main', repo);
  put(repo, 'README.md', '# files\n');
  mkdirSync(join(repo, '.codex/skills/debug'), { recursive: true });
  symlinkSync(secret, join(repo, '.codex/skills/debug/SKILL.md'));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'initial');
  return { dir, repo, outside, secret };
}

const proposal = (path: string, name: string): Proposal =>
  ({
    kind: 'edit_skill',
    name,
    path,
    content: skill(name, 'Accepted text.'),
    rationale: 'test',
    provenance: ['E1'],
  }) as unknown as Proposal;

test(
  'Accept refuses to write a proposal through a linked SKILL.md, and nothing outside changes',
  { timeout: 60_000 },
  async (t) => {
    const fx = fixture(t);
    // Outside the checkout, and inside it (a link that passes a containment check but still redirects the write).
    mkdirSync(join(fx.repo, '.agents/skills/notes'), { recursive: true });
    symlinkSync('../../../README.md', join(fx.repo, '.agents/skills/notes/SKILL.md'));
    git(fx.repo, 'add', '-A');
    git(fx.repo, 'commit', '-qm', 'inner link');
    await assert.rejects(
      applyProposals({
        repo: fx.repo,
        base: 'main',
        proposals: [proposal('.agents/skills/notes/SKILL.md', 'notes')],
        worktreeRoot: join(fx.dir, 'wts'),
      }),
      /refusing to write \.agents\/skills\/notes\/SKILL\.md: .*symbolic link/,
    );
    await assert.rejects(
      applyProposals({
        repo: fx.repo,
        base: 'main',
        proposals: [proposal('.codex/skills/debug/SKILL.md', 'debug')],
        worktreeRoot: join(fx.dir, 'wts'),
      }),
      /refusing to write \.codex\/skills\/debug\/SKILL\.md: .*symbolic link/,
    );
    assert.equal(readFileSync(fx.secret, 'utf8'), 'keep me\n');
    assert.equal(git(fx.repo, 'branch', '--list', 'quartet/skills/*'), '', 'no skills branch was made');
  },
);

test(
  'install: an accepted skill never replaces a linked repo skill, and a linked .agents folder gets nothing',
  { timeout: 60_000 },
  async (t) => {
    const fx = fixture(t);
    symlinkSync(fx.outside, join(fx.repo, '.agents'));
    git(fx.repo, 'add', '-A');
    git(fx.repo, 'commit', '-qm', 'link .agents');
    const wt = join(fx.dir, 'wt');
    git(fx.repo, 'worktree', 'add', '-q', '-b', 'attempt', wt, 'main');
    const accepted = materializeSkills([
      {
        name: 'debug',
        description: 'Accepted text.',
        files: [{ path: 'SKILL.md', data: Buffer.from(skill('debug', 'Accepted text.')) }],
        branch: 'quartet/skills/x',
        commit: 'HEAD',
      } as never,
    ]);
    t.after(() => rmSync(accepted.root, { recursive: true, force: true }));
    const builtin = materializeSkills([
      {
        name: 'lint-first',
        description: 'Lint.',
        files: [{ path: 'SKILL.md', data: Buffer.from(skill('lint-first', 'Lint.')) }],
        branch: '',
        commit: '',
      } as never,
    ]);
    t.after(() => rmSync(builtin.root, { recursive: true, force: true }));
    const r = await installSkills({ worktree: wt, skills: builtin.skills, accepted: accepted.skills });
    assert.ok(
      r.problems.some((p) => /SKILL\.md is a symbolic link/.test(p.message)),
      JSON.stringify(r.problems),
    );
    assert.deepEqual(r.installed, []);
    assert.deepEqual(r.skipped.map((s) => `${s.name}:${s.reason}`).sort(), [
      'debug:unsafe_path',
      'lint-first:unsafe_path',
    ]);
    assert.equal(readFileSync(fx.secret, 'utf8'), 'keep me\n');
    assert.equal(existsSync(join(fx.outside, 'skills')), false, 'nothing was created through the link');
  },
);

test('a FIFO named WORKFLOW.md is refused at once with a clear reason, never read', (t) => {
  const fx = fixture(t);
  execFileSync('mkfifo', [join(fx.repo, 'WORKFLOW.md')]);
  assert.throws(() => loadWorkflow(join(fx.repo, 'WORKFLOW.md')), /not a regular file/);
});

test('.worktreeinclude never copies through a link the branch put where the file goes', (t) => {
  const fx = fixture(t);
  put(fx.repo, '.worktreeinclude', '.env\n');
  const wt = join(fx.dir, 'wt');
  git(fx.repo, 'worktree', 'add', '-q', '-b', 'attempt', wt, 'main');
  // A link that stays inside the worktree passes the old containment check; copying through it would overwrite README.md.
  symlinkSync('README.md', join(wt, '.env'));
  put(fx.repo, '.env', 'TOKEN=local\n');
  assert.throws(() => copyWorktreeIncludes(fx.repo, wt), /cannot copy \.env from \.worktreeinclude: .*symbolic link/);
  assert.equal(readFileSync(join(wt, 'README.md'), 'utf8'), '# files\n');
});
