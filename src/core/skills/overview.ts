// What `GET /api/v1/skills` answers: the catalog new attempts get (built-in < repo < accepted), skills branches, outcomes, the review.

import { relative } from 'node:path';
import type { TaskSnapshot } from '../../shared/model';
import type { CatalogSkill, DistillReviewView, SkillsOverview } from '../../shared/skills';
import { acceptedSkills } from './acceptedSkills';
import { builtinSkillsDir, loadBuiltinSkills } from './catalog';
import { skillsAtCommit } from './gitSkills';
import { skillOutcomes } from './outcomes';
import { skillDirVersion } from './skillFiles';

export interface OverviewInput {
  repo: string;
  /** The branch new tasks start from (or a commit); null when the repository has no commits. */
  base: string | null;
  tasks: readonly TaskSnapshot[];
  /** The distill review as the view shows it (distill/ builds it; skills sit below distill). */
  review: DistillReviewView | null;
  builtinDir?: string;
}

/** Later sources win by name, as at install: the repository knows its project, an accepted proposal is newer still. */
export async function skillsOverview(input: OverviewInput): Promise<SkillsOverview> {
  const dir = input.builtinDir ?? builtinSkillsDir();
  const builtin = loadBuiltinSkills(dir);
  const problems = builtin.problems.map((p) => `${p.path}: ${p.message}`);
  const byName = new Map<string, CatalogSkill>();
  for (const s of builtin.skills) {
    byName.set(s.name, {
      name: s.name,
      description: s.description,
      source: 'builtin',
      version: skillDirVersion(s.dir),
      path: `skills/${relative(dir, s.dir)}`,
      branch: null,
    });
  }
  let branches: SkillsOverview['branches'] = [];
  if (input.base) {
    const repo = await skillsAtCommit(input.repo, input.base);
    problems.push(...repo.problems.map((p) => `${p.path}: ${p.message}`));
    const own = new Set<string>();
    for (const s of repo.skills) {
      // `.agents/skills` sorts before `.codex/skills`: the first folder wins, as Quartet reads them.
      if (own.has(s.name)) continue;
      own.add(s.name);
      byName.set(s.name, {
        name: s.name,
        description: s.description,
        source: 'repo',
        version: s.version,
        path: s.relDir,
        branch: null,
      });
    }
    const accepted = await acceptedSkills(input.repo, input.base);
    problems.push(...accepted.problems.map((p) => `${p.path}: ${p.message}`));
    for (const s of accepted.skills) {
      byName.set(s.name, {
        name: s.name,
        description: s.description,
        source: 'accepted',
        version: s.version,
        path: s.relDir,
        branch: s.branch,
      });
    }
    branches = accepted.branches;
  }
  return {
    base: input.base,
    skills: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)),
    branches,
    outcomes: skillOutcomes(input.tasks),
    review: input.review,
    problems,
  };
}
