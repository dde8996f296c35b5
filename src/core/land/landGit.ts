// The git side of a land: merge the attempt into a temporary worktree, then advance the base (or set it aside).

import { lstatSync } from 'node:fs';
import { join } from 'node:path';
import { QUARTET_GIT_IDENTITY } from '../git/worktrees';
import { checkoutOf, isClean, refCommit, runGit } from '../git/git';

export type MergeOutcome =
  | { kind: 'ok'; commit: string }
  | { kind: 'conflict'; files: string[] }
  | { kind: 'empty' }
  | { kind: 'error'; message: string };

/** Merges `attemptBranch` into the temporary worktree `dir` (detached at the base tip) and commits as Quartet. */
export async function mergeInWorktree(
  dir: string,
  attemptBranch: string,
  mode: 'squash' | 'merge',
  message: string,
): Promise<MergeOutcome> {
  const before = await refCommit(dir, 'HEAD');
  // --no-verify: the user's commit hooks do not gate Quartet's merge; the checks step does.
  // The identity matters for squash too: a non-fast-forward `merge --squash` refuses to run without one.
  const args =
    mode === 'squash'
      ? [...QUARTET_GIT_IDENTITY, 'merge', '--squash', attemptBranch]
      : [...QUARTET_GIT_IDENTITY, 'merge', '--no-ff', '--no-verify', '--no-edit', '-m', message, attemptBranch];
  const r = await runGit(dir, args);
  if (r.code !== 0) {
    const u = await runGit(dir, ['diff', '--name-only', '--diff-filter=U', '-z']);
    const files = [...new Set(u.stdout.split('\0').filter(Boolean))].sort();
    if (files.length) return { kind: 'conflict', files };
    return { kind: 'error', message: `git merge failed: ${(r.stderr || r.stdout).trim()}` };
  }
  if (mode === 'merge') {
    const after = await refCommit(dir, 'HEAD');
    return after && after !== before ? { kind: 'ok', commit: after } : { kind: 'empty' };
  }
  if ((await runGit(dir, ['diff', '--cached', '--quiet'])).code === 0) return { kind: 'empty' };
  const c = await runGit(dir, [...QUARTET_GIT_IDENTITY, 'commit', '--no-verify', '-q', '-m', message]);
  if (c.code !== 0) return { kind: 'error', message: `git commit failed: ${c.stderr.trim()}` };
  const commit = await refCommit(dir, 'HEAD');
  return commit ? { kind: 'ok', commit } : { kind: 'error', message: 'no commit after git commit' };
}

export type AdvanceOutcome =
  | { kind: 'advanced'; checkout: string | null }
  /** `overwrites`: ignored files in the checkout the fast-forward would have replaced (empty: the checkout was dirty). */
  | { kind: 'aside'; branch: string; checkout: string; overwrites: string[] }
  | { kind: 'moved'; detail: string }
  | { kind: 'refused'; message: string };

export interface AdvanceInput {
  repo: string;
  baseBranch: string;
  /** Base tip the new commit was built on: the compare of the compare-and-swap. */
  expected: string;
  commit: string;
  landedBranch: string;
  reflog: string;
}

/**
 * Moves `refs/heads/<base>` from `expected` to `commit`. The user's checkout is touched only when it
 * has the base checked out and is clean (fast-forward); dirty → the result goes to `landedBranch`.
 */
export async function advanceBase(a: AdvanceInput): Promise<AdvanceOutcome> {
  const current = await refCommit(a.repo, `refs/heads/${a.baseBranch}`);
  if (current !== a.expected)
    return { kind: 'moved', detail: `${a.baseBranch} moved to ${short(current)} while landing` };
  const co = await checkoutOf(a.repo, a.baseBranch);
  if (!co) {
    const r = await runGit(a.repo, ['update-ref', '-m', a.reflog, `refs/heads/${a.baseBranch}`, a.commit, a.expected]);
    if (r.code === 0) return { kind: 'advanced', checkout: null };
    return { kind: 'moved', detail: `update-ref refused: ${r.stderr.trim()}` };
  }
  // `git status` is clean when the only extra files are ignored ones (`.env`), yet a fast-forward replaces those silently.
  const overwrites = (await isClean(co.path)) ? await ignoredInTheWay(co.path, a.expected, a.commit) : null;
  if (overwrites === null || overwrites.length) {
    if (await checkoutOf(a.repo, a.landedBranch)) {
      const why = overwrites?.length
        ? `the landed commit would overwrite ignored files in your checkout (${overwrites.join(', ')})`
        : 'your checkout has uncommitted changes';
      return { kind: 'refused', message: `${why} and ${a.landedBranch} is checked out somewhere; nothing was moved` };
    }
    // The landed branch is Quartet's own (quartet/landed/<task key>): a newer land of the task replaces it.
    const r = await runGit(a.repo, ['update-ref', '-m', a.reflog, `refs/heads/${a.landedBranch}`, a.commit]);
    if (r.code !== 0) return { kind: 'refused', message: `could not write ${a.landedBranch}: ${r.stderr.trim()}` };
    return { kind: 'aside', branch: a.landedBranch, checkout: co.path, overwrites: overwrites ?? [] };
  }
  // Fast-forward in the checkout itself so its index and files follow the branch; refuses rather than overwrite.
  const r = await runGit(co.path, ['merge', '--ff-only', '--no-edit', a.commit]);
  const now = await refCommit(a.repo, `refs/heads/${a.baseBranch}`);
  if (r.code === 0 && now === a.commit) return { kind: 'advanced', checkout: co.path };
  return { kind: 'moved', detail: `fast-forward of ${co.path} did not apply: ${(r.stderr || r.stdout).trim()}` };
}

/**
 * Untracked (so, in a clean checkout, ignored) files or folders in `checkout` standing where the commits
 * `from..to` add a path: the path itself, or a file where the new path needs a folder.
 */
export async function ignoredInTheWay(checkout: string, from: string, to: string): Promise<string[]> {
  const d = await runGit(checkout, ['diff', '--name-only', '--no-renames', '--diff-filter=AT', '-z', from, to]);
  if (d.code !== 0) throw new Error(`git diff ${short(from)}..${short(to)} failed: ${d.stderr.trim()}`);
  const found = new Set<string>();
  for (const path of d.stdout.split('\0').filter(Boolean)) {
    const parts = path.split('/');
    for (let i = 1; i <= parts.length; i++) {
      const q = parts.slice(0, i).join('/');
      let st;
      try {
        st = lstatSync(join(checkout, q));
      } catch {
        break;
      }
      if (i === parts.length || !st.isDirectory()) {
        found.add(q);
        break;
      }
    }
  }
  if (!found.size) return [];
  // What the checkout tracks is the diff's own business (a type change, a file replaced by a folder), not the user's.
  const t = await runGit(checkout, ['ls-files', '-z', '--', ...[...found].map((f) => `:(literal)${f}`)]);
  const tracked = new Set(t.stdout.split('\0').filter(Boolean));
  return [...found].filter((f) => !tracked.has(f)).sort();
}

function short(sha: string | null): string {
  return sha ? sha.slice(0, 8) : 'nothing';
}
