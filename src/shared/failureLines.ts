// Picks the few lines of a failing command's output that explain it, the way CI log summarizers do.

import { stripAnsi } from './panelFormat';

const MAX_LINE = 240;

/** Lines that usually carry the reason of a failure, strongest first. */
const STRONG: RegExp[] = [
  /\b(?:AssertionError|TypeError|SyntaxError|ReferenceError|RangeError|ModuleNotFoundError|ImportError|KeyError|ValueError)\b/,
  /\berror(?:\[[A-Z]?\d+\])?:/i,
  /\b(?:FAIL|FAILED|FAILURE)\b/,
  /^\s*(?:✖|✗|×|✘|❌)/u,
  /^\s*not ok\b/,
  /\bpanicked at\b|\bTraceback \(most recent call last\)|\bException\b/,
  /^npm ERR!|^fatal:|^E\s{2,}|command not found|No such file or directory|Cannot find module/,
];
/** Lines that give an assertion its context. */
const CONTEXT: RegExp[] = [/\b(?:Expected|Received|expected|actual)\b/, /^\s*[+-]\s{1,2}\S/, /^\s+at .+:\d+:\d+\)?$/];

function score(line: string): number {
  for (let i = 0; i < STRONG.length; i++) if ((STRONG[i] as RegExp).test(line)) return 100 - i;
  return CONTEXT.some((r) => r.test(line)) ? 10 : 0;
}

function clip(line: string): string {
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}

/**
 * At most `max` lines, in their original order: matching lines first by strength (plus one
 * stack or expected/received line after each), else the last non-empty lines of the tail.
 */
export function importantLines(output: string, max = 6): string[] {
  const lines = stripAnsi(output)
    .split(/\r?\n/)
    .map((l) => l.replace(/\s+$/, ''));
  const scored = lines.map((line, i) => ({ line, i, s: line.trim() ? score(line) : 0 })).filter((x) => x.s > 0);
  if (scored.length === 0) {
    return lines
      .filter((l) => l.trim())
      .slice(-Math.min(max, 3))
      .map(clip);
  }
  const picked = new Set<number>();
  const strong = scored.filter((x) => x.s > 10).sort((a, b) => b.s - a.s || a.i - b.i);
  const order = strong.length ? strong : scored;
  for (const x of order) {
    if (picked.size >= max) break;
    picked.add(x.i);
    const next = lines[x.i + 1];
    if (picked.size < max && next !== undefined && next.trim() && score(next) === 10) picked.add(x.i + 1);
  }
  return [...picked].sort((a, b) => a - b).map((i) => clip(lines[i] as string));
}
