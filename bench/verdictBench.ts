// Benchmark: on scripted tasks whose right answers are known, how often the verdict and the old size-based scorecard pick right, and what judging costs.
//
// Each task is a small function with an edge case. Its four attempts are real commits in a real repo: checks and
// cross-tests run for real (codex sandbox, node --test). Shapes: "one-right": a right attempt with a test, a wrong
// one green on its own happy-path test, a right one without a test, one failing the base checks; "sloppy-smallest":
// the wrong attempt is a one-line fix with no test (the smallest diff, as sloppy fixes are); "none-right": only
// wrong attempts (one with a test that misses the edge case).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { runChecks } from '../src/core/land/checks';
import { minimalEnv, sandboxPlan } from '../src/core/execution/sandbox';
import { scoreAttempts } from '../src/core/verdict/scorecard';
import { crossTest } from '../src/core/verdict/crossTest';
import { changedTestFiles } from '../src/core/verdict/testFiles';
import { decideVerdict, type VerdictInput } from '../src/core/verdict/verdict';
import { pooled } from '../src/core/verdict/pool';
import { reviewAttempt } from '../src/core/verdict/runReview';
import { reviewBlockers } from '../src/core/verdict/review';
import { startFakeResponsesServer } from '../demo/fakeResponsesServer';
import { hermeticCodexEnv, writeCodexHome } from '../demo/codexHome';
import type { AttemptReviewView } from '../src/shared/model';

const ROOT = resolve(__dirname, '../..');
const git = (cwd: string, ...a: string[]): string =>
  execFileSync('git', ['-c', 'user.name=b', '-c', 'user.email=b@b', ...a], { cwd, encoding: 'utf8' }).trim();

interface Fn {
  name: string;
  /** Right and wrong bodies of `function NAME(x)`; the wrong one misses `edge`. */
  right: string;
  rightVerbose: string;
  wrong: string;
  broken: string;
  main: [string, string];
  edge: [string, string];
}

const FNS: Fn[] = [
  {
    name: 'clamp',
    right: 'return Math.min(10, Math.max(0, x));',
    rightVerbose: 'if (x < 0) return 0;\n  if (x > 10) return 10;\n  return x;',
    wrong: 'return Math.min(10, x);',
    broken: 'return 10;',
    main: ['5', '5'],
    edge: ['-3', '0'],
  },
  {
    name: 'slug',
    right: "return x.trim().toLowerCase().replace(/\\s+/g, '-');",
    rightVerbose: "const t = x.trim().toLowerCase();\n  return t.split(/\\s+/).join('-');",
    wrong: "return x.toLowerCase().replace(/ /g, '-');",
    broken: 'return x;',
    main: ["'Hello World'", "'hello-world'"],
    edge: ["'  Hi  there '", "'hi-there'"],
  },
  {
    name: 'sum',
    right: 'return x.reduce((a, b) => a + b, 0);',
    rightVerbose: 'let s = 0;\n  for (const v of x) s += v;\n  return s;',
    wrong: 'return x.reduce((a, b) => a + b);',
    broken: 'return 0;',
    main: ['[1, 2, 3]', '6'],
    edge: ['[]', '0'],
  },
  {
    name: 'initials',
    right: "return x.split(' ').filter(Boolean).map((w) => w[0].toUpperCase()).join('');",
    rightVerbose:
      "const words = x.split(' ').filter((w) => w.length > 0);\n  return words.map((w) => w[0].toUpperCase()).join('');",
    wrong: "return x.split(' ').map((w) => w[0].toUpperCase()).join('');",
    broken: "return '';",
    main: ["'ada lovelace'", "'AL'"],
    edge: ["'ada  lovelace'", "'AL'"],
  },
  {
    name: 'pad2',
    right: "return String(x).padStart(2, '0');",
    rightVerbose: "const s = String(x);\n  return s.length >= 2 ? s : '0' + s;",
    wrong: "return '0' + x;",
    broken: 'return x;',
    main: ['7', "'07'"],
    edge: ['12', "'12'"],
  },
  {
    name: 'last',
    right: 'return x.length ? x[x.length - 1] : null;',
    rightVerbose: 'if (x.length === 0) return null;\n  return x[x.length - 1];',
    wrong: 'return x[x.length - 1];',
    broken: 'return x[0];',
    main: ['[1, 2]', '2'],
    edge: ['[]', 'null'],
  },
];

