// Integration: the bad-input corpus — one table of hostile inputs, each with a clear error (or a safe run) and nothing lost.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, makeRepo, ROOT, runCli, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { isPersistedState } from '../../src/core/orchestrator/records';
import { readJournal } from '../../src/core/observability/journal';
import { isInside } from '../../src/core/git/pathSafety';
import type { TaskSnapshot } from '../../src/shared/model';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'badInput');
const fakeCodex = (name: string): string => `${process.execPath} ${join(FIXTURES, name)}`;

let h: Harness;
let baseline: TaskSnapshot;

before(async () => {
  h = await startHarness();
  const t = await h.client.launch({ title: 'baseline work', prompt: 'note', attempts: 2 });
  baseline = await waitForTask(h.client, t.id);
  assert.ok(
    baseline.attempts.every((a) => a.phase === 'finished'),
    'the baseline task finished',
  );
});
after(async () => {
  await h?.cleanup();
});

interface Cli {
  code: number;
  stdout: string;
  stderr: string;
}

/** Everything a bad input must not change in a repository: HEAD, its branches, the working tree. */
interface RepoState {
  head: string;
  symbolic: string;
  refs: Map<string, string>;
  status: string;
  dirty: Map<string, string>;
}

function capture(repo: string): RepoState {
  const run = (...args: string[]): string => {
    try {
      return git(repo, ...args);
    } catch {
      return '(none)';
    }
  };
  const refs = new Map(
    run('for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads')
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ') as [string, string]),
  );
  const status = run('status', '--porcelain=v1', '--untracked-files=all');
  const dirty = new Map(
    status
      .split('\n')
      .filter(Boolean)
      .map((l) => l.slice(3))
      .map((p) => [p, existsSync(join(repo, p)) ? readFileSync(join(repo, p), 'latin1') : '(gone)']),
  );
  return {
    head: run('rev-parse', '--verify', '-q', 'HEAD'),
    symbolic: run('symbolic-ref', '-q', 'HEAD'),
    refs,
    status,
    dirty,
  };
}

/** Loses nothing: same HEAD, branches and working tree (new quartet/ branches are allowed), a readable state file, the baseline task intact. */
async function assertNothingLost(repo: string, before: RepoState, what: string): Promise<void> {
  const now = capture(repo);
  assert.equal(now.head, before.head, `${what}: HEAD moved`);
  assert.equal(now.symbolic, before.symbolic, `${what}: HEAD was re-attached or detached`);
  for (const [ref, sha] of before.refs) assert.equal(now.refs.get(ref), sha, `${what}: ${ref} changed`);
  for (const ref of now.refs.keys())
    assert.ok(before.refs.has(ref) || ref.startsWith('refs/heads/quartet/'), `${what}: unexpected new branch ${ref}`);
  assert.equal(now.status, before.status, `${what}: the working tree changed`);
  assert.deepEqual(now.dirty, before.dirty, `${what}: uncommitted changes were altered`);
  const stateFile = join(h.repo, '.git', 'quartet', 'state.json');
  const state: unknown = JSON.parse(readFileSync(stateFile, 'utf8'));
  assert.ok(isPersistedState(state), `${what}: state.json is a valid state`);
  const kept = (await h.client.snapshot()).tasks.find((t) => t.id === baseline.id);
  assert.deepEqual(
    kept?.attempts.map((a) => [a.id, a.phase, a.resultCommit]),
    baseline.attempts.map((a) => [a.id, a.phase, a.resultCommit]),
    `${what}: the existing task changed`,
  );
}

interface Case {
  name: string;
  /** A repository of its own (no commits, detached HEAD…); default: the shared harness repo. */
  repo?: (dir: string) => string;
  setup?: (repo: string) => void;
  act: (repo: string) => Promise<Cli>;
  code: number;
  /** Expected in stderr for errors, in stdout otherwise. */
  output?: RegExp;
  check?: (repo: string, out: Cli) => void | Promise<void>;
  teardown?: (repo: string) => void;
}

const launch = (repo: string, ...args: string[]): Promise<Cli> =>
  runCli(['launch', '--repo', repo, '--worktree-root', h.worktreeRoot, '--attempts', '1', ...args], h.env);
const launched = (out: Cli): TaskSnapshot => JSON.parse(out.stdout) as TaskSnapshot;

