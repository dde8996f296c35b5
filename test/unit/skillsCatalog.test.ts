// Unit: SKILL.md front matter parsing, loading a skills folder with bad entries, and built-in vs repo precedence.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseSkillMarkdown } from '../../src/core/skills/frontMatter';
import {
  builtinSkillsDir,
  loadBuiltinSkills,
  loadRepoSkills,
  loadSkillsDir,
  mergeSkills,
} from '../../src/core/skills/catalog';

const ROOT = resolve(__dirname, '../../..');

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-skills-unit-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function put(dir: string, folder: string, text: string): void {
  mkdirSync(join(dir, folder), { recursive: true });
  writeFileSync(join(dir, folder, 'SKILL.md'), text);
}

const ok = (name: string, description = `use ${name}`): string =>
  `---\nname: ${name}\ndescription: ${description}\n---\n# ${name}\nbody\n`;

test('valid front matter: name, trimmed description, body after the closing fence', () => {
  const r = parseSkillMarkdown(
    '---\r\nname: fix-ci\r\ndescription: >\r\n  Use when CI fails.\r\n---\r\nDo things.\n',
    'fix-ci',
  );
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.skill.name, 'fix-ci');
  assert.equal(r.skill.description, 'Use when CI fails.');
  assert.equal(r.skill.body, 'Do things.\n');
  // Extra keys are allowed (Codex accepts them too) and a BOM is ignored.
  assert.ok(parseSkillMarkdown('\uFEFF---\nname: a1\ndescription: "x: y"\nlicense: MIT\n---\n').ok);
});

test('invalid front matter is reported with a reason, never thrown', () => {
  const cases: [string, RegExp, string?][] = [
    ['no fence at all\n', /missing YAML front matter/],
    ['---\nname: a\ndescription: d\n', /missing YAML front matter/],
    ['---\nname: [unclosed\ndescription: d\n---\n', /invalid YAML/],
    ['---\nname: a\nname: b\ndescription: d\n---\n', /invalid YAML/],
    ['---\n- a\n- b\n---\n', /mapping/],
    ['---\ndescription: d\n---\n', /no `name`/],
    ['---\nname: Bad_Name\ndescription: d\n---\n', /lowercase/],
    ['---\nname: a--b\ndescription: d\n---\n', /lowercase/],
    ['---\nname: 12\ndescription: d\n---\n', /no `name`/],
    [`---\nname: ${'a'.repeat(65)}\ndescription: d\n---\n`, /at most 64/],
    ['---\nname: a\n---\n', /no `description`/],
    ['---\nname: a\ndescription: "  "\n---\n', /no `description`/],
    [`---\nname: a\ndescription: ${'x'.repeat(1025)}\n---\n`, /longer than 1024/],
    ['---\nname: other\ndescription: d\n---\n', /differs from its folder "a"/, 'a'],
  ];
  for (const [text, reason, folder] of cases) {
    const r = parseSkillMarkdown(text, folder);
    assert.equal(r.ok, false, text);
    if (!r.ok) assert.match(r.message, reason, text);
  }
});

test('loadSkillsDir keeps the good skills, reports bad ones, and skips hidden folders and stray files', () => {
  withDir((dir) => {
    put(dir, 'good', ok('good'));
    put(dir, 'broken', '---\nname: broken\n---\n');
    put(dir, 'renamed', ok('not-renamed'));
    put(dir, '.system', ok('system'));
    mkdirSync(join(dir, 'empty'));
    writeFileSync(join(dir, 'notes.txt'), 'not a skill');
    const c = loadSkillsDir(dir, 'repo');
    assert.deepEqual(
      c.skills.map((s) => [s.name, s.source, s.file]),
      [['good', 'repo', join(dir, 'good', 'SKILL.md')]],
    );
    assert.deepEqual(
      c.problems.map((p) => p.path).sort(),
      [join(dir, 'broken', 'SKILL.md'), join(dir, 'empty'), join(dir, 'renamed', 'SKILL.md')].sort(),
    );
    assert.deepEqual(loadSkillsDir(join(dir, 'missing'), 'repo'), { skills: [], problems: [] });
  });
});

test('repo skills come from .agents/skills then .codex/skills; a duplicate name is reported', () => {
  withDir((dir) => {
    put(join(dir, '.agents/skills'), 'deploy', ok('deploy', 'agents copy'));
    put(join(dir, '.codex/skills'), 'deploy', ok('deploy', 'codex copy'));
    put(join(dir, '.codex/skills'), 'lint', ok('lint'));
    const c = loadRepoSkills(dir);
    assert.deepEqual(
      c.skills.map((s) => [s.name, s.description]),
      [
        ['deploy', 'agents copy'],
        ['lint', 'use lint'],
      ],
    );
    assert.equal(c.problems.length, 1);
    assert.match(c.problems[0]?.message ?? '', /duplicate skill "deploy"/);
  });
});

test('mergeSkills: the repository wins a name clash, the rest is the union sorted by name', () => {
  withDir((dir) => {
    put(join(dir, 'builtin'), 'commit', ok('commit', 'built-in commit'));
    put(join(dir, 'builtin'), 'debug', ok('debug'));
    put(join(dir, 'repo'), 'commit', ok('commit', 'our commit rules'));
    put(join(dir, 'repo'), 'zeta', ok('zeta'));
    const merged = mergeSkills(
      loadSkillsDir(join(dir, 'builtin'), 'builtin').skills,
      loadSkillsDir(join(dir, 'repo'), 'repo').skills,
    );
    assert.deepEqual(
      merged.map((s) => [s.name, s.source, s.description]),
      [
        ['commit', 'repo', 'our commit rules'],
        ['debug', 'builtin', 'use debug'],
        ['zeta', 'repo', 'use zeta'],
      ],
    );
  });
});

test('the shipped built-in skills all parse', () => {
  assert.equal(builtinSkillsDir(join(ROOT, 'dist')), join(ROOT, 'skills'));
  const c = loadBuiltinSkills(join(ROOT, 'skills'));
  assert.deepEqual(c.problems, []);
  assert.deepEqual(
    c.skills.map((s) => s.name),
    ['commit', 'debug', 'land', 'pull', 'push', 'rework'],
  );
  for (const s of c.skills) assert.ok(s.description.length > 40 && s.description.length < 400, s.name);
});
