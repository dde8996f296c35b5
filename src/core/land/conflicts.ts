// Conflict prediction with `git merge-tree --write-tree`: merges in the object store only, no working tree touched.

import { runGit } from '../git/git';
import { LandError } from './errors';

export interface ConflictPrediction {
  id: string;
  conflicts: boolean;
  /** Paths that would conflict, sorted. */
  files: string[];
  /** Tree the clean merge would produce (also written on conflict, with conflict markers). */
  tree: string;
}

const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/**
 * Merges `a` and `b` in memory. Exit 0 = clean, 1 = conflicts; git also exits 1 for a ref it cannot
 * resolve, so a conflict must come with a tree id on the first field.
 */
export async function mergeTree(
  repo: string,
  a: string,
  b: string,
): Promise<{ conflicts: boolean; files: string[]; tree: string }> {
  const r = await runGit(repo, ['merge-tree', '--write-tree', '-z', '--name-only', '--no-messages', a, b]);
  const fields = r.stdout.split('\0');
  const tree = fields[0] ?? '';
  if ((r.code !== 0 && r.code !== 1) || !OID.test(tree)) {
    throw new LandError(`git merge-tree ${a} ${b} failed: ${r.stderr.trim() || `exit ${r.code}`}`, 'git_failed');
  }
  const files = r.code === 1 ? [...new Set(fields.slice(1).filter(Boolean))].sort() : [];
  return { conflicts: r.code === 1, files, tree };
}

/** Would `branch` conflict with each of `others`? (e.g. sibling attempts of the same task). */
export async function predictConflicts(
  repo: string,
  branch: string,
  others: { id: string; ref: string }[],
): Promise<ConflictPrediction[]> {
  const out: ConflictPrediction[] = [];
  // One at a time: merge-tree is fast, and parallel writes to the object store gain little.
  for (const o of others) {
    const m = await mergeTree(repo, branch, o.ref);
    out.push({ id: o.id, ...m });
  }
  return out;
}

/** Would landing `branch` onto the current tip of `baseRef` conflict? */
export async function conflictsWithBase(
  repo: string,
  baseRef: string,
  branch: string,
): Promise<{ conflicts: boolean; files: string[] }> {
  const { conflicts, files } = await mergeTree(repo, baseRef, branch);
  return { conflicts, files };
}
