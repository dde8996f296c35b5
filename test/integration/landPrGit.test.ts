// Integration (real git, fake GitHub over HTTP, injected fix turn): land as a PR — merge, review fix, conflict turn, fix cap, rejected push.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { git } from '../support/repoHarness';
import { makeAttempt, makeRemoteAndClone } from '../support/bareRemote';
import { bareGit, connectToFakeGithub, type GithubRepo } from '../support/githubRepo';
import type { FakeGithubOptions } from '../support/fakeGithub';
import { landAsPullRequest, type PrLandInput, type RunFixTurn } from '../../src/core/land/prLand';
import { systemClock } from '../../src/core/execution/clock';
import { createGithubClient } from '../../src/core/github/githubClient';
import { PrApi } from '../../src/core/github/prApi';
import { resolveGithubTarget } from '../../src/core/github/remote';
import { pushBranch } from '../../src/core/github/push';
import { GithubError } from '../../src/core/github/errors';
import { commitWorktree } from '../../src/core/git/worktrees';

const KEY = 'add-changelog-0123abcd';
const BRANCH = `quartet/${KEY}/1`;

interface Ctx {
  dir: string;
  repo: string;
  worktree: string;
  gh: GithubRepo;
  input(extra?: Partial<PrLandInput>): Promise<PrLandInput>;
}

