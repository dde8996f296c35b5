// Archive an attempt's whole work as a patch + manifest, restore it, and remove a worktree only once nothing would be lost.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { repoWorktreeDir } from '../git/worktrees';
import { withWorktreeLock } from '../git/worktreeLock';
import { safeJoin, sanitizeKey } from '../git/pathSafety';
import { git, isClean, refCommit, runGit } from '../git/git';
import { LandError } from './errors';
import type { ClosedPullRequest } from '../../shared/model';

export interface ArchiveManifest {
  version: 1;
  attemptId: string;
  branch: string;
  base: string;
  head: string;
  commitRange: string;
  commits: { sha: string; subject: string }[];
  files: string[];
  patch: string;
  createdAt: string;
  /** The PR an earlier land of the attempt had open when it was archived: closed, or left open and why. */
  pullRequest?: ClosedPullRequest;
}

export interface ArchiveResult {
  dir: string;
  patchFile: string;
  manifestFile: string;
  commitRange: string;
  files: string[];
  restoreHint: string;
}

export interface ArchiveInput {
  repo: string;
  /** The attempt's worktree; when it is gone, only the branch's commits are archived. */
  worktree: string;
  branch: string;
  base: string;
  archiveDir: string;
  attemptId: string;
  pullRequest?: ClosedPullRequest | null;
}

