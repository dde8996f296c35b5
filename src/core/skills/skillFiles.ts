// A skill folder as plain files, and its version: one content hash, the same whether read from disk or from git.

import { createHash } from 'node:crypto';
import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readRegularFile } from '../git/safeFiles';

export interface SkillFile {
  /** POSIX path relative to the skill folder (`SKILL.md`, `scripts/check.sh`). */
  path: string;
  data: Buffer;
}

/**
 * 12 hex of a sha256 over the sorted (path, length, bytes) of every file. Git's own tree hash would
 * need a repository; built-in skills live on disk, and both sides must agree.
 */
export function hashSkillFiles(files: readonly SkillFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(`${f.path}\0${f.data.length}\0`);
    h.update(f.data);
  }
  return h.digest('hex').slice(0, 12);
}

/** A skill's files are read whole to hash them; this only guards against a file that never ends. */
const MAX_SKILL_FILE_BYTES = 256 * 1024 * 1024;

/** Every regular file under `dir` (links and special files are skipped: install never copies them either). */
export function readSkillDir(dir: string, prefix = ''): SkillFile[] {
  const out: SkillFile[] = [];
  for (const name of readdirSync(dir).sort()) {
    const full = join(dir, name);
    const st = lstatSync(full);
    if (st.isSymbolicLink()) continue;
    if (st.isDirectory()) out.push(...readSkillDir(full, `${prefix}${name}/`));
    else if (st.isFile())
      out.push({ path: `${prefix}${name}`, data: readRegularFile(full, { maxBytes: MAX_SKILL_FILE_BYTES }) });
  }
  return out;
}

/** The version of a skill folder on disk. */
export function skillDirVersion(dir: string): string {
  return hashSkillFiles(readSkillDir(dir));
}
