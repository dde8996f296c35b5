// Text hygiene for distill evidence: normalizing volatile bits so equal errors group, and picking the lines that say what failed.

/** Absolute (`/a/b`, `~/a`, `C:\\a`, `./a`) or with two separators (`src/a/b.ts`): worktree paths differ per attempt. */
const PATH =
  /(?:(?<![\w.:/\\])(?:[A-Za-z]:|~|\.{1,2})?[/\\][\w.@+-]+(?:[/\\][\w.@+-]+)*|(?<![\w.:/\\])[\w.@+-]+(?:[/\\][\w.@+-]+){2,})[/\\]?/g;

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

/**
 * The same error in different attempts differs in worktree paths, line numbers, durations, ports,
 * hashes and ids: replace those so the text that remains is what the error *is*.
 */
export function normalizeVolatile(text: string): string {
  return text
    .replace(ANSI, '')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
    .replace(/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(PATH, '<path>')
    .replace(/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,}\b/gi, '<hex>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
}

const ERROR_LINE =
  /ERR!|\b(error|fail(?:ed|ure|ing)?|exception|panic|fatal|timed? ?out|timeout|cannot|can't|could not|unable|not found|no such|denied|refused|assert|expected|traceback|undefined|missing)\b/i;
/** Test-runner tallies ("ℹ fail 1", "Tests: 2 failed") name a failure without saying what it is. */
const TALLY =
  /^[^\w]*(?:tests?|suites?|pass(?:ed)?|fail(?:ed|ures?)?|skipped|todo|cancelled)\b[\s:]*\d+(?:\s+\w+)?\s*$/i;

/** Up to `max` lines of `output` that say what went wrong; the last non-empty line when none does. */
export function errorLines(output: string, max = 3): string[] {
  const lines = output
    .replace(ANSI, '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const hits = lines.filter((l) => ERROR_LINE.test(l) && !TALLY.test(l));
  const picked = hits.length ? hits.slice(0, max) : lines.slice(-1);
  return picked.map((l) => (l.length > 300 ? `${l.slice(0, 299)}…` : l));
}
