// Per-file added/removed line counts of a unified git diff (what `git diff --numstat` would say).

import type { DiffFileStat } from './protocol';

function pathOf(header: string): string {
  // `diff --git a/x b/x`: take the b-side; quoted paths keep their quotes stripped.
  const m = /^diff --git (?:"?a\/(.+?)"?) (?:"?b\/(.+?)"?)$/.exec(header);
  return m ? (m[2] ?? m[1] ?? header) : header.slice('diff --git '.length);
}

export function parseUnifiedDiff(diff: string): DiffFileStat[] {
  const files: DiffFileStat[] = [];
  let current: DiffFileStat | null = null;
  let inHunk = false;
  for (const line of diff.split('\n')) {
    if (line.startsWith('diff --git ')) {
      current = { path: pathOf(line), added: 0, removed: 0 };
      files.push(current);
      inHunk = false;
      continue;
    }
    if (!current) continue;
    if (line.startsWith('@@')) {
      inHunk = true;
      continue;
    }
    if (!inHunk) {
      // `+++ b/new name` tells the real path after a rename.
      if (line.startsWith('+++ b/')) current.path = line.slice(6);
      continue;
    }
    if (line.startsWith('+')) current.added++;
    else if (line.startsWith('-')) current.removed++;
  }
  return files;
}

export interface DiffstatFile {
  path: string;
  /** add | update | delete | … as Codex reported the change; `null` when only the diff mentions it. */
  kind: string | null;
  added: number | null;
  removed: number | null;
}

export interface Diffstat {
  files: DiffstatFile[];
  added: number;
  removed: number;
}

/**
 * Files touched by patches (from file_change events) joined with the line counts of each turn's
 * latest diff; a turn's diff replaces its earlier one, so counts come from `byTurn`'s values.
 */
export function combineDiffstat(
  kinds: ReadonlyMap<string, string>,
  byTurn: ReadonlyMap<string, DiffFileStat[]>,
): Diffstat {
  const lines = new Map<string, { added: number; removed: number }>();
  for (const stats of byTurn.values()) {
    for (const f of stats) {
      const prev = lines.get(f.path) ?? { added: 0, removed: 0 };
      lines.set(f.path, { added: prev.added + f.added, removed: prev.removed + f.removed });
    }
  }
  const paths = new Set([...kinds.keys(), ...lines.keys()]);
  const files: DiffstatFile[] = [...paths].sort().map((path) => {
    const l = lines.get(path);
    return { path, kind: kinds.get(path) ?? null, added: l ? l.added : null, removed: l ? l.removed : null };
  });
  return {
    files,
    added: files.reduce((n, f) => n + (f.added ?? 0), 0),
    removed: files.reduce((n, f) => n + (f.removed ?? 0), 0),
  };
}