function checkSafeTask(t: TaskSnapshot): void {
  assert.match(t.key, /^[a-z0-9-]{1,49}$/, 'the task key is a plain slug');
  for (const a of t.attempts) {
    assert.match(a.branch, /^quartet\/[a-z0-9-]+\/\d+$/);
    assert.ok(isInside(h.worktreeRoot, a.worktree), `${a.worktree} is under the worktree root`);
  }
}

function failedAttempt(out: Cli): TaskSnapshot['attempts'][number] {
  const a = launched(out).attempts[0];
  assert.ok(a, 'the task has its attempt');
  assert.equal(a.phase, 'failed');
  return a;
}

function journalEvents(path: string): string[] {
  return readJournal(path).flatMap((r) => (r.kind === 'event' ? [JSON.stringify(r.event)] : []));
}

const METACHARS = '$(touch PWNED1); `touch PWNED2` | touch PWNED3 && echo "; \' > PWNED4 <x';

const CASES: Case[] = [
  {
    name: 'title with ../ path segments: a safe key, branch and worktree under the root',
    act: (repo) => launch(repo, '--title', '../../../../etc/passwd/../..', '--wait', '--json'),
    code: 0,
    check: (_repo, out) => {
      const t = launched(out);
      assert.equal(t.title, '../../../../etc/passwd/../..');
      checkSafeTask(t);
      assert.equal(existsSync(join(h.worktreeRoot, '..', 'etc')), false);
    },
  },
  {
    name: 'title with shell metacharacters: kept verbatim, never run',
    act: (repo) => launch(repo, '--title', METACHARS, '--wait', '--json'),
    code: 0,
    check: (repo, out) => {
      const t = launched(out);
      assert.equal(t.title, METACHARS);
      checkSafeTask(t);
      for (const dir of [repo, h.dir, ROOT, t.attempts[0]?.worktree ?? repo]) {
        for (const n of [1, 2, 3, 4]) assert.equal(existsSync(join(dir, `PWNED${n}`)), false, `PWNED${n} in ${dir}`);
      }
    },
  },
  {
    name: 'unicode title (accents, emoji, CJK, right-to-left override): kept, ASCII key',
    act: (repo) => launch(repo, '--title', 'Ünïcødé 🚀 日本語 \u202eevil\u202c naïve', '--wait', '--json'),
    code: 0,
    check: (_repo, out) => {
      const t = launched(out);
      assert.equal(t.title, 'Ünïcødé 🚀 日本語 \u202eevil\u202c naïve');
      checkSafeTask(t);
    },
  },
  {
    name: '10 KB title: shortened for display, the whole text kept as the prompt',
    act: (repo) => launch(repo, '--title', 'long title '.repeat(1000).trim(), '--wait', '--json'),
    code: 0,
    check: (_repo, out) => {
      const t = launched(out);
      assert.equal(t.title.length, 200);
      assert.ok(t.title.endsWith('…'));
      assert.equal(t.prompt, 'long title '.repeat(1000).trim(), 'nothing of the text is lost');
      checkSafeTask(t);
    },
  },
  { name: 'empty title', act: (repo) => launch(repo, '--title', ''), code: 2, output: /launch needs --title/ },
  {
    name: 'title of only whitespace and newlines',
    act: (repo) => launch(repo, '--title', ' \n\t \r\n '),
    code: 2,
    output: /a task needs a title/,
  },
  {
    name: 'zero attempts',
    act: (repo) => runCli(['launch', '--repo', repo, '--title', 'x', '--attempts', '0'], h.env),
    code: 2,
    output: /--attempts must be a whole number from 1 to 16/,
  },
  {
    name: 'too many attempts',
    act: (repo) => runCli(['launch', '--repo', repo, '--title', 'x', '--attempts', '99'], h.env),
    code: 2,
    output: /--attempts must be a whole number from 1 to 16/,
  },
  {
    name: 'attempts not a number',
    act: (repo) => runCli(['launch', '--repo', repo, '--title', 'x', '--attempts', '2;rm'], h.env),
    code: 2,
    output: /--attempts must be a non-negative whole number/,
  },
  {
    name: 'prompt over 100,000 characters (API)',
    act: async () =>
      h.client.launch({ title: 'x', prompt: 'y'.repeat(100_001), attempts: 1 }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (e: Error) => ({ code: 2, stdout: '', stderr: e.message }),
      ),
    code: 2,
    output: /the prompt is 100001 characters; the limit is 100000/,
  },
  {
    name: 'a base branch that does not exist',
    act: (repo) => launch(repo, '--title', 'x', '--base', 'no-such-branch'),
    code: 2,
    output: /base ref "no-such-branch" does not name a commit/,
  },
  {
    name: 'a dirty base branch: attempts start from the committed base, the uncommitted work stays as it was',
    setup: (repo) => {
      writeFileSync(
        join(repo, 'README.md'),
        `${readFileSync(join(repo, 'README.md'), 'utf8')}\nUNCOMMITTED LOCAL EDIT\n`,
      );
      writeFileSync(join(repo, 'local-notes.txt'), 'untracked and precious\n');
    },
    act: (repo) => launch(repo, '--title', 'dirty base', '--wait', '--json'),
    code: 0,
    check: (_repo, out) => {
      const wt = launched(out).attempts[0]?.worktree ?? '';
      assert.doesNotMatch(readFileSync(join(wt, 'README.md'), 'utf8'), /UNCOMMITTED LOCAL EDIT/);
      assert.equal(existsSync(join(wt, 'local-notes.txt')), false);
    },
    teardown: (repo) => {
      git(repo, 'checkout', '--', 'README.md');
      execFileSync('rm', ['-f', join(repo, 'local-notes.txt')]);
    },
  },
  {
    name: 'a worktree root that is a file',
    setup: () => writeFileSync(join(h.dir, 'root-is-a-file'), 'not a folder'),
    act: (repo) =>
      runCli(['launch', '--repo', repo, '--title', 'x', '--worktree-root', join(h.dir, 'root-is-a-file')], h.env),
    code: 2,
    output: /worktree root .*root-is-a-file exists and is not a directory/,
    check: () => assert.equal(readFileSync(join(h.dir, 'root-is-a-file'), 'utf8'), 'not a folder'),
  },
  {
    name: 'a worktree root under a file',
    act: (repo) =>
      runCli(
        ['launch', '--repo', repo, '--title', 'x', '--worktree-root', join(h.dir, 'root-is-a-file', 'sub')],
        h.env,
      ),
    code: 2,
    output: /is under .*root-is-a-file, which is a file/,
  },
  {
    name: 'a worktree root inside the checkout',
    act: (repo) => runCli(['launch', '--repo', repo, '--title', 'x', '--worktree-root', join(repo, 'wt')], h.env),
    code: 2,
    output: /inside the repository/,
    check: (repo) => assert.equal(existsSync(join(repo, 'wt')), false, 'nothing was created in the checkout'),
  },
  {
    name: 'a folder that is not a git repository',
    act: () => runCli(['launch', '--repo', h.dir, '--title', 'x'], h.env),
    code: 2,
    output: /is not inside a git repository/,
  },
  {
    name: 'a repository with no commits',
    repo: (dir) => {
      const repo = join(dir, 'empty-repo');
      mkdirSync(repo);
      execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: repo });
      return repo;
    },
    act: (repo) =>
      runCli(['launch', '--repo', repo, '--title', 'x', '--worktree-root', join(h.dir, 'empty-wt')], h.env),
    code: 2,
    output: /has no commits yet; commit something first/,
    check: () => assert.equal(existsSync(join(h.dir, 'empty-wt')), false, 'no worktree root was created'),
  },
  {
    name: 'a detached HEAD: the base is the commit, HEAD stays detached',
    repo: (dir) => {
      const repo = makeRepo(join(dir, 'detached'));
      git(repo, 'checkout', '-q', '--detach', 'HEAD');
      return repo;
    },
    act: (repo) => launch(repo, '--title', 'from a detached head', '--wait', '--json'),
    code: 0,
    check: (repo, out) => assert.equal(launched(out).baseRef, git(repo, 'rev-parse', 'HEAD')),
  },
  {
    name: 'a Codex binary that exits at once: the attempt fails with its exit code and stderr',
    act: (repo) =>
      launch(repo, '--title', 'codex exits', '--codex-command', fakeCodex('exitNow.mjs'), '--wait', '--json'),
    code: 1,
    check: (_repo, out) => {
      const a = failedAttempt(out);
      assert.equal(a.reason, 'codex_exit');
      assert.match(a.lastError ?? '', /exit code 3.*refusing to start/);
    },
  },
  {
    name: 'a Codex binary that prints garbage: malformed output journaled, the request times out clearly',
    act: (repo) =>
      launch(
        repo,
        '--title',
        'codex garbage',
        '--codex-command',
        fakeCodex('garbage.mjs'),
        '--read-timeout-ms',
        '2000',
        '--wait',
        '--json',
      ),
    code: 1,
    check: (_repo, out) => {
      const a = failedAttempt(out);
      assert.equal(a.reason, 'read_timeout');
      assert.match(a.lastError ?? '', /no response to initialize within 2000 ms/);
      const events = journalEvents(a.journal);
      assert.ok(
        events.some((e) => /"type":"malformed".*not JSON/.test(e)),
        'garbage lines are journaled as malformed',
      );
      assert.ok(
        events.some((e) => /"type":"malformed".*not a JSON object/.test(e)),
        'a JSON array is reported too',
      );
    },
  },
  {
    name: 'a Codex binary that writes a 50 MB line: capped at 16 MiB, one truncated malformed record, a clear failure',
    act: (repo) =>
      launch(repo, '--title', 'codex huge line', '--codex-command', fakeCodex('hugeLine.mjs'), '--wait', '--json'),
    code: 1,
    check: async (_repo, out) => {
      const a = failedAttempt(out);
      assert.equal(a.reason, 'codex_exit');
      assert.match(a.lastError ?? '', /exit code 7/);
      const malformed = journalEvents(a.journal).filter((e) => /"type":"malformed"/.test(e));
      assert.equal(malformed.length, 1, 'exactly one malformed record for the oversized line');
      assert.match(malformed[0] ?? '', /line longer than 16777216 bytes \(truncated\)/);
      assert.ok(
        statSync(a.journal).size < 1024 * 1024,
        `the journal holds a sample, not the line (${statSync(a.journal).size} bytes)`,
      );
      assert.ok((await h.client.diagnostics()).pid > 0, 'the supervisor still answers');
    },
  },
];