async function withPrRepo(opts: Partial<FakeGithubOptions>, fn: (c: Ctx) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'q-prland-'));
  const { clone: repo } = makeRemoteAndClone(dir);
  const base0 = git(repo, 'rev-parse', 'HEAD');
  const worktree = makeAttempt(
    repo,
    join(dir, 'worktrees', KEY, '1'),
    BRANCH,
    base0,
    { 'CHANGELOG.md': '# Changelog\n' },
    'Add a changelog\n\nA changelog file.',
  );
  const gh = await connectToFakeGithub(dir, repo, opts);
  const input = async (extra: Partial<PrLandInput> = {}): Promise<PrLandInput> => {
    const target = await resolveGithubTarget(repo, { baseUrl: gh.fake.url });
    const octokit = createGithubClient({ token: gh.token, baseUrl: gh.fake.url });
    return {
      repo,
      worktree,
      attemptId: 't-1-1',
      branch: BRANCH,
      baseBranch: 'main',
      title: 'Add a changelog',
      body: 'Body with **scorecard**',
      mergeMessage: 'A changelog file.',
      mode: 'squash',
      landedBranch: `quartet/landed/${KEY}`,
      api: new PrApi(octokit, target.owner, target.repo),
      target,
      token: gh.token,
      policy: 'none',
      maxFixes: 3,
      poll: { initialMs: 20, factor: 1.5, maxMs: 100 },
      maxWaitMs: 60_000,
      noChecksGraceMs: 0,
      runFixTurn: () => Promise.reject(new Error('no fix turn expected')),
      clock: systemClock,
      ...extra,
    };
  };
  try {
    await fn({ dir, repo, worktree, gh, input });
    // Whatever happened, the token never landed in the repository's config.
    assert.doesNotMatch(readFileSync(join(repo, '.git', 'config'), 'utf8'), new RegExp(gh.token));
  } finally {
    await gh.fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A fix turn the way the orchestrator's runs one: the "agent" edits the worktree, Quartet commits what it left. */
function fixTurn(worktree: string, edit: () => void, seen: string[] = []): RunFixTurn {
  return async (_id, prompt) => {
    seen.push(prompt);
    edit();
    await commitWorktree(worktree, 'Address the feedback\n\nDid what was asked.\n');
    return { ok: true, message: 'Address the feedback\n\nDid what was asked.' };
  };
}

test(
  'happy path: push over HTTP with the token, PR with the body, green checks → squash-merged, branch deleted, local main fast-forwarded',
  { timeout: 60_000 },
  async () => {
    await withPrRepo({}, async (c) => {
      const before = git(c.repo, 'rev-parse', 'main');
      const r = await landAsPullRequest(await c.input());
      assert.equal(r.status, 'landed', r.message);
      const pr = c.gh.fake.pulls()[0];
      assert.ok(pr);
      assert.equal(pr.title, 'Add a changelog');
      assert.equal(pr.body, 'Body with **scorecard**');
      assert.equal(pr.merged, true);
      const main = bareGit(c.gh.bare, 'rev-parse', 'main');
      assert.equal(r.mergeCommit, main);
      assert.equal(
        bareGit(c.gh.bare, 'log', '-1', '--format=%P|%s', 'main'),
        `${before}|Add a changelog (#${pr.number})`,
        'one squash commit on top of the old base',
      );
      assert.equal(bareGit(c.gh.bare, 'show', 'main:CHANGELOG.md'), '# Changelog');
      assert.equal(bareGit(c.gh.bare, 'branch', '--list', BRANCH), '', 'the PR branch is deleted on GitHub');
      assert.equal(git(c.repo, 'rev-parse', 'main'), main, 'the local main (clean checkout) is fast-forwarded');
      assert.equal(readFileSync(join(c.repo, 'CHANGELOG.md'), 'utf8'), '# Changelog\n');
      assert.deepEqual(
        [...new Set(r.steps.filter((s) => s.status !== 'running').map((s) => `${s.step}:${s.status}`))],
        ['push:ok', 'pr:ok', 'wait:ok', 'merge:ok', 'delete-branch:ok', 'update-local:ok', 'done:ok'],
      );
      const gitTraffic = c.gh.fake.requests.filter((q) => q.git);
      assert.ok(gitTraffic.length > 0 && gitTraffic.every((q) => q.authorized), 'every git request carried the token');
      const merge = c.gh.fake.apiRequests('PUT', /\/merge$/)[0];
      assert.deepEqual(merge?.body, {
        sha: pr.frozenHead,
        merge_method: 'squash',
        commit_title: `Add a changelog (#${pr.number})`,
        commit_message: 'A changelog file.',
      });
      assert.equal(r.pr?.state, 'merged');
    });
  },
);

test(
  'push: a wrong token is refused by the remote and never echoed; nothing is pushed',
  { timeout: 30_000 },
  async () => {
    await withPrRepo({}, async (c) => {
      const target = await resolveGithubTarget(c.repo, { baseUrl: c.gh.fake.url });
      const wrong = 'ghp_wrongwrongwrongwrongwrong';
      await assert.rejects(
        pushBranch({
          repo: c.repo,
          remote: target.remote,
          remoteUrl: target.remoteUrl,
          branch: BRANCH,
          baseBranch: 'main',
          token: wrong,
        }),
        (e: unknown) => {
          assert.ok(e instanceof GithubError);
          assert.doesNotMatch(e.message, /wrongwrong/);
          return true;
        },
      );
      assert.equal(bareGit(c.gh.bare, 'branch', '--list', BRANCH), '');
      await assert.rejects(
        pushBranch({
          repo: c.repo,
          remote: 'origin',
          remoteUrl: target.remoteUrl,
          branch: 'main',
          baseBranch: 'main',
          token: c.gh.token,
        }),
        /never the base/,
      );
    });
  },
);

test(
  'review feedback (policy approved): CHANGES_REQUESTED + inline comment → fix turn → push → reply → approval → merged',
  { timeout: 60_000 },
  async () => {
    await withPrRepo({}, async (c) => {
      let phase = 0;
      c.gh.fake.onRequest = (method, path) => {
        const pr = c.gh.fake.pulls()[0];
        if (!pr || method !== 'GET' || !/\/pulls\/\d+$/.test(path)) return;
        if (phase === 0) {
          phase = 1;
          c.gh.fake.addReview(pr.number, {
            user: 'alice',
            state: 'CHANGES_REQUESTED',
            body: 'Please add a date to the changelog.',
          });
          c.gh.fake.addReviewComment(pr.number, {
            user: 'alice',
            body: 'Say which version.',
            path: 'CHANGELOG.md',
            line: 1,
          });
        } else if (
          phase === 1 &&
          c.gh.fake.headOf(pr.number) !== pr.frozenHead &&
          c.gh.fake.item(pr.number)?.comments.length
        ) {
          phase = 2;
          c.gh.fake.addReview(pr.number, { user: 'alice', state: 'APPROVED' });
        }
      };
      const prompts: string[] = [];
      const r = await landAsPullRequest(
        await c.input({
          policy: 'approved',
          runFixTurn: fixTurn(
            c.worktree,
            () => writeFileSync(join(c.worktree, 'CHANGELOG.md'), '# Changelog\n\n## 1.0.0 (2024-01-01)\n'),
            prompts,
          ),
        }),
      );
      assert.equal(r.status, 'landed', r.message);
      assert.equal(prompts.length, 1);
      assert.match(prompts[0] ?? '', /alice \(changes requested\): Please add a date/);
      assert.match(prompts[0] ?? '', /alice on CHANGELOG\.md:1: Say which version\./);
      assert.match(prompts[0] ?? '', /Do not run `git commit` or `git push`/);
      const pr = c.gh.fake.pulls()[0]!;
      assert.match(pr.comments[0]?.body ?? '', /^Quartet pushed [0-9a-f]{7} to address review feedback from @alice\./);
      assert.equal(bareGit(c.gh.bare, 'show', 'main:CHANGELOG.md'), '# Changelog\n\n## 1.0.0 (2024-01-01)');
      assert.equal(r.pr?.fixes, 1);
      assert.deepEqual(r.pr?.reviews.approved, ['alice']);
    });
  },
);

test(
  'conflict with a moved base: Quartet merges origin/main into the worktree, a conflict turn resolves it, the merge lands',
  { timeout: 60_000 },
  async () => {
    await withPrRepo({}, async (c) => {
      // Someone changes the same file on GitHub's main after the attempt started.
      const other = join(c.dir, 'other');
      execFileSync('git', ['clone', '-q', c.gh.bare, other]);
      writeFileSync(join(other, 'CHANGELOG.md'), '# Change log (theirs)\n');
      git(other, 'add', '-A');
      git(other, 'commit', '-qm', 'theirs');
      git(other, 'push', '-q', 'origin', 'main');
      const theirs = git(other, 'rev-parse', 'HEAD');
      const prompts: string[] = [];
      const resolve = fixTurn(
        c.worktree,
        () => {
          assert.match(
            readFileSync(join(c.worktree, 'CHANGELOG.md'), 'utf8'),
            /<<<<<<< /,
            'the conflict is in the worktree for the agent',
          );
          writeFileSync(join(c.worktree, 'CHANGELOG.md'), '# Changelog (both)\n');
        },
        prompts,
      );
      const r = await landAsPullRequest(await c.input({ runFixTurn: resolve }));
      assert.equal(r.status, 'landed', r.message);
      assert.equal(prompts.length, 1);
      assert.match(
        prompts[0] ?? '',
        /^Resolve the merge conflicts in:\n- CHANGELOG\.md\n[\s\S]*merged `origin\/main` [\s\S]*This is for pull request #\d+ /,
      );
      const tip = c.gh.fake.pulls()[0]!.frozenHead!;
      assert.equal(
        bareGit(c.gh.bare, 'log', '-1', '--format=%P', tip).split(' ')[1],
        theirs,
        'the pushed fix is a merge of origin/main',
      );
      assert.equal(bareGit(c.gh.bare, 'show', 'main:CHANGELOG.md'), '# Changelog (both)');
      assert.ok(
        r.steps.some(
          (s) => s.step === 'fix' && s.status === 'ok' && /resolved conflicts in CHANGELOG\.md/.test(s.detail),
        ),
      );
    });
  },
);

test(
  'fix cap: checks keep failing → two fix turns, then needs_you with the PR left open and main untouched',
  { timeout: 60_000 },
  async () => {
    const failing: FakeGithubOptions['checks'] = () => [
      { name: 'unit', conclusion: 'failure', title: '1 test failed', text: 'AssertionError: expected 2 to equal 3' },
    ];
    await withPrRepo({ checks: failing }, async (c) => {
      let n = 0;
      const prompts: string[] = [];
      const main0 = bareGit(c.gh.bare, 'rev-parse', 'main');
      const r = await landAsPullRequest(
        await c.input({
          maxFixes: 2,
          runFixTurn: fixTurn(c.worktree, () => writeFileSync(join(c.worktree, `try-${n++}.txt`), 'x\n'), prompts),
        }),
      );
      assert.equal(r.status, 'needs_you', r.message);
      assert.match(r.message, /failing checks \(unit\) after 2 fix turns \(the cap\)/);
      assert.equal(prompts.length, 2);
      assert.match(prompts[0] ?? '', /### unit \(failure\)\n1 test failed\n\nAssertionError: expected 2 to equal 3/);
      const pr = c.gh.fake.pulls()[0]!;
      assert.equal(pr.state, 'open');
      assert.equal(bareGit(c.gh.bare, 'rev-parse', 'main'), main0);
      assert.equal(c.gh.fake.apiRequests('PUT', /\/merge$/).length, 0, 'never tried to merge');
      assert.equal(bareGit(c.gh.bare, 'rev-parse', BRANCH), git(c.repo, 'rev-parse', BRANCH), 'both fixes were pushed');
    });
  },
);

test(
  'someone else pushed to the PR branch → the push is rejected, never forced; the land is refused',
  { timeout: 60_000 },
  async () => {
    await withPrRepo({}, async (c) => {
      const other = join(c.dir, 'other');
      execFileSync('git', ['clone', '-q', c.gh.bare, other]);
      git(other, 'checkout', '-q', '-b', BRANCH);
      writeFileSync(join(other, 'THEIRS.md'), 'theirs\n');
      git(other, 'add', '-A');
      git(other, 'commit', '-qm', 'theirs');
      git(other, 'push', '-q', 'origin', BRANCH);
      const theirs = git(other, 'rev-parse', 'HEAD');
      const r = await landAsPullRequest(await c.input());
      assert.equal(r.status, 'refused');
      assert.match(r.message, /never force-pushes/);
      assert.equal(bareGit(c.gh.bare, 'rev-parse', BRANCH), theirs, 'their commit is still there');
      assert.equal(c.gh.fake.pulls().length, 0);
      assert.equal(existsSync(c.worktree), true);
    });
  },
);
