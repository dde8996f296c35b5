// Per-worktree git exclusion: paths only one linked worktree ignores, without touching the main checkout.

import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

export class SkillsError extends Error {
  constructor(
    message: string,
    readonly reason: 'not_linked_worktree' | 'unsupported_repo' | 'git_failed',
  ) {
    super(message);
    this.name = 'SkillsError';
  }
}

/** Name of Quartet's exclude file inside the worktree's own git dir (never part of any working tree). */
export const EXCLUDE_FILE = 'quartet-exclude';
/** Lines after this marker are Quartet's; the lines before it are the inherited ignore rules. */
const MARKER = '# --- quartet: installed for this attempt only ---';

export function gitOut(cwd: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((ok, fail) => {
    execFile('git', args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      if (code === null)
        fail(new SkillsError(`git ${args.join(' ')} could not run in ${cwd}: ${err?.message ?? ''}`, 'git_failed'));
      else ok({ code, stdout, stderr });
    });
  });
}

async function must(cwd: string, args: string[]): Promise<string> {
  const r = await gitOut(cwd, args);
  if (r.code !== 0) throw new SkillsError(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim()}`, 'git_failed');
  return r.stdout.trim();
}

export interface LinkedWorktree {
  top: string;
  gitDir: string;
  commonDir: string;
}

/** The worktree's own git dir and the shared one; refuses the main checkout, which Quartet never changes. */
export async function linkedWorktree(worktree: string): Promise<LinkedWorktree> {
  const top = await must(worktree, ['rev-parse', '--show-toplevel']);
  const gitDir = await must(worktree, ['rev-parse', '--absolute-git-dir']);
  const commonDir = resolve(worktree, await must(worktree, ['rev-parse', '--git-common-dir']));
  if (resolve(gitDir) === commonDir)
    throw new SkillsError(`${top} is a main checkout, not a linked worktree`, 'not_linked_worktree');
  return { top, gitDir, commonDir };
}

/**
 * `core.excludesFile` accepts one file, so ours replaces the user's global one in this worktree:
 * copy that file's rules in first, or the agent's `.DS_Store` and editor files would get committed.
 */
async function inheritedExcludes(worktree: string, ours: string): Promise<string> {
  const r = await gitOut(worktree, ['config', '--show-origin', '--get-all', 'core.excludesFile']);
  const values = r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ origin: l.slice(0, l.indexOf('\t')), value: l.slice(l.indexOf('\t') + 1) }));
  const inherited = values
    .filter((v) => !v.origin.endsWith('config.worktree') && resolve(v.value) !== ours)
    .pop()?.value;
  const xdg = process.env.XDG_CONFIG_HOME || join(homedir(), '.config');
  let file = inherited ?? join(xdg, 'git', 'ignore');
  if (file.startsWith('~/')) file = join(homedir(), file.slice(2));
  if (!isAbsolute(file)) file = resolve(worktree, file);
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/** Paths Quartet excluded earlier in this worktree (so a retry can replace them). */
export function excludedByQuartet(gitDir: string): string[] {
  const file = join(gitDir, EXCLUDE_FILE);
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(MARKER);
  return at < 0
    ? []
    : text
        .slice(at + MARKER.length)
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'));
}

/** Refuses layouts where turning on per-worktree config would change how the main checkout reads its config. */
async function checkCommonConfig(wt: LinkedWorktree): Promise<void> {
  const config = join(wt.commonDir, 'config');
  const bare = await gitOut(wt.top, ['config', '--file', config, '--bool', '--get', 'core.bare']);
  const coreWorktree = await gitOut(wt.top, ['config', '--file', config, '--get', 'core.worktree']);
  if (bare.stdout.trim() === 'true' || coreWorktree.stdout.trim()) {
    throw new SkillsError(
      'the repository sets core.bare or core.worktree in its shared config; per-worktree config would change its meaning',
      'unsupported_repo',
    );
  }
}

/** Concurrent attempts of one repo may flip the shared flag together; git's config lock makes one of them fail. */
async function enableWorktreeConfig(wt: LinkedWorktree): Promise<void> {
  const config = join(wt.commonDir, 'config');
  for (let tries = 0; ; tries++) {
    const now = await gitOut(wt.top, ['config', '--file', config, '--bool', '--get', 'extensions.worktreeConfig']);
    if (now.stdout.trim() === 'true') return;
    const set = await gitOut(wt.top, ['config', '--file', config, 'extensions.worktreeConfig', 'true']);
    if (set.code === 0) return;
    if (tries >= 20)
      throw new SkillsError(`could not enable extensions.worktreeConfig: ${set.stderr.trim()}`, 'git_failed');
    await new Promise((r) => setTimeout(r, 25 + Math.random() * 50));
  }
}

/**
 * Makes `patterns` (gitignore syntax, anchored at the worktree top) ignored in this worktree only:
 * `extensions.worktreeConfig` + a `core.excludesFile` in the worktree's `config.worktree`. The shared
 * `info/exclude` is not used because the main checkout reads it too.
 */
export async function excludeInWorktree(wt: LinkedWorktree, patterns: readonly string[]): Promise<void> {
  await checkCommonConfig(wt);
  const ours = join(wt.gitDir, EXCLUDE_FILE);
  const inherited = await inheritedExcludes(wt.top, ours);
  const head = inherited.includes(MARKER) ? inherited.slice(0, inherited.indexOf(MARKER)) : inherited;
  writeFileSync(ours, `${head}${head && !head.endsWith('\n') ? '\n' : ''}${MARKER}\n${patterns.join('\n')}\n`);
  await enableWorktreeConfig(wt);
  await must(wt.top, ['config', '--worktree', 'core.excludesFile', ours]);
}
