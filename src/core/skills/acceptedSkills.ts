// Accepted distill proposals on unmerged `quartet/skills/*` branches: what they still add to a base, newest first.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SkillsBranch } from '../../shared/skills';
import type { Skill } from './catalog';
import { REPO_SKILL_DIRS } from './catalog';
import { gitText, gitTry, skillDirOf, skillsAtCommit, treeAt, type GitSkill, type GitSkillProblem } from './gitSkills';
import { safeJoin } from '../git/pathSafety';

export const SKILLS_BRANCH_PREFIX = 'quartet/skills/';

export interface AcceptedSkill extends GitSkill {
  branch: string;
  commit: string;
}

export interface AcceptedSkills {
  /** One per name: the newest branch that carries it wins. */
  skills: AcceptedSkill[];
  branches: SkillsBranch[];
  problems: GitSkillProblem[];
}

/** Every `quartet/skills/*` branch, newest commit first. */
export async function listSkillsBranches(
  repo: string,
): Promise<{ branch: string; commit: string; committedAt: string }[]> {
  const out = await gitText(repo, [
    'for-each-ref',
    '--sort=-committerdate',
    '--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)',
    `refs/heads/${SKILLS_BRANCH_PREFIX}`,
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [ref = '', commit = '', committedAt = ''] = line.split('\0');
      return { branch: ref.replace(/^refs\/heads\//, ''), commit, committedAt };
    });
}

/**
 * What one branch still gives attempts based on `base`: the skill folders it changed since it forked,
 * as long as the base has not touched them since. A base that changed such a folder (a squash land of
 * this branch, a later edit) owns it from then on, so a landed branch never brings back old text.
 */
async function applicableDirs(repo: string, base: string, commit: string): Promise<string[]> {
  if ((await gitTry(repo, ['merge-base', '--is-ancestor', commit, base])).code === 0) return [];
  const fork = (await gitText(repo, ['merge-base', base, commit])).trim();
  if (!fork) return [];
  const changed = (await gitText(repo, ['diff', '--name-only', '-z', fork, commit, '--', ...REPO_SKILL_DIRS]))
    .split('\0')
    .filter(Boolean);
  const dirs = [...new Set(changed.map(skillDirOf).filter((d): d is string => d !== null))].sort();
  const out: string[] = [];
  for (const dir of dirs) {
    const [atBranch, atBase, atFork] = await Promise.all([
      treeAt(repo, commit, dir),
      treeAt(repo, base, dir),
      treeAt(repo, fork, dir),
    ]);
    if (atBranch && atBase === atFork && atBase !== atBranch) out.push(dir);
  }
  return out;
}

/** Reads the accepted skills that `base` (a commit or ref) lacks, from every skills branch; newest accepted wins by name. */
export async function acceptedSkills(repo: string, base: string): Promise<AcceptedSkills> {
  const result: AcceptedSkills = { skills: [], branches: [], problems: [] };
  const seen = new Set<string>();
  for (const b of await listSkillsBranches(repo)) {
    const dirs = await applicableDirs(repo, base, b.commit);
    const found = dirs.length ? await skillsAtCommit(repo, b.commit, dirs) : { skills: [], problems: [] };
    result.problems.push(...found.problems);
    result.branches.push({ ...b, merged: found.skills.length === 0, skills: found.skills.map((s) => s.name).sort() });
    for (const s of found.skills) {
      if (seen.has(s.name)) continue;
      seen.add(s.name);
      result.skills.push({ ...s, branch: b.branch, commit: b.commit });
    }
  }
  result.skills.sort((a, b) => a.name.localeCompare(b.name));
  return result;
}

/** Writes accepted skills to a fresh temporary folder so install can copy them like any other; the caller removes `root`. */
export function materializeSkills(skills: readonly AcceptedSkill[]): { root: string; skills: Skill[] } {
  const root = mkdtempSync(join(tmpdir(), 'quartet-accepted-'));
  const out: Skill[] = [];
  for (const s of skills) {
    const dir = join(root, s.name);
    for (const f of s.files) {
      const target = safeJoin(dir, f.path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, f.data);
    }
    out.push({ name: s.name, description: s.description, dir, file: join(dir, 'SKILL.md'), source: 'accepted' });
  }
  return { root, skills: out };
}