for (const c of CASES) {
  test(`bad input: ${c.name}`, { timeout: 120_000 }, async () => {
    const repo = c.repo ? c.repo(h.dir) : h.repo;
    c.setup?.(repo);
    const sharedBefore = capture(h.repo);
    const before = repo === h.repo ? sharedBefore : capture(repo);
    try {
      const out = await c.act(repo);
      assert.equal(
        out.code,
        c.code,
        `exit code (stdout: ${out.stdout.slice(0, 500)}; stderr: ${out.stderr.slice(0, 500)})`,
      );
      if (c.output) assert.match(c.code === 0 ? out.stdout : out.stderr, c.output);
      if (c.code === 2)
        assert.doesNotMatch(out.stderr, /\n\s+at .*\(.*:\d+:\d+\)/, 'a clear message, not a stack trace');
      await c.check?.(repo, out);
      await assertNothingLost(repo, before, c.name);
      if (repo !== h.repo) await assertNothingLost(h.repo, sharedBefore, `${c.name} (shared repo)`);
    } finally {
      c.teardown?.(repo);
      if (repo !== h.repo && existsSync(join(repo, '.git')))
        await runCli(['supervisor', 'stop', '--repo', repo], h.env);
    }
  });
}

/** Mounts a tiny tmpfs over `dir` with `freeBytes` left; null when this machine does not allow it (not root). */
function tinyDisk(dir: string, freeBytes: number): (() => void) | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0700', 'tmpfs', dir], { stdio: 'ignore' });
  } catch {
    return null;
  }
  let filler = 256 * 1024 - freeBytes;
  for (let i = 0; filler > 0; i++, filler -= 4096) {
    try {
      writeFileSync(join(dir, `filler-${i}`), Buffer.alloc(4096));
    } catch {
      break;
    }
  }
  return () => execFileSync('umount', ['-l', dir], { stdio: 'ignore' });
}

