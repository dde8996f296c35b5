// Skill folders read straight from git objects (ls-tree / cat-file): nothing is checked out, no working tree is touched.

import { execFile } from 'node:child_process';
import { posix } from 'node:path';
import { REPO_SKILL_DIRS } from './catalog';
import { parseSkillMarkdown } from './frontMatter';
import { hashSkillFiles, type SkillFile } from './skillFiles';
import { SkillsError } from './worktreeExclude';

/** A skill as a commit holds it. */
export interface GitSkill {
  name: string;
  description: string;
  /** Repository-relative folder, e.g. `.agents/skills/fix-ci`. */
  relDir: string;
  files: SkillFile[];
  version: string;
}

export interface GitSkillProblem {
  path: string;
  message: string;
}

/** Runs git and returns stdout as bytes; a non-zero exit is an error naming the command. */
export function gitBytes(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      { cwd, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, windowsHide: true },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new SkillsError(
              `git ${args.join(' ')} failed in ${cwd}: ${stderr.toString('utf8').trim() || err.message}`,
              'git_failed',
            ),
          );
        else resolve(stdout);
      },
    );
  });
}

export async function gitText(cwd: string, args: string[]): Promise<string> {
  return (await gitBytes(cwd, args)).toString('utf8');
}

/** Exit code only (for `merge-base --is-ancestor`, `rev-parse --verify`), with stdout. */
export function gitTry(cwd: string, args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, windowsHide: true }, (err, stdout) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 128) : 0, stdout: String(stdout) });
    });
  });
}

/** `<top>/<name>` of a path under a skills folder, or null (`.agents/skills/x/SKILL.md` → `.agents/skills/x`). */
export function skillDirOf(path: string): string | null {
  for (const top of REPO_SKILL_DIRS) {
    if (!path.startsWith(`${top}/`)) continue;
    const name = path.slice(top.length + 1).split('/')[0];
    return name && !name.startsWith('.') && path.length > top.length + 1 + name.length ? `${top}/${name}` : null;
  }
  return null;
}

/** The tree id of `dir` at `commit`, or null when it does not exist there (equal ids = identical content). */
export async function treeAt(repo: string, commit: string, dir: string): Promise<string | null> {
  // Everything after `:` is the path (a `^{tree}` suffix would be read as part of it).
  const r = await gitTry(repo, ['rev-parse', '--verify', '--quiet', `${commit}:${dir}`]);
  return r.code === 0 ? r.stdout.trim() || null : null;
}

interface Entry {
  mode: string;
  sha: string;
  path: string;
}

async function lsTree(repo: string, commit: string, paths: readonly string[]): Promise<Entry[]> {
  const out = await gitText(repo, ['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...paths]);
  return out
    .split('\0')
    .filter(Boolean)
    .map((line) => {
      const tab = line.indexOf('\t');
      const [mode = '', , sha = ''] = line.slice(0, tab).split(' ');
      return { mode, sha, path: line.slice(tab + 1) };
    });
}

/**
 * Skill folders at `commit` (all of them, or only `dirs`); SKILL.md must parse and name its folder.
 * Links and submodules are left out, as install leaves them out.
 */
export async function skillsAtCommit(
  repo: string,
  commit: string,
  dirs?: readonly string[],
): Promise<{ skills: GitSkill[]; problems: GitSkillProblem[] }> {
  const entries = await lsTree(repo, commit, dirs ?? REPO_SKILL_DIRS);
  const byDir = new Map<string, Entry[]>();
  for (const e of entries) {
    const dir = skillDirOf(e.path);
    if (!dir || (e.mode !== '100644' && e.mode !== '100755')) continue;
    byDir.set(dir, [...(byDir.get(dir) ?? []), e]);
  }
  const skills: GitSkill[] = [];
  const problems: GitSkillProblem[] = [];
  for (const [relDir, list] of [...byDir.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const md = list.find((e) => e.path === `${relDir}/SKILL.md`);
    if (!md) {
      problems.push({ path: `${commit.slice(0, 10)}:${relDir}`, message: 'folder has no SKILL.md' });
      continue;
    }
    const files: SkillFile[] = [];
    for (const e of list)
      files.push({ path: e.path.slice(relDir.length + 1), data: await gitBytes(repo, ['cat-file', 'blob', e.sha]) });
    const parsed = parseSkillMarkdown(
      files.find((f) => f.path === 'SKILL.md')?.data.toString('utf8') ?? '',
      posix.basename(relDir),
    );
    if (!parsed.ok) problems.push({ path: `${commit.slice(0, 10)}:${md.path}`, message: parsed.message });
    else
      skills.push({
        name: parsed.skill.name,
        description: parsed.skill.description,
        relDir,
        files,
        version: hashSkillFiles(files),
      });
  }
  return { skills, problems };
}
