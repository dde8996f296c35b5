// What an approval request would touch (paths, command, permissions) and whether it is provably inside the worktree.

import { isAbsolute, relative, sep } from 'node:path';
import { canonicalPath } from '../git/pathSafety';
import type { AutoApprove } from '../contract/launch';

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Settings and stored tasks may carry the old name; everything downstream sees the new one. */
export function normalizeAutoApprove(value: unknown, fallback: AutoApprove): AutoApprove {
  if (value === 'patches-in-worktree' || value === 'worktree') return 'patches-in-worktree';
  return value === 'none' ? 'none' : fallback;
}

/**
 * True only when `path` is absolute and canonically strictly inside `worktree`, and not under its
 * `.git` (in a worktree that file says where the repository is: writing it redirects git itself).
 */
export function pathInsideWorktree(path: string, worktree: string): boolean {
  if (!path || !isAbsolute(path)) return false;
  const root = canonicalPath(worktree);
  const rel = relative(root, canonicalPath(path));
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return false;
  return rel.split(sep)[0] !== '.git';
}

/** Every path a patch touches is inside: an empty or unknown list is "outside" (nothing proves otherwise). */
export function allInsideWorktree(paths: readonly string[] | null, worktree: string): boolean {
  return !!paths && paths.length > 0 && paths.every((p) => pathInsideWorktree(p, worktree));
}

/** Paths of a v2 fileChange item's `changes` (`[{path, kind:{type, move_path?}}]`), move targets included; null if malformed. */
export function fileChangePaths(changes: unknown): string[] | null {
  if (!Array.isArray(changes)) return null;
  const out: string[] = [];
  for (const c of changes as Obj[]) {
    if (typeof c !== 'object' || c === null || !str(c.path)) return null;
    out.push(str(c.path));
    const kind = (c.kind ?? {}) as Obj;
    if (str(kind.move_path)) out.push(str(kind.move_path));
  }
  return out;
}

/** Paths of a legacy `applyPatchApproval`'s `fileChanges` map (keys, plus `move_path` of updates). */
export function legacyPatchPaths(fileChanges: unknown): string[] | null {
  if (typeof fileChanges !== 'object' || fileChanges === null || Array.isArray(fileChanges)) return null;
  const out: string[] = [];
  for (const [path, change] of Object.entries(fileChanges as Obj)) {
    out.push(path);
    const move = str(((change ?? {}) as Obj).move_path);
    if (move) out.push(move);
  }
  return out;
}

/** The command text a person reads: the v2 string as sent, or the legacy argv joined with its words quoted when needed. */
export function commandText(command: unknown): string {
  if (Array.isArray(command))
    return command
      .map((w) => (/^[\w@%+=:,./-]+$/.test(String(w)) ? String(w) : `'${String(w).replace(/'/g, `'\\''`)}'`))
      .join(' ');
  return str(command);
}

/**
 * Whether Codex takes its session-scoped accept for this request. 0.169.0 lists only `accept`, an
 * execpolicy amendment and `cancel` for an escalated command, yet honours `acceptForSession` (the same
 * command is not asked again in that session; test/integration/approvals.test.ts checks it with the binary).
 * So: offered when the list is absent or names either accept.
 */
export function offersSessionAccept(params: Obj): boolean {
  const available = params.availableDecisions;
  return !Array.isArray(available) || available.includes('acceptForSession') || available.includes('accept');
}