type Shape = 'one-right' | 'sloppy-smallest' | 'none-right';

interface Variant {
  label: string;
  correct: boolean;
  body: string;
  test: string | null;
}

const testFile = (fn: Fn, cases: [string, string][]): string =>
  `const test = require('node:test');\nconst assert = require('node:assert/strict');\nconst { ${fn.name} } = require('../index.js');\n` +
  cases
    .map(([i, o], k) => `test('${fn.name} case ${k + 1}', () => assert.deepEqual(${fn.name}(${i}), ${o}));`)
    .join('\n') +
  '\n';

function variants(fn: Fn, shape: Shape): Variant[] {
  if (shape === 'one-right') {
    return [
      { label: 'right + test', correct: true, body: fn.right, test: testFile(fn, [fn.main, fn.edge]) },
      { label: 'green but wrong, smallest', correct: false, body: fn.wrong, test: testFile(fn, [fn.main]) },
      { label: 'right, no test', correct: true, body: fn.rightVerbose, test: null },
      { label: 'fails the checks', correct: false, body: fn.broken, test: null },
    ];
  }
  if (shape === 'sloppy-smallest') {
    return [
      { label: 'right + test', correct: true, body: fn.right, test: testFile(fn, [fn.main, fn.edge]) },
      { label: 'sloppy one-liner, no test, smallest', correct: false, body: fn.wrong, test: null },
      { label: 'right + test, verbose', correct: true, body: fn.rightVerbose, test: testFile(fn, [fn.edge]) },
      { label: 'fails the checks', correct: false, body: fn.broken, test: null },
    ];
  }
  return [
    { label: 'wrong + happy-path test', correct: false, body: fn.wrong, test: testFile(fn, [fn.main]) },
    {
      label: 'wrong, no test',
      correct: false,
      body: fn.wrong.replace('return', 'const r =') + '\n  return r;',
      test: null,
    },
    { label: 'fails the checks', correct: false, body: fn.broken, test: null },
    { label: 'fails the checks too', correct: false, body: `${fn.broken} // again`, test: null },
  ];
}

