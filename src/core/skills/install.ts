// Puts skills where Codex 0.169.0 discovers them inside an attempt's worktree, invisible to git status and commits.

import { cpSync, existsSync, lstatSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadRepoSkills, mergeSkills, REPO_SKILL_DIRS, type Skill, type SkillProblem } from './catalog';
import { excludedByQuartet, excludeInWorktree, gitOut, linkedWorktree } from './worktreeExclude';

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
}

export interface InstallSkillsResult {
  /** Names copied into the worktree by this call. */
  installed: string[];
  /** Offered skills not copied because the repository has its own of that name, or the folder is taken. */
  skipped: { name: string; reason: 'repo_skill' | 'path_taken' }[];
  /** One item per skill Codex will list for the worktree (installed + the repo's own), sorted by name. */
  skillInputs: SkillInput[];
  /** Invalid SKILL.md files found in the worktree (reported, never fatal). */
  problems: SkillProblem[];
}

/** Where Quartet installs: the first folder Codex scans at the repository top. */
const INSTALL_DIR = REPO_SKILL_DIRS[0];

const pattern = (name: string): string => `/${INSTALL_DIR}/${name}/`;
const nameOf = (p: string): string | null => new RegExp(`^/${INSTALL_DIR.replace('.', '\\.')}/([a-z0-9-]+)/$`).exec(p)?.[1] ?? null;

async function isTracked(top: string, rel: string): Promise<boolean> {
  const r = await gitOut(top, ['ls-files', '-z', '--', rel]);
  return r.stdout.length > 0;
}

/** Removes what an earlier install (a retry reuses the worktree) left, so this one starts from the repo's own state. */
async function removePrevious(top: string, gitDir: string): Promise<void> {
  for (const p of excludedByQuartet(gitDir)) {
    const name = nameOf(p);
    if (!name) continue;
    const rel = join(INSTALL_DIR, name);
    // A folder the branch now tracks belongs to the repository, whatever we did before.
    if (!(await isTracked(top, rel))) rmSync(join(top, rel), { recursive: true, force: true });
  }
}

/**
 * Copies the offered skills into `<worktree>/.agents/skills/<name>/` and excludes exactly those
 * folders through the worktree's own `core.excludesFile`, so neither `git status` nor Quartet's
 * `git add -A` sees them. Idempotent: a retry in the same worktree reinstalls cleanly.
 */
export async function installSkills(input: InstallSkillsInput): Promise<InstallSkillsResult> {
  const wt = await linkedWorktree(input.worktree);
  await removePrevious(wt.top, wt.gitDir);
  const repo = loadRepoSkills(wt.top);
  const repoNames = new Set(repo.skills.map((s) => s.name));

  const skipped: InstallSkillsResult['skipped'] = [];
  const toCopy: Skill[] = [];
  for (const skill of input.skills) {
    if (repoNames.has(skill.name)) skipped.push({ name: skill.name, reason: 'repo_skill' });
    else if (existsSync(join(wt.top, INSTALL_DIR, skill.name))) skipped.push({ name: skill.name, reason: 'path_taken' });
    else toCopy.push(skill);
  }

  // Exclude first: no moment where a half-copied skill shows up in `git status`.
  await excludeInWorktree(wt, toCopy.map((s) => pattern(s.name)));
  const installed: Skill[] = [];
  for (const skill of toCopy) {
    const dest = join(wt.top, INSTALL_DIR, skill.name);
    mkdirSync(dest, { recursive: true });
    // Links could point anywhere on the machine; a skill is plain files.
    cpSync(skill.dir, dest, { recursive: true, force: true, filter: (src) => !lstatSync(src).isSymbolicLink() });
    installed.push({ ...skill, dir: dest, file: join(dest, 'SKILL.md') });
  }

  const skillInputs = mergeSkills(installed, repo.skills).map((s): SkillInput => ({ type: 'skill', name: s.name, path: s.file }));
  return { installed: installed.map((s) => s.name), skipped, skillInputs, problems: repo.problems };
}