// Two places a disk can fill: before Codex starts (the first record fails) and mid-run (the turn is interrupted).
for (const [when, free] of [
  ['before Codex starts', 0],
  ['while Codex runs', 24 * 1024],
] as const) {
  test(
    `bad input: a full disk under the journal ${when}: the attempt fails with a clear reason, the supervisor keeps running`,
    { timeout: 120_000 },
    async (t) => {
      const journals = join(h.repo, '.git', 'quartet', 'journals');
      const sharedBefore = capture(h.repo);
      const unmount = tinyDisk(journals, free);
      if (!unmount) return t.skip('mounting a 256 KB tmpfs needs root; run as root to exercise a real ENOSPC');
      let failed: TaskSnapshot;
      try {
        const out = await launch(h.repo, '--title', `disk full ${when}`, '--wait', '--json');
        assert.equal(out.code, 1, out.stderr);
        failed = launched(out);
      } finally {
        unmount();
      }
      const a = failed.attempts[0];
      assert.equal(a?.phase, 'failed');
      assert.equal(a?.reason, 'journal_failed');
      assert.match(a?.lastError ?? '', /journal write failed: ENOSPC: no space left on device/);
      assert.equal(
        a?.threadId !== null,
        free > 0,
        free > 0 ? 'Codex had started: the failure interrupted a live turn' : 'Codex never started',
      );
      await assertNothingLost(h.repo, sharedBefore, `full disk ${when}`);
      // The supervisor is fine: with space again, the next task runs to the end.
      const next = await launch(h.repo, '--title', 'after the disk was freed', '--wait', '--json');
      assert.equal(next.code, 0, next.stderr);
    },
  );
}