function makeRepo(
  dir: string,
  fn: Fn,
  shape: Shape,
): { repo: string; base: string; attempts: { id: string; commit: string; v: Variant }[] } {
  const repo = join(dir, `${fn.name}-${shape}`);
  mkdirSync(join(repo, 'test'), { recursive: true });
  git(dir, 'init', '-q', '-b', 'main', repo);
  writeFileSync(
    join(repo, 'package.json'),
    JSON.stringify({ name: fn.name, private: true, scripts: { test: 'node --test' } }),
  );
  writeFileSync(
    join(repo, 'index.js'),
    `function ${fn.name}(x) {\n  throw new Error('todo');\n}\nmodule.exports = { ${fn.name} };\n`,
  );
  // The repo's own check pins the main case only: the right attempts and the "green but wrong" one all pass it.
  writeFileSync(join(repo, 'test', 'main.test.js'), testFile(fn, [fn.main]));
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'base');
  const base = git(repo, 'rev-parse', 'HEAD');
  const attempts = variants(fn, shape).map((v, k) => {
    git(repo, 'checkout', '-q', '-b', `a${k + 1}`, base);
    writeFileSync(
      join(repo, 'index.js'),
      `function ${fn.name}(x) {\n  ${v.body}\n}\nmodule.exports = { ${fn.name} };\n`,
    );
    if (v.test) writeFileSync(join(repo, 'test', `a${k + 1}.test.js`), v.test);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', v.label);
    return { id: `a${k + 1}`, commit: git(repo, 'rev-parse', 'HEAD'), v };
  });
  git(repo, 'checkout', '-q', 'main');
  return { repo, base, attempts };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const spread = (xs: number[]): { min: number; median: number; max: number } => ({
  min: Math.min(...xs),
  median: median(xs),
  max: Math.max(...xs),
});

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'quartet-verdict-bench-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  mkdirSync(join(dir, 'codex-home'));
  const env = {
    PATH: `${join(ROOT, 'node_modules/.bin')}${delimiter}${process.env.PATH ?? ''}`,
    HOME: home,
    CODEX_HOME: join(dir, 'codex-home'),
    QUARTET_CODEX: join(ROOT, 'node_modules/.bin/codex'),
  };
  const plan = await sandboxPlan(env, ROOT, false);
  if (plan.kind !== 'sandboxed')
    throw new Error(`codex sandbox unavailable: ${plan.kind === 'unavailable' ? plan.why : ''}`);
  const run = (cwd: string) =>
    runChecks({ cwd, command: 'npm test --silent', timeoutMs: 60_000, env: minimalEnv(env), sandbox: plan.sandbox });
  // The review: real Codex (app-server, read-only turn with the output schema) against the demo model on loopback.
  const model = await startFakeResponsesServer();
  const reviewHome = join(dir, 'review-codex-home');
  writeCodexHome(reviewHome, { baseUrl: model.url });
  const reviewEnv = hermeticCodexEnv(reviewHome, home);
  const review = (
    repo: string,
    base: string,
    a: { id: string; commit: string },
    k: number,
  ): Promise<AttemptReviewView> =>
    reviewAttempt(
      {
        repo,
        codexArgv: [join(ROOT, 'node_modules/.bin/codex'), 'app-server'],
        env: reviewEnv,
        model: null,
        timeoutMs: 120_000,
      },
      { title: 'Implement the function', prompt: 'Make the function right, edge cases included.' },
      { id: a.id, index: k + 1, base, resultCommit: a.commit, worktree: repo },
    );
  const rows: Record<string, unknown>[] = [];
  let taskNo = 0;
  try {
    for (const shape of ['one-right', 'sloppy-smallest', 'none-right'] as Shape[]) {
      for (const fn of FNS) {
        const { repo, base: firstBase, attempts } = makeRepo(dir, fn, shape);
        // The floor: the attempts' own checks, what every tool runs today.
        const ownChecks = async (): Promise<{ own: Awaited<ReturnType<typeof run>>[]; ms: number }> => {
          const t0 = performance.now();
          const own: Awaited<ReturnType<typeof run>>[] = [];
          for (const a of attempts) {
            const wt = join(dir, 'wt', `${fn.name}-${shape}-${a.id}`);
            git(repo, 'worktree', 'add', '-q', '--detach', wt, a.commit);
            own.push(await run(wt));
          }
          return { own, ms: performance.now() - t0 };
        };
        // What the verdict adds, as the product runs it: cross-tests and reviews at once, two at a time each.
        const judging = async () => {
          const t1 = performance.now();
          const testFiles = await Promise.all(attempts.map((a) => changedTestFiles(repo, firstBase, a.commit)));
          const [cells, reviews] = await Promise.all([
            crossTest({
              repo,
              worktreeRoot: join(dir, 'cross'),
              attempts: attempts.map((a, k) => ({ id: a.id, commit: a.commit, testFiles: testFiles[k]! })),
              run,
              concurrency: 2,
            }),
            pooled(attempts, 2, (a) => review(repo, firstBase, a, attempts.indexOf(a))),
          ]);
          return { testFiles, cells, reviews, ms: performance.now() - t1 };
        };
        // Interleaved: odd tasks measure the floor first, even ones the verdict first (neither always gets a warm cache).
        const floorFirst = taskNo++ % 2 === 0;
        const first = floorFirst ? await ownChecks() : null;
        const judged = await judging();
        const floor = first ?? (await ownChecks());
        const { own, ms: checksMs } = floor;
        const { testFiles, cells, reviews } = judged;
        const failedReviews = reviews.filter((r) => r.state !== 'done');
        if (failedReviews.length) throw new Error(`review failed: ${failedReviews[0]?.error ?? ''}`);
        const inputs: VerdictInput[] = attempts.map((a, k) => {
          const stat = git(repo, 'diff', '--numstat', `${firstBase}...${a.commit}`)
            .split('\n')
            .filter(Boolean)
            .map((l) => l.split('\t').map(Number));
          return {
            attemptId: a.id,
            index: k + 1,
            phase: 'finished',
            pending: false,
            checks: { ok: own[k]!.ok },
            conflictsWithBase: false,
            filesChanged: stat.length,
            linesAdded: stat.reduce((s, x) => s + (x[0] ?? 0), 0),
            linesRemoved: stat.reduce((s, x) => s + (x[1] ?? 0), 0),
            tokensTotal: 10_000,
            durationMs: 60_000,
            testFiles: testFiles[k]!.length,
            reviewBlockers: reviewBlockers(reviews[k]!),
          };
        });
        const verdict = decideVerdict(inputs, cells);
        const verdictMs = judged.ms;
        const old = scoreAttempts(inputs).recommended;
        const correct = (id: string | null): boolean => id !== null && attempts.find((a) => a.id === id)!.v.correct;
        const anyRight = attempts.some((a) => a.v.correct);
        rows.push({
          task: `${fn.name} (${shape})`,
          rightExists: anyRight,
          old: { pick: old, right: anyRight ? correct(old) : old === null },
          verdict: {
            pick: verdict.recommended,
            confidence: verdict.confidence,
            right: anyRight ? correct(verdict.recommended) : verdict.recommended === null,
          },
          checksMs: Math.round(checksMs),
          verdictMs: Math.round(verdictMs),
          crossRuns: cells.length,
          reviewTokens: reviews.reduce((s, r) => s + r.tokens, 0),
          reviewMsMedian: median(reviews.map((r) => r.durationMs)),
          order: floorFirst ? 'floor, verdict' : 'verdict, floor',
          extraWallPct: Math.round((100 * verdictMs) / checksMs),
        });
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
  } finally {
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const share = (key: 'old' | 'verdict'): string =>
    `${rows.filter((r) => (r[key] as { right: boolean }).right).length}/${rows.length}`;
  const extra = rows.map((r) => r.extraWallPct as number).sort((a, b) => a - b);
  const summary = {
    benchmark: 'verdict',
    note: 'Per task: four scripted attempts with a known right answer; checks and cross-tests run for real in codex sandbox, and each attempt gets a real read-only Codex review turn answered by the demo model (a script: its findings are not evidence about these functions, so they change no pick here; the row shows what the turn costs). "right" = picks a correct attempt when one exists, picks none when none does. extraWallPct = verdict wall (cross-tests and reviews at once) / the attempts\' own checks (the floor), measured in the same run, order alternating per task.',
    tasks: rows.length,
    oldScorecardRight: share('old'),
    verdictRight: share('verdict'),
    extraWallPct: { min: extra[0], median: extra[Math.floor(extra.length / 2)], max: extra.at(-1) },
    verdictMs: spread(rows.map((r) => r.verdictMs as number)),
    checksMs: spread(rows.map((r) => r.checksMs as number)),
    reviewTokensPerTask: spread(rows.map((r) => r.reviewTokens as number)),
    rows,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/verdict.json'), `${JSON.stringify(summary, null, 2)}\n`);
  console.log(JSON.stringify({ ...summary, rows: undefined }, null, 2));
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