/** Saves everything the attempt did relative to `base` — commits, uncommitted edits, untracked files — as one binary patch. */
export async function archiveAttempt(input: ArchiveInput): Promise<ArchiveResult> {
  const { repo, worktree, branch, base } = input;
  const live = existsSync(worktree);
  const head = await refCommit(live ? worktree : repo, live ? 'HEAD' : `refs/heads/${branch}`);
  if (!head) throw new LandError(`nothing to archive: neither ${worktree} nor ${branch} exists`, 'not_found');
  let patch: string;
  let files: string[];
  if (live) {
    // A private index: `git add -A` must not disturb the index of the agent (or the person) in that worktree.
    const tmp = mkdtempSync(join(tmpdir(), 'quartet-archive-'));
    try {
      const env = { ...process.env, GIT_INDEX_FILE: join(tmp, 'index') };
      const realIndex = resolve(worktree, (await git(worktree, ['rev-parse', '--git-path', 'index'])).trim());
      // Starting from a copy keeps git's stat cache, so unchanged files are not re-hashed.
      if (existsSync(realIndex)) copyFileSync(realIndex, env.GIT_INDEX_FILE);
      await mustRun(worktree, ['add', '-A'], env);
      patch = await mustRun(worktree, ['diff', '--cached', '--binary', base, '--'], env);
      files = splitZ(await mustRun(worktree, ['diff', '--cached', '--name-only', '-z', base, '--'], env));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  } else {
    patch = await git(repo, ['diff', '--binary', base, head, '--']);
    files = splitZ(await git(repo, ['diff', '--name-only', '-z', base, head, '--']));
  }
  const log = await git(repo, ['log', '--reverse', '--format=%H%x09%s', `${base}..${head}`]);
  const commits = log
    .split('\n')
    .filter(Boolean)
    .map((l) => ({ sha: l.slice(0, l.indexOf('\t')), subject: l.slice(l.indexOf('\t') + 1) }));
  const dir = freshDir(input.archiveDir, sanitizeKey(input.attemptId));
  const patchFile = join(dir, 'attempt.patch');
  const manifestFile = join(dir, 'manifest.json');
  const commitRange = `${base}..${head}`;
  const manifest: ArchiveManifest = {
    version: 1,
    attemptId: input.attemptId,
    branch,
    base,
    head,
    commitRange,
    commits,
    files,
    patch: 'attempt.patch',
    createdAt: new Date().toISOString(),
    ...(input.pullRequest ? { pullRequest: input.pullRequest } : {}),
  };
  writeFileSync(patchFile, patch);
  writeFileSync(manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  const restoreHint = `git worktree add -b <new-branch> <dir> ${base} && git -C <dir> apply --binary ${patchFile}`;
  return { dir, patchFile, manifestFile, commitRange, files, restoreHint };
}

/** `<root>/<name>`, or `<name>-2`, `-3`… so a second rework of the same attempt never overwrites the first. */
function freshDir(root: string, name: string): string {
  mkdirSync(root, { recursive: true });
  for (let i = 1; ; i++) {
    const dir = safeJoin(root, i === 1 ? name : `${name}-${i}`);
    if (!existsSync(dir)) {
      mkdirSync(dir);
      return dir;
    }
  }
}

async function mustRun(cwd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const r = await runGit(cwd, args, env);
  if (r.code !== 0) throw new LandError(`git ${args.join(' ')} failed in ${cwd}: ${r.stderr.trim()}`, 'git_failed');
  return r.stdout;
}

const splitZ = (s: string): string[] => s.split('\0').filter(Boolean);

export function readManifest(archive: string): ArchiveManifest {
  const file = archive.endsWith('.json') ? archive : join(archive, 'manifest.json');
  let m: Partial<ArchiveManifest>;
  try {
    m = JSON.parse(readFileSync(file, 'utf8')) as Partial<ArchiveManifest>;
  } catch (err) {
    throw new LandError(`cannot read archive manifest ${file}: ${(err as Error).message}`, 'bad_archive');
  }
  if (
    m.version !== 1 ||
    typeof m.base !== 'string' ||
    typeof m.patch !== 'string' ||
    isAbsolute(m.patch) ||
    m.patch.includes('..')
  ) {
    throw new LandError(`${file} is not a Quartet archive manifest`, 'bad_archive');
  }
  return m as ArchiveManifest;
}

/** Recreates the archived work as uncommitted changes on a NEW branch + worktree started at the archive's base. */
export async function restoreArchive(input: {
  repo: string;
  archive: string;
  branch: string;
  worktreeRoot: string;
}): Promise<string> {
  const { repo, branch } = input;
  const manifest = readManifest(input.archive);
  const dir = input.archive.endsWith('.json') ? resolve(input.archive, '..') : input.archive;
  if (await refCommit(repo, `refs/heads/${branch}`))
    throw new LandError(`branch ${branch} already exists; restore never rewrites a branch`, 'branch_exists');
  // `.restored` never collides with a task folder: sanitized task keys never start with a dot.
  const path = join(repoWorktreeDir(input.worktreeRoot, repo), '.restored', sanitizeKey(branch));
  if (existsSync(path)) throw new LandError(`${path} already exists`, 'branch_exists');
  mkdirSync(resolve(path, '..'), { recursive: true });
  await withWorktreeLock(repo, () => git(repo, ['worktree', 'add', '-b', branch, path, manifest.base]));
  const patchFile = join(dir, manifest.patch);
  if (readFileSync(patchFile).length === 0) return path;
  const r = await runGit(path, ['apply', '--binary', '--whitespace=nowarn', patchFile]);
  if (r.code !== 0) {
    // Both were created just now by this call: undo them rather than leave a half-restored branch.
    await withWorktreeLock(repo, () => git(repo, ['worktree', 'remove', '--force', path]));
    await git(repo, ['branch', '-D', branch]);
    throw new LandError(
      `the archived patch does not apply on ${manifest.base.slice(0, 8)}: ${r.stderr.trim()}`,
      'patch_failed',
    );
  }
  return path;
}

export interface RemoveInput {
  repo: string;
  worktree: string;
  branch: string;
  deleteBranch: boolean;
  /** The archive made of this attempt, if any; without one a worktree with changes is never removed. */
  archive?: { patchFile: string } | null;
  /** Runs right before a live worktree is removed (WORKFLOW.md `before_remove`); its failure must not stop the removal. */
  beforeRemove?: () => Promise<void>;
}

/** Removes an attempt's worktree (and optionally its branch); refuses when that would lose unarchived work. */
export async function removeAttemptWorktree(
  input: RemoveInput,
): Promise<{ removedWorktree: boolean; deletedBranch: boolean }> {
  const { repo, worktree, branch } = input;
  if (input.deleteBranch && !branch.startsWith('quartet/')) {
    throw new LandError(
      `refusing to delete ${branch}: Quartet deletes only branches it created (quartet/…)`,
      'not_quartet_branch',
    );
  }
  const live = existsSync(worktree);
  if (live && !(await isClean(worktree)) && !(input.archive && existsSync(input.archive.patchFile))) {
    throw new LandError(
      `${worktree} has uncommitted or untracked changes and no archive was made; archive it first`,
      'dirty_worktree',
    );
  }
  if (live && input.beforeRemove) await input.beforeRemove().catch(() => undefined);
  await withWorktreeLock(repo, async () => {
    if (live) await git(repo, ['worktree', 'remove', '--force', worktree]);
    else await git(repo, ['worktree', 'prune']);
  });
  let deletedBranch = false;
  if (input.deleteBranch && (await refCommit(repo, `refs/heads/${branch}`))) {
    await git(repo, ['branch', '-D', branch]);
    deletedBranch = true;
  }
  return { removedWorktree: live, deletedBranch };
}
