// Per-test results from a check's output: TAP (node --test), JUnit XML, Jest/Vitest JSON; null when none is found.

export interface TestCase {
  /** The test's name, with its suites joined by " › ". */
  name: string;
  ok: boolean;
  /** The source file when the format names it (JUnit `file`, Jest `testFilePath`). */
  file: string | null;
}

export interface TestReport {
  format: 'tap' | 'junit' | 'jest';
  tests: TestCase[];
  passed: number;
  failed: number;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

function report(format: TestReport['format'], tests: TestCase[]): TestReport | null {
  if (tests.length === 0) return null;
  const passed = tests.filter((t) => t.ok).length;
  return { format, tests, passed, failed: tests.length - passed };
}

interface TapPoint {
  indent: number;
  name: string;
  ok: boolean;
  parents: string[];
}

/**
 * TAP 13/14 as `node --test` writes it: a `# Subtest: NAME` line opens a test, its subtests follow
 * indented, and its own `ok`/`not ok` point closes it. Suites and parent tests count through their
 * subtests, not again themselves; skipped and todo tests are not counted.
 */
export function parseTap(text: string): TestReport | null {
  const open: { indent: number; name: string }[] = [];
  const points: TapPoint[] = [];
  for (const raw of text.replace(ANSI, '').split(/\r?\n/)) {
    const indent = raw.length - raw.trimStart().length;
    const sub = /^\s*# Subtest: (.*)$/.exec(raw);
    if (sub) {
      open.push({ indent, name: (sub[1] as string).trim() });
      continue;
    }
    const m = /^\s*(ok|not ok)\s+\d+\s*(?:-\s*)?(.*)$/.exec(raw);
    if (!m) continue;
    while (open.length && (open[open.length - 1] as { indent: number }).indent > indent) open.pop();
    const own = open.length && (open[open.length - 1] as { indent: number }).indent === indent ? open.pop() : undefined;
    const rest = m[2] as string;
    if (/#\s*(SKIP|TODO)\b/i.test(rest)) continue;
    points.push({
      indent,
      name: own?.name ?? rest.replace(/\s+#.*$/, '').trim(),
      ok: m[1] === 'ok',
      parents: open.map((o) => o.name),
    });
  }
  // A point right after a deeper one closes a group of subtests: it is their suite, not a test of its own.
  const leaves = points.filter((p, k) => !(points[k - 1] && (points[k - 1] as TapPoint).indent > p.indent));
  return report(
    'tap',
    leaves.map((p) => ({ name: [...p.parents, p.name].join(' › '), ok: p.ok, file: null })),
  );
}

function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return m ? decodeXml(m[1] as string) : null;
}

function decodeXml(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** JUnit XML (`<testcase>` with `<failure>`/`<error>` children; `<skipped>` not counted). */
export function parseJunit(text: string): TestReport | null {
  if (!/<testsuites?\b/.test(text)) return null;
  const tests: TestCase[] = [];
  const re = /<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const head = m[1] as string;
    const body = m[3] ?? '';
    if (/<skipped\b/.test(body)) continue;
    const cls = attr(head, 'classname');
    const name = attr(head, 'name') ?? '(unnamed)';
    tests.push({
      name: cls ? `${cls} › ${name}` : name,
      ok: !/<(failure|error)\b/.test(body),
      file: attr(head, 'file'),
    });
  }
  return report('junit', tests);
}

interface JestJson {
  testResults?: {
    name?: string;
    testFilePath?: string;
    assertionResults?: { fullName?: string; title?: string; status?: string }[];
  }[];
}

/** Jest's and Vitest's `--json` output (the first JSON object in the text that has `testResults`). */
export function parseJestJson(text: string): TestReport | null {
  const start = text.indexOf('{');
  if (start < 0 || !text.includes('"testResults"')) return null;
  let parsed: JestJson;
  try {
    parsed = JSON.parse(text.slice(start, text.lastIndexOf('}') + 1)) as JestJson;
  } catch {
    return null;
  }
  const tests: TestCase[] = [];
  for (const file of parsed.testResults ?? []) {
    for (const a of file.assertionResults ?? []) {
      if (a.status !== 'passed' && a.status !== 'failed') continue;
      tests.push({
        name: a.fullName ?? a.title ?? '(unnamed)',
        ok: a.status === 'passed',
        file: file.testFilePath ?? file.name ?? null,
      });
    }
  }
  return report('jest', tests);
}

/** The first format that parses, trying the most specific first. */
export function parseTestReport(text: string): TestReport | null {
  return parseJunit(text) ?? parseJestJson(text) ?? parseTap(text);
}
