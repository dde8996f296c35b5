// Puts skills where Codex 0.169.0 discovers them inside an attempt's worktree, invisible to git status and commits.

import { lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { copyTreeNoFollow, removeNoFollow, symlinkUnder } from '../git/safeFiles';
import type { AttemptSkill } from '../../shared/skills';
import { loadRepoSkills, mergeSkills, REPO_SKILL_DIRS, type Skill, type SkillProblem } from './catalog';
import { skillDirOf } from './gitSkills';
import { skillDirVersion } from './skillFiles';
import { overrideTracked, restoreTracked, trackedFiles } from './trackedOverride';
import { excludedByQuartet, excludeInWorktree, linkedWorktree } from './worktreeExclude';

/** A `turn/start` input item that puts a listed skill's full text into the turn (Codex drops unlisted paths). */
export interface SkillInput {
  type: 'skill';
  name: string;
  path: string;
}

export interface InstallSkillsInput {
  /** The attempt's linked worktree (never the main checkout). */
  worktree: string;
  /** Skills to offer, usually `loadBuiltinSkills().skills`; the worktree's own skills win on a name clash. */
  skills: readonly Skill[];
  /**
   * Accepted distill proposals not yet in the base (`source: 'accepted'`). They win over the
   * worktree's own skill of the same name: that is what accepting an edit means.
   */
  accepted?: readonly Skill[];
}

export interface InstallSkillsResult {
  /** Names copied into the worktree by this call. */
  installed: string[];
  /** Offered skills not copied because the repository has its own of that name, or the folder is taken. */
  skipped: { name: string; reason: 'repo_skill' | 'path_taken' | 'unsafe_path' }[];
  /** One item per skill Codex will list for the worktree (installed + the repo's own), sorted by name. */
  skillInputs: SkillInput[];
  /** Invalid SKILL.md files found in the worktree (reported, never fatal). */
  problems: SkillProblem[];
  /** What the attempt received: every listed skill with its source and version (the folder's content hash). */
  received: AttemptSkill[];
}

/** Where Quartet installs a skill the repository does not have: the first folder Codex scans at the top. */
const INSTALL_DIR = REPO_SKILL_DIRS[0];

const pattern = (rel: string): string => `/${rel}/`;
/** The folder a pattern written by `pattern` names, if it is a skill folder. */
const relOf = (p: string): string | null => {
  const rel = p.replace(/^\//, '').replace(/\/$/, '');
  return skillDirOf(`${rel}/SKILL.md`) === rel ? rel : null;
};

/** Removes what an earlier install (a retry reuses the worktree) left, so this one starts from the repo's own state. */
async function removePrevious(top: string, gitDir: string): Promise<void> {
  for (const p of excludedByQuartet(gitDir)) {
    const rel = relOf(p);
    if (!rel) continue;
    const tracked = await trackedFiles(top, rel);
    // Overridden by an accepted skill: give the branch its own files back.
    if (tracked.some((f) => f.skipped)) await restoreTracked(top, rel);
    // A folder the branch now tracks belongs to the repository, whatever we did before.
    else if (!tracked.length && !symlinkUnder(top, rel)) removeNoFollow(top, rel);
  }
}

/** Something (even a dangling link) already sits at `rel`. */
function occupied(top: string, rel: string): boolean {
  try {
    lstatSync(join(top, rel));
    return true;
  } catch {
    return false;
  }
}

function copySkill(skill: Skill, top: string, rel: string): Skill {
  // Links could point anywhere on the machine, on either side: a skill is plain files, written through no link.
  copyTreeNoFollow(skill.dir, top, rel);
  const dest = join(top, rel);
  return { ...skill, dir: dest, file: join(dest, 'SKILL.md') };
}

/**
 * Copies the offered skills into `<worktree>/.agents/skills/<name>/` (an accepted one that replaces a
 * repo skill goes to that skill's folder) and excludes exactly those folders through the worktree's
 * own `core.excludesFile`, so neither `git status` nor Quartet's `git add -A` sees them. Idempotent:
 * a retry in the same worktree reinstalls cleanly.
 */
export async function installSkills(input: InstallSkillsInput): Promise<InstallSkillsResult> {
  const wt = await linkedWorktree(input.worktree);
  await removePrevious(wt.top, wt.gitDir);
  const repo = loadRepoSkills(wt.top);
  const repoByName = new Map(repo.skills.map((s) => [s.name, s]));

  const skipped: InstallSkillsResult['skipped'] = [];
  const plan: { skill: Skill; rel: string; override: boolean }[] = [];
  for (const skill of input.accepted ?? []) {
    const own = repoByName.get(skill.name);
    const rel = own ? relative(wt.top, own.dir).split(sep).join('/') : `${INSTALL_DIR}/${skill.name}`;
    if (symlinkUnder(wt.top, rel)) skipped.push({ name: skill.name, reason: 'unsafe_path' });
    else if (!own && occupied(wt.top, rel)) skipped.push({ name: skill.name, reason: 'path_taken' });
    else plan.push({ skill, rel, override: !!own });
  }
  const taken = new Set(plan.map((p) => p.skill.name));
  for (const skill of input.skills) {
    if (taken.has(skill.name)) continue;
    const rel = `${INSTALL_DIR}/${skill.name}`;
    if (repoByName.has(skill.name)) skipped.push({ name: skill.name, reason: 'repo_skill' });
    else if (symlinkUnder(wt.top, rel)) skipped.push({ name: skill.name, reason: 'unsafe_path' });
    else if (occupied(wt.top, rel)) skipped.push({ name: skill.name, reason: 'path_taken' });
    else plan.push({ skill, rel, override: false });
  }

  // Exclude first: no moment where a half-copied skill shows up in `git status`.
  await excludeInWorktree(
    wt,
    plan.map((p) => pattern(p.rel)),
  );
  const installed: Skill[] = [];
  for (const p of plan) {
    if (p.override) await overrideTracked(wt.top, p.rel);
    installed.push(copySkill(p.skill, wt.top, p.rel));
  }

  const listed = mergeSkills(
    repo.skills.filter((s) => !taken.has(s.name)),
    installed,
  );
  const skillInputs = listed.map((s): SkillInput => ({ type: 'skill', name: s.name, path: s.file }));
  const received = listed.map((s): AttemptSkill => ({
    name: s.name,
    source: s.source,
    version: skillDirVersion(s.dir),
  }));
  return { installed: installed.map((s) => s.name), skipped, skillInputs, problems: repo.problems, received };
}
