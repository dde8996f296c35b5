// Which dependency folders an attempt may take from the person's checkout, and which lockfiles must prove them current.

import { posix } from 'node:path';

/** `quartet.dependencyCopy`: share blocks only (the default), fall back to a full copy, or never copy. */
export const DEPENDENCY_COPY_MODES = ['reflink', 'copy', 'off'] as const;
export type DependencyCopyMode = (typeof DEPENDENCY_COPY_MODES)[number];

/** A folder to bring over and the lockfiles (repo-relative) whose content must equal the base commit's. */
export interface DependencyDirRule {
  dir: string;
  lockfiles: string[];
}

/**
 * The folders detected by default, each with the lockfiles that pin it. A lockfile sits beside its
 * folder, so `web/node_modules` is proven by `web/package-lock.json` (or yarn/pnpm/bun's).
 */
const KNOWN_LOCKFILES: Record<string, string[]> = {
  node_modules: ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'],
  '.venv': ['uv.lock', 'poetry.lock', 'Pipfile.lock', 'requirements.txt'],
  venv: ['uv.lock', 'poetry.lock', 'Pipfile.lock', 'requirements.txt'],
  target: ['Cargo.lock'],
  vendor: ['composer.lock', 'Gemfile.lock', 'go.sum'],
};

/** What the setting means when it is not set: every known folder at the repository's top. */
export const DETECTED_DEPENDENCY_DIRS = Object.keys(KNOWN_LOCKFILES);

export class DependencyConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DependencyConfigError';
  }
}

/**
 * `quartet.dependencyDirs`: null → the detected set; otherwise entries `dir` (a known folder name, at
 * any depth) or `dir:lockfile` (any folder, with the repo-relative lockfile that pins it). Refused as
 * a whole, naming the entry, so nothing half-applies.
 */
export function dependencyDirRules(entries: unknown): DependencyDirRule[] {
  if (entries === null || entries === undefined) return DETECTED_DEPENDENCY_DIRS.map(ruleForKnown);
  if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'string')) {
    throw new DependencyConfigError(
      'quartet.dependencyDirs must be an array of folder names, e.g. ["node_modules", "web/node_modules", "build:deps.lock"]',
    );
  }
  return (entries as string[]).map(parseEntry);
}

function parseEntry(entry: string): DependencyDirRule {
  const [rawDir, rawLock, ...rest] = entry.trim().split(':');
  if (rest.length)
    throw new DependencyConfigError(`quartet.dependencyDirs: "${entry}" has more than one ":" (use "folder:lockfile")`);
  const dir = repoRelative(rawDir ?? '', entry);
  if (rawLock !== undefined) return { dir, lockfiles: [repoRelative(rawLock, entry)] };
  const known = KNOWN_LOCKFILES[posix.basename(dir)];
  if (!known) {
    throw new DependencyConfigError(
      `quartet.dependencyDirs: "${entry}" is not a folder Quartet knows the lockfile of (${DETECTED_DEPENDENCY_DIRS.join(', ')}); name it as "${dir}:<lockfile>"`,
    );
  }
  return ruleForKnown(dir);
}

function ruleForKnown(dir: string): DependencyDirRule {
  const parent = posix.dirname(dir);
  const names = KNOWN_LOCKFILES[posix.basename(dir)] ?? [];
  return { dir, lockfiles: names.map((n) => (parent === '.' ? n : `${parent}/${n}`)) };
}

/** A path inside the repository, written with forward slashes: no absolute path, no "..", nothing in .git. */
function repoRelative(raw: string, entry: string): string {
  const p = posix.normalize(raw.trim().replace(/\\/g, '/')).replace(/\/+$/, '');
  const parts = p.split('/');
  if (!p || p === '.' || p.startsWith('/') || /^[A-Za-z]:/.test(p) || parts.includes('..') || parts.includes('.git')) {
    throw new DependencyConfigError(
      `quartet.dependencyDirs: "${entry}" must name a path inside the repository (no absolute path, "..", or .git)`,
    );
  }
  return p;
}

/** `quartet.dependencyCopy`, refusing anything but the three modes. */
export function dependencyCopyMode(value: unknown): DependencyCopyMode {
  if (value === null || value === undefined) return 'reflink';
  if (typeof value === 'string' && (DEPENDENCY_COPY_MODES as readonly string[]).includes(value))
    return value as DependencyCopyMode;
  throw new DependencyConfigError(
    `quartet.dependencyCopy must be one of ${DEPENDENCY_COPY_MODES.join(', ')}, not ${JSON.stringify(value)}`,
  );
}
