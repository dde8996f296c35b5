// Workspace safety invariants (Symphony SPEC §9.5): sanitized keys, paths kept under the root, cwd checks.

import { createHash } from 'node:crypto';
import { realpathSync, existsSync } from 'node:fs';
import { resolve, sep, dirname, basename, join } from 'node:path';

const SAFE = /[^A-Za-z0-9._-]/g;

/** 16 hex chars = 64 bits: SPEC §9.5 asks for at least 64 bits of entropy after sanitization. */
export function stableHash(text: string, hexChars = 16): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, hexChars);
}

/**
 * Sanitizes an identifier into a directory name: only `[A-Za-z0-9._-]`; when anything had to change,
 * a hash of the original is appended so two identifiers that sanitize alike never share a key.
 */
export function sanitizeKey(identifier: string, maxLength = 80): string {
  let clean = identifier.replace(SAFE, '_');
  // "." and ".." (and leading dots) would name the parent or a hidden dir.
  clean = clean.replace(/^\.+/, (m) => '_'.repeat(m.length));
  const changed = clean !== identifier || clean.length === 0 || clean.length > maxLength;
  if (!changed) return clean;
  const hash = stableHash(identifier);
  const head = clean.slice(0, Math.max(0, maxLength - hash.length - 1));
  return head ? `${head}-${hash}` : hash;
}

/** Canonical absolute path; for a path that does not exist yet, canonicalizes its nearest existing ancestor. */
export function canonicalPath(path: string): string {
  const abs = resolve(path);
  if (existsSync(abs)) return realpathSync(abs);
  const parent = dirname(abs);
  if (parent === abs) return abs;
  return join(canonicalPath(parent), basename(abs));
}

/** True when `child` is strictly inside `root` after canonicalization. */
export function isInside(root: string, child: string): boolean {
  const r = canonicalPath(root);
  const c = canonicalPath(child);
  return c !== r && c.startsWith(r.endsWith(sep) ? r : r + sep);
}

export class PathSafetyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PathSafetyError';
  }
}

/** Joins `segments` under `root` and refuses any result that escapes it. */
export function safeJoin(root: string, ...segments: string[]): string {
  const target = resolve(root, ...segments);
  if (!isInside(root, target)) {
    throw new PathSafetyError(`refusing path outside the worktree root: ${target} (root ${root})`);
  }
  return canonicalPath(target);
}

/** SPEC §9.5 invariant 1: the agent's cwd must be exactly its worktree. */
export function assertCwdIsWorktree(cwd: string, worktree: string, root: string): void {
  if (!existsSync(cwd)) throw new PathSafetyError(`worktree does not exist: ${cwd}`);
  if (canonicalPath(cwd) !== canonicalPath(worktree)) {
    throw new PathSafetyError(`cwd ${cwd} is not the attempt's worktree ${worktree}`);
  }
  if (!isInside(root, worktree)) throw new PathSafetyError(`worktree ${worktree} is outside the root ${root}`);
}