// A FIFO where WORKFLOW.md belongs would block any reader forever: it is refused at once as not a regular file.
// (Before the malformed rows: an invalid edit keeps the last loaded workflow, and theirs would be the one in force.)
test(
  'bad input: WORKFLOW.md is a FIFO: validate exits 2 naming it; the supervisor never blocks, a launch runs and loses nothing',
  { timeout: 120_000 },
  async () => {
    const file = join(h.repo, 'WORKFLOW.md');
    execFileSync('mkfifo', [file]);
    const before = capture(h.repo);
    try {
      const v = await runCli(['workflow', 'validate', file], h.env);
      assert.equal(v.code, 2, v.stdout);
      assert.match(v.stderr, /not a regular file/);
      const out = await launch(h.repo, '--title', 'with a FIFO for a workflow', '--wait', '--json');
      assert.equal(out.code, 0, `${out.stderr}\n${out.stdout}`);
      const snap = await h.client.snapshot();
      const warning = snap.warnings.find((w) => w.startsWith('WORKFLOW.md: '));
      assert.match(warning ?? '', /not a regular file/, `warnings: ${JSON.stringify(snap.warnings)}`);
      await assertNothingLost(h.repo, before, 'a FIFO WORKFLOW.md');
    } finally {
      rmSync(file, { force: true });
    }
  },
);

// Malformed WORKFLOW.md front matter: `workflow validate` names the typed error (exit 2); a launch in a repo
// carrying that file still runs (defaults, as no valid version was ever loaded) and the snapshot says why —
// except a prompt template that cannot be parsed: that attempt fails at once with reason template_error
// (SPEC §12.4), never with a half-rendered prompt.
const MALFORMED_WORKFLOWS: [string, string, RegExp][] = [
  ['not YAML', '---\ntracker: [unclosed\n---\nDo {{ issue.title }}\n', /workflow_parse_error/],
  ['a list, not a mapping', '---\n- tracker\n- polling\n---\nDo it\n', /workflow_front_matter_not_a_map/],
  ['a wrong type', '---\nagent:\n  max_concurrent_agents: many\n---\nDo it\n', /agent\.max_concurrent_agents/],
  ['an unknown approval policy', '---\ncodex:\n  approval_policy: sometimes\n---\nDo it\n', /codex\.approval_policy/],
  [
    'an unclosed template tag',
    '---\npolling:\n  interval_ms: 5000\n---\n{% if issue.title %}never closed\n',
    /template_parse_error/,
  ],
];
for (const [what, text, error] of MALFORMED_WORKFLOWS) {
  test(
    `bad input: malformed WORKFLOW.md (${what}): validate exits 2 naming it; a launch says why and loses nothing`,
    { timeout: 120_000 },
    async () => {
      const file = join(h.repo, 'WORKFLOW.md');
      writeFileSync(file, text);
      const before = capture(h.repo);
      try {
        const v = await runCli(['workflow', 'validate', file], h.env);
        assert.equal(v.code, 2, v.stdout);
        assert.equal(v.stderr.trim().split('\n').length, 1, v.stderr);
        assert.match(v.stderr, error);
        const out = await launch(h.repo, '--title', `with a malformed workflow: ${what}`, '--wait', '--json');
        if (/template/.test(what)) {
          const a = failedAttempt(out);
          assert.equal(a.reason, 'template_error');
          assert.match(a.lastError ?? '', error);
        } else {
          assert.equal(out.code, 0, out.stderr);
        }
        const snap = await h.client.snapshot();
        const warning = snap.warnings.find((w) => w.startsWith('WORKFLOW.md: '));
        assert.ok(warning, `a snapshot warning names WORKFLOW.md (warnings: ${JSON.stringify(snap.warnings)})`);
        assert.match(warning, error);
        await assertNothingLost(h.repo, before, `malformed WORKFLOW.md (${what})`);
      } finally {
        rmSync(file, { force: true });
      }
    },
  );
}
