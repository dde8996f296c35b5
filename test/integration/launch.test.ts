// Integration: four real Codex attempts against the demo model, in real git worktrees, through the supervisor.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';
import { isInside } from '../../src/core/git/pathSafety';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

test(
  'launch 4 attempts: 4 worktrees and branches, each with its own committed change, base untouched',
  { timeout: 180_000 },
  async () => {
    const baseHead = git(h.repo, 'rev-parse', 'HEAD');
    const baseStatus = git(h.repo, 'status', '--porcelain');
    const launched = await h.client.launch({
      title: 'Add a demo note',
      prompt: 'Add a short note file about the greeter.',
      attempts: 4,
    });
    assert.equal(launched.attempts.length, 4);
    const task = await waitForTask(h.client, launched.id);

    const branches = new Set<string>();
    const changedFiles = new Set<string>();
    const tools = new Set<string>();
    for (const a of task.attempts) {
      assert.equal(a.phase, 'finished', `${a.id}: ${a.lastError ?? a.lastEvent}`);
      assert.equal(a.branch, `quartet/${task.key}/${a.index}`);
      assert.ok(isInside(h.worktreeRoot, a.worktree), `${a.worktree} is under the worktree root`);
      assert.ok(!isInside(h.repo, a.worktree), 'worktree is outside the checkout');
      assert.equal(git(a.worktree, 'rev-parse', '--abbrev-ref', 'HEAD'), a.branch);
      assert.equal(git(a.worktree, 'status', '--porcelain'), '', 'everything the agent left is committed');
      const files = git(h.repo, 'diff', '--name-only', `${baseHead}..${a.branch}`).split('\n').filter(Boolean);
      assert.equal(files.length, 1, `${a.id} changed exactly its own file: ${files.join(', ')}`);
      changedFiles.add(files[0] as string);
      assert.equal(a.filesChanged, 1);
      assert.ok(a.resultCommit && git(h.repo, 'rev-parse', a.branch) === a.resultCommit);
      assert.match(git(h.repo, 'log', '-1', '--format=%an %s', a.branch), /^Quartet Add demo note /);
      branches.add(a.branch);

      // Journal: raw protocol traffic and normalized events, on disk.
      assert.ok(existsSync(a.journal));
      const records = readJournal(a.journal);
      assert.ok(records.some((r) => r.kind === 'raw' && (r.msg as { method?: string }).method === 'thread/start'));
      assert.ok(records.some((r) => r.kind === 'event' && r.event.type === 'session_started'));
      // Codex starts while the files are checked out: initialize is sent before the worktree is ready
      // (the "starting" phase), thread/start only after it.
      const at = (match: (r: (typeof records)[number]) => boolean): number => records.findIndex(match);
      const sends = (method: string) => (r: (typeof records)[number]) =>
        r.kind === 'raw' && r.dir === 'out' && (r.msg as { method?: string }).method === method;
      const ready = at((r) => r.kind === 'event' && r.event.type === 'phase' && r.event.phase === 'starting');
      assert.ok(
        at(sends('initialize')) >= 0 && at(sends('initialize')) < ready,
        'initialize before the worktree is ready',
      );
      assert.ok(ready < at(sends('thread/start')), 'thread/start after the worktree is ready');
      assert.ok(
        records.some(
          (r) =>
            r.kind === 'event' &&
            r.event.type === 'skills' &&
            r.event.skills.some((s) => s.name === 'commit' && s.source === 'builtin'),
        ),
        'built-in skills were installed',
      );
      assert.ok(
        a.skills.some((s) => s.name === 'commit' && s.source === 'builtin' && /^[0-9a-f]{12}$/.test(s.version)),
        'and recorded on the attempt',
      );
      for (const r of records) {
        if (r.kind === 'event' && r.event.type === 'command' && /printf/.test(r.event.command)) tools.add('shell');
        if (r.kind === 'event' && r.event.type === 'file_change') tools.add('apply_patch');
      }

      // Tokens: the attempt total equals what the fake model reported for that thread (absolute totals, no double count).
      const sent = h.server.stats.threads.get(a.threadId ?? '');
      assert.ok(sent, `the fake model saw thread ${a.threadId}`);
      assert.deepEqual(a.tokens, sent.usage);
      assert.ok(a.tokens.total > 0);
      assert.equal(a.demoModel, true);
    }
    assert.equal(branches.size, 4);
    assert.equal(changedFiles.size, 4, 'each attempt made a different edit');
    assert.deepEqual([...tools].sort(), ['apply_patch', 'shell'], 'edits came through both the shell and apply_patch');
    // The user's checkout is untouched.
    assert.equal(git(h.repo, 'rev-parse', 'HEAD'), baseHead);
    assert.equal(git(h.repo, 'status', '--porcelain'), baseStatus);
    assert.equal(
      git(h.repo, 'worktree', 'list', '--porcelain')
        .split('\n')
        .filter((l) => l.startsWith('worktree ')).length,
      5,
    );
    // State survives a supervisor restart (a window reload or a new CLI): finished attempts are still there.
    await h.client.shutdown();
    h.client.close();
    const { SupervisorClient } = await import('../../src/core/client/supervisorClient');
    const { DIST } = await import('../support/repoHarness');
    h.client = await SupervisorClient.connect({
      repo: h.repo,
      supervisorEntry: join(DIST, 'supervisor.js'),
      env: h.env,
    });
    const again = (await h.client.snapshot()).tasks.find((t) => t.id === task.id);
    assert.ok(again);
    assert.deepEqual(
      again.attempts.map((a) => a.phase),
      ['finished', 'finished', 'finished', 'finished'],
    );
    assert.equal(readFileSync(join(again.attempts[0]?.worktree ?? '', 'README.md'), 'utf8').length > 0, true);
  },
);
