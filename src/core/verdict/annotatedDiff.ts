// An attempt's diff with the new file's line numbers written in, and the index a citation (file:line) is checked against.

import { git } from '../git/git';

export interface DiffLine {
  kind: 'added' | 'context' | 'removed';
  text: string;
}

export interface AnnotatedDiff {
  /** What the reviewer reads: `=== path`, then `  12 + text` / `  13   text` / `     - text` lines. */
  text: string;
  /** New-side lines by file: the lines a citation may point at (added and context; a deleted file: its old lines). */
  lines: Map<string, Map<number, DiffLine>>;
  /** True when the text was cut to the byte budget (the rest of the files are listed by name). */
  truncated: boolean;
}

const DEFAULT_MAX_CHARS = 120_000;

/** Parses `git diff` output (unified, no renames) into the annotated text and the citation index. */
export function annotateDiff(diff: string, maxChars = DEFAULT_MAX_CHARS): AnnotatedDiff {
  const lines = new Map<string, Map<number, DiffLine>>();
  const out: string[] = [];
  const skipped: string[] = [];
  let size = 0;
  let file: string | null = null;
  let deleted = false;
  let oldNo = 0;
  let newNo = 0;
  let keep = true;
  /** Past a file's first `@@`: from here `---`/`+++` are content (a removed "-- comment"), not headers. */
  let inHunk = false;
  const emit = (l: string): void => {
    if (!keep) return;
    out.push(l);
    size += l.length + 1;
  };
  for (const raw of diff.split('\n')) {
    if (raw.startsWith('diff --git ')) {
      const m = / b\/(.+)$/.exec(raw);
      file = m ? (m[1] as string) : null;
      deleted = false;
      inHunk = false;
      keep = size < maxChars;
      if (file && !keep) skipped.push(file);
      if (file) emit(`=== ${file}`);
      continue;
    }
    if (raw.startsWith('deleted file mode')) {
      deleted = true;
      emit('(file deleted; lines are numbered as they were)');
      continue;
    }
    if (raw.startsWith('Binary files ')) {
      emit('(binary file)');
      continue;
    }
    const hunk = /^@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
    if (hunk) {
      oldNo = Number(hunk[1]);
      newNo = Number(hunk[2]);
      inHunk = true;
      emit('@@');
      continue;
    }
    if (
      !file ||
      raw.startsWith('\\') ||
      (!inHunk &&
        (raw.startsWith('--- ') ||
          raw.startsWith('+++ ') ||
          raw.startsWith('index ') ||
          raw.startsWith('new file mode')))
    )
      continue;
    const sign = raw[0];
    const text = raw.slice(1);
    const index = lines.get(file) ?? new Map<number, DiffLine>();
    lines.set(file, index);
    if (sign === '+') {
      index.set(newNo, { kind: 'added', text });
      emit(`${String(newNo).padStart(5)} + ${text}`);
      newNo++;
    } else if (sign === '-') {
      if (deleted) index.set(oldNo, { kind: 'removed', text });
      emit(`${deleted ? String(oldNo).padStart(5) : '     '} - ${text}`);
      oldNo++;
    } else if (sign === ' ') {
      index.set(newNo, { kind: 'context', text });
      emit(`${String(newNo).padStart(5)}   ${text}`);
      oldNo++;
      newNo++;
    }
  }
  if (skipped.length) out.push(`(diff cut at ${maxChars} characters; not shown: ${skipped.join(', ')})`);
  return { text: out.join('\n'), lines, truncated: skipped.length > 0 };
}

/** The attempt's change since it left `base` (three-dot, as the scorecard measures it). */
export async function attemptDiff(repo: string, base: string, commit: string): Promise<AnnotatedDiff> {
  return annotateDiff(
    await git(repo, ['diff', '--no-renames', '--no-color', '--no-ext-diff', '-U3', `${base}...${commit}`, '--']),
  );
}
