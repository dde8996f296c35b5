// What an attempt changed relative to its base (committed, uncommitted and untracked), and base file contents.

import { execFile } from 'node:child_process';

export type ChangeKind = 'added' | 'modified' | 'deleted' | 'renamed';

export interface ChangedFile {
  /** Path relative to the worktree root, as it is now (for deletions: as it was). */
  path: string;
  kind: ChangeKind;
  /** For renames and copies: the path at the base. */
  oldPath?: string;
}

/** Diffs of generated files can be large; git output past this is an error, not a truncated list. */
const MAX_BUFFER = 64 * 1024 * 1024;

function git(cwd: string, args: string[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      ['-C', cwd, ...args],
      { encoding: 'buffer', maxBuffer: MAX_BUFFER, windowsHide: true },
      (err, stdout, stderr) => {
        if (err) {
          const detail = stderr.toString('utf8').trim();
          reject(new Error(`git ${args.join(' ')} failed in ${cwd}${detail ? `: ${detail}` : ''}`));
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/** Parses `git diff --name-status -z` output: `S\0path\0`, or `R<score>\0old\0new\0` for renames/copies. */
export function parseNameStatus(output: string): ChangedFile[] {
  const fields = output.split('\0');
  const out: ChangedFile[] = [];
  for (let i = 0; i < fields.length;) {
    const status = fields[i++] ?? '';
    if (!status) continue;
    const letter = status[0];
    if (letter === 'R' || letter === 'C') {
      const oldPath = fields[i++] ?? '';
      const path = fields[i++] ?? '';
      // A copy leaves the source in place: for the reviewer it is an added file that starts from the source.
      out.push(letter === 'R' ? { path, kind: 'renamed', oldPath } : { path, kind: 'added', oldPath });
      continue;
    }
    const path = fields[i++] ?? '';
    if (!path) continue;
    out.push({ path, kind: letter === 'A' ? 'added' : letter === 'D' ? 'deleted' : 'modified' });
  }
  return out;
}

/**
 * Files that differ between `base` and the worktree as it is on disk: the attempt's commits, its
 * uncommitted edits, and untracked files that are not ignored. Sorted by path.
 */
export async function changedFiles(worktree: string, base: string): Promise<ChangedFile[]> {
  const [diff, untracked] = await Promise.all([
    git(worktree, ['diff', '--name-status', '-z', '-M', base, '--']),
    git(worktree, ['ls-files', '--others', '--exclude-standard', '-z']),
  ]);
  const files = parseNameStatus(diff.toString('utf8'));
  const seen = new Set(files.map((f) => f.path));
  for (const path of untracked.toString('utf8').split('\0')) {
    if (path && !seen.has(path)) files.push({ path, kind: 'added' });
  }
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Content of `path` at `ref` (via `git show`), or '' when the file does not exist there; other git errors throw. */
export async function readFileAtRef(worktree: string, ref: string, path: string): Promise<string> {
  const object = `${ref}:${path}`;
  try {
    await git(worktree, ['cat-file', '-e', object]);
  } catch {
    return '';
  }
  return (await git(worktree, ['show', object])).toString('utf8');
}
