// Brings the person's installed dependency folders into a fresh attempt worktree (copy-on-write), when the lockfiles prove them current.

import { execFile } from 'node:child_process';
import { lstatSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { assertNoSymlinkUnder, mkdirNoFollow, UnsafeFileError } from '../git/safeFiles';
import type { DependencyCopyMode, DependencyDirRule } from './dependencyRules';

export interface DependencyResult {
  dir: string;
  outcome: 'reflinked' | 'copied' | 'skipped';
  /** For the trace: which lockfile proved it, or why it was left out and what to do. */
  why: string;
}

export interface BringDependenciesInput {
  /** The person's checkout: where the installed folders are. */
  repo: string;
  worktree: string;
  baseCommit: string;
  rules: DependencyDirRule[];
  mode: DependencyCopyMode;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, maxBuffer: 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr || err?.message || '') });
    });
  });
}

/**
 * For each rule whose folder exists in the checkout: copies it into the worktree when its lockfiles
 * equal the base commit's and git ignores it there (else the attempt would commit it). Never throws
 * for one folder: a folder left out says why, and the agent installs as it would have anyway.
 */
export async function bringDependencies(input: BringDependenciesInput): Promise<DependencyResult[]> {
  if (input.mode === 'off') return [];
  const results: DependencyResult[] = [];
  for (const rule of input.rules) {
    const result = await bringOne(input, rule);
    if (result) results.push(result);
  }
  return results;
}

async function bringOne(input: BringDependenciesInput, rule: DependencyDirRule): Promise<DependencyResult | null> {
  const { dir } = rule;
  const from = join(input.repo, dir);
  const st = lstatOrNull(from);
  if (!st) return null;
  const skip = (why: string): DependencyResult => ({ dir, outcome: 'skipped', why });
  if (st.isSymbolicLink() || !st.isDirectory()) return skip(`${dir} in your checkout is not a plain folder`);
  const proof = await lockfileProof(input.repo, input.baseCommit, rule.lockfiles);
  if (!proof.ok) return skip(proof.why);
  const to = join(input.worktree, dir);
  try {
    // The branch decides the folders above the copy: a link there must not carry the copy elsewhere.
    assertNoSymlinkUnder(input.worktree, dirname(dir));
    mkdirNoFollow(input.worktree, dirname(dir));
  } catch (err) {
    if (err instanceof UnsafeFileError) return skip(`not copied: ${err.message}`);
    throw err;
  }
  if ((await run('git', ['check-ignore', '-q', `${dir}/`], input.worktree)).code !== 0) {
    return skip(
      `${dir} is not ignored by git at the base commit, so the attempt would commit it; add it to .gitignore`,
    );
  }
  if (lstatOrNull(to)) return skip(`${dir} already exists in the worktree`);
  const shared = await run('cp', ['-a', '--reflink=always', from, to], input.repo);
  if (shared.code === 0)
    return { dir, outcome: 'reflinked', why: `shares blocks with your checkout (${proof.lockfile} matches the base)` };
  rmSync(to, { recursive: true, force: true });
  if (input.mode !== 'copy') {
    return skip(
      `this file system cannot share blocks (copy-on-write); set quartet.dependencyCopy to "copy" for a full copy per attempt`,
    );
  }
  const copied = await run('cp', ['-a', from, to], input.repo);
  if (copied.code === 0) return { dir, outcome: 'copied', why: `full copy (${proof.lockfile} matches the base)` };
  rmSync(to, { recursive: true, force: true });
  return skip(`copy failed: ${copied.stderr.trim().split('\n')[0] ?? 'cp failed'}`);
}

type Proof = { ok: true; lockfile: string } | { ok: false; why: string };

/** Every lockfile present in the checkout or at the base must be in both, byte-equal as git stores it; at least one must exist. */
async function lockfileProof(repo: string, base: string, lockfiles: string[]): Promise<Proof> {
  let proved: string | null = null;
  for (const lock of lockfiles) {
    const st = lstatOrNull(join(repo, lock));
    const inCheckout = !!st && st.isFile();
    const atBase = await run('git', ['rev-parse', '--verify', '-q', `${base}:${lock}`], repo);
    const baseBlob = atBase.code === 0 ? atBase.stdout.trim() : null;
    if (!inCheckout && !baseBlob) continue;
    if (!inCheckout || !baseBlob)
      return {
        ok: false,
        why: `${lock} ${inCheckout ? 'is not in the base commit' : 'is missing from your checkout'}: the installed folder may not match`,
      };
    const here = await run('git', ['hash-object', '--', lock], repo);
    if (here.code !== 0 || here.stdout.trim() !== baseBlob)
      return {
        ok: false,
        why: `${lock} in your checkout differs from the base commit's: install there, or let the agent install`,
      };
    proved ??= lock;
  }
  return proved
    ? { ok: true, lockfile: proved }
    : { ok: false, why: `no lockfile (${lockfiles.join(', ')}) to prove the installed folder matches the base` };
}

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** One line for the trace: "node_modules shared with your checkout; .venv left out: …". */
export function describeDependencies(results: DependencyResult[]): string | null {
  if (!results.length) return null;
  return results
    .map((r) =>
      r.outcome === 'skipped'
        ? `${r.dir} not copied: ${r.why}`
        : `${r.dir} ${r.outcome === 'reflinked' ? 'reflinked' : 'copied'} from your checkout: ${r.why}`,
    )
    .join('; ');
}
