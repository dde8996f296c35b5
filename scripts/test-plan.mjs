// Which test files of a kind run and how many at once: shared by npm test (test-all.sh) and run-tests.mjs.
import { readdirSync, statSync, existsSync } from 'node:fs';
import { basename, join, relative } from 'node:path';

/**
 * Integration files share nothing: each test makes its own temp repo, CODEX_HOME, HOME and TMPDIR, its
 * demo model listens on a free port, task ids are random and every process sweep (the supervisor's,
 * test/support/processScan.ts) goes by attempt id or by the test's own worktree root. So they run
 * several at a time; waiting on Codex and the demo model's steps is most of their time, not CPU.
 * Two, not more: on a 2-core machine each file's Codex start-ups and supervisors still compete for the
 * cores, and a test that times out on a starved machine is a flake. QUARTET_TEST_CONCURRENCY overrides.
 */
export const INTEGRATION_CONCURRENCY = 2;

/** Files that must run alone: none today. A file goes here only with the reason it cannot share the machine. */
const INTEGRATION_SERIAL = [];

const name = (file) => basename(file).replace(/\.test\.js$/, '');

/** Every *.test.js under out/test/<kind>, sorted (Node 20 does not expand globs given to --test). */
export function testFiles(kind, root = process.cwd()) {
  const dir = join(root, 'out', 'test', kind);
  if (!existsSync(dir)) return [];
  const files = [];
  const walk = (d) => {
    for (const n of readdirSync(d)) {
      const f = join(d, n);
      if (statSync(f).isDirectory()) walk(f);
      else if (n.endsWith('.test.js')) files.push(f);
    }
  };
  walk(dir);
  return files.map((f) => relative(root, f)).sort();
}

/** The groups of one kind: files, and how many of them node --test runs at once. */
export function testGroups(kind, root = process.cwd()) {
  const files = testFiles(kind, root);
  // Unit tests: node's default (one file per core but one). Webview and e2e start Chromium: one at a time.
  if (kind === 'unit') return [{ name: kind, concurrency: null, files }].filter((g) => g.files.length > 0);
  if (kind !== 'integration') return [{ name: kind, concurrency: 1, files }].filter((g) => g.files.length > 0);
  // (No point ordering them longest first: node --test sorts the files it is given.)
  const serial = files.filter((f) => INTEGRATION_SERIAL.includes(name(f)));
  const shared = files.filter((f) => !serial.includes(f));
  const concurrency = Number(process.env.QUARTET_TEST_CONCURRENCY) || INTEGRATION_CONCURRENCY;
  return [
    { name: 'integration', concurrency, files: shared },
    { name: 'integration (alone)', concurrency: 1, files: serial },
  ].filter((g) => g.files.length > 0);
}

// `node scripts/test-plan.mjs KIND`: one line per group, "concurrency<TAB>name<TAB>file file …", for test-all.sh.
if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  for (const g of testGroups(process.argv[2] ?? ''))
    console.log([g.concurrency ?? 0, g.name, g.files.join(' ')].join('\t'));
}
