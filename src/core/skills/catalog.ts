// The skills an attempt can use: load SKILL.md folders, report bad ones, merge built-in with the repo's own.

import { existsSync, lstatSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseSkillMarkdown } from './frontMatter';
import { readRegularFile, UnsafeFileError } from '../git/safeFiles';
import type { SkillOrigin } from '../../shared/skills';

export type SkillSource = SkillOrigin;

export interface Skill {
  name: string;
  description: string;
  /** Absolute folder holding SKILL.md (and any files it refers to). */
  dir: string;
  /** Absolute path of the SKILL.md. */
  file: string;
  source: SkillSource;
}

export interface SkillProblem {
  path: string;
  message: string;
}

export interface SkillCatalog {
  skills: Skill[];
  problems: SkillProblem[];
}

/**
 * Folders inside a repository (relative to its top level) where Codex 0.169.0 finds repo skills;
 * verified with the binary, see README.md. `.agents/skills` comes first: Quartet installs there.
 */
export const REPO_SKILL_DIRS = ['.agents/skills', '.codex/skills'] as const;

/** Larger files are not instructions an agent should read in full; refuse rather than ship them. */
const MAX_SKILL_BYTES = 256 * 1024;

/** Every `<dir>/<folder>/SKILL.md`, sorted by name; a missing `dir` is simply empty. */
export function loadSkillsDir(dir: string, source: SkillSource): SkillCatalog {
  const out: SkillCatalog = { skills: [], problems: [] };
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return out;
  for (const folder of readdirSync(dir).sort()) {
    // Codex keeps its own bundled skills in `.system`; hidden folders are never skills of ours.
    if (folder.startsWith('.')) continue;
    const skillDir = resolve(dir, folder);
    const file = join(skillDir, 'SKILL.md');
    // lstat: a linked skill folder or SKILL.md (an agent can commit one) would make install and Accept act where it points.
    const dirStat = lstatSync(skillDir);
    if (dirStat.isSymbolicLink()) {
      out.problems.push({ path: skillDir, message: 'skill folder is a symbolic link; skills are plain folders' });
      continue;
    }
    if (!dirStat.isDirectory()) continue;
    let text: string;
    try {
      text = readRegularFile(file, { maxBytes: MAX_SKILL_BYTES }).toString('utf8');
    } catch (err) {
      if (!(err instanceof UnsafeFileError)) throw err;
      const why = {
        missing: 'folder has no SKILL.md',
        symlink: 'SKILL.md is a symbolic link; skills are plain files',
        too_large: `SKILL.md is larger than ${MAX_SKILL_BYTES} bytes`,
        not_regular: 'SKILL.md is not a regular file',
        outside: err.message,
      }[err.reason];
      out.problems.push({ path: err.reason === 'missing' ? skillDir : file, message: why });
      continue;
    }
    const parsed = parseSkillMarkdown(text, folder);
    if (!parsed.ok) out.problems.push({ path: file, message: parsed.message });
    else
      out.skills.push({ name: parsed.skill.name, description: parsed.skill.description, dir: skillDir, file, source });
  }
  return out;
}

/** The repository's own skills in a checkout or worktree; on a name clash the first folder wins, as listed. */
export function loadRepoSkills(top: string): SkillCatalog {
  const out: SkillCatalog = { skills: [], problems: [] };
  for (const rel of REPO_SKILL_DIRS) {
    const found = loadSkillsDir(join(top, rel), 'repo');
    out.problems.push(...found.problems);
    for (const s of found.skills) {
      if (out.skills.some((k) => k.name === s.name))
        out.problems.push({ path: s.file, message: `duplicate skill "${s.name}" ignored` });
      else out.skills.push(s);
    }
  }
  return out;
}

/** Built-in skills shipped next to the bundles: `<extension>/skills` for `<extension>/dist/*.js`. */
export function builtinSkillsDir(bundleDir: string = __dirname): string {
  return resolve(bundleDir, '..', 'skills');
}

export function loadBuiltinSkills(dir: string = builtinSkillsDir()): SkillCatalog {
  return loadSkillsDir(dir, 'builtin');
}

/** Built-in and repo skills by name; the repository's own wins, because it knows its project better. */
export function mergeSkills(builtin: readonly Skill[], repo: readonly Skill[]): Skill[] {
  const byName = new Map<string, Skill>();
  for (const s of builtin) byName.set(s.name, s);
  for (const s of repo) byName.set(s.name, s);
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
