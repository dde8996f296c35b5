// Integration (supervisor + real Codex + demo model): an agent rewrites package.json's "test" to write outside its worktree.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { git, startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { HOSTILE_TARGET_PREFIX } from '../../demo/demoScript';
import { readJournal } from '../../src/core/observability/journal';
import type { TaskSnapshot } from '../../src/shared/model';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h.cleanup();
});

const checked = (t: TaskSnapshot): boolean =>
  t.attempts.every((a) => a.phase === 'finished' && (a.checks?.state === 'passed' || a.checks?.state === 'failed'));

test(
  "detected checks run the BASE commit's test script in the sandbox: the agent's edit is never run, nothing is written outside",
  { timeout: 180_000 },
  async () => {
    const launched = await h.client.launch({
      title: 'Hostile test script',
      prompt: 'Add a note [[quartet-demo:hostile-test-script]]',
      attempts: 1,
    });
    const task = await waitForTask(h.client, launched.id, 150_000, checked);
    const a = task.attempts[0]!;
    assert.equal(a.checks?.state, 'passed', a.checks?.summary.join(' | '));
    assert.equal(a.checks?.command, 'node --test', 'the base commit\'s "test" script, not the one the agent wrote');
    assert.equal(a.checks?.source, `package.json "test" at ${a.base.slice(0, 8)}`);
    assert.equal(a.checks?.sandboxed, true);
    assert.equal(a.checks?.profile, 'quartet-checks');
    assert.equal(existsSync(`${HOSTILE_TARGET_PREFIX}${a.id}`), false);
    const ev = readJournal(a.journal).flatMap((r) =>
      r.kind === 'event' && r.event.type === 'checks' ? [r.event] : [],
    );
    assert.deepEqual(
      ev.map((e) => [e.command, e.sandboxed, e.ok]),
      [['node --test', true, true]],
      'the journal says what ran and where',
    );
  },
);

test(
  "a configured `npm test` runs the agent's script — inside the sandbox, where its write outside fails and fails the check",
  { timeout: 180_000 },
  async () => {
    const launched = await h.client.launch({
      title: 'Hostile test script, npm test',
      prompt: 'Add a note [[quartet-demo:hostile-test-script]]',
      attempts: 1,
      options: { checkCommand: 'npm test' },
    });
    const task = await waitForTask(h.client, launched.id, 150_000, checked);
    const a = task.attempts[0]!;
    assert.equal(a.checks?.state, 'failed');
    assert.equal(a.checks?.command, 'npm test');
    assert.equal(a.checks?.sandboxed, true);
    assert.ok(
      a.checks?.summary.some((l) => /Read-only file system/.test(l)),
      a.checks?.summary.join(' | '),
    );
    assert.equal(existsSync(`${HOSTILE_TARGET_PREFIX}${a.id}`), false, 'nothing was written outside the worktree');
    assert.match(a.lastEvent ?? '', /checks failed: `npm test` in the sandbox \(quartet-checks\)/);
  },
);

test(
  'the agent runs in the same profile: its test server on 127.0.0.1 works, its write outside the worktree does not',
  { timeout: 180_000 },
  async () => {
    const launched = await h.client.launch({
      title: 'Loopback',
      prompt: 'Run a server [[quartet-demo:loopback]]',
      attempts: 1,
      options: { checkCommand: '' },
    });
    const a = (await waitForTask(h.client, launched.id, 150_000)).attempts[0]!;
    assert.equal(a.phase, 'finished', a.lastError ?? '');
    const out = git(h.repo, 'show', `${a.branch}:loopback.txt`);
    assert.match(
      out,
      /^loopback pong$/m,
      'listen + connect on 127.0.0.1 (EPERM under the plain workspace-write sandbox)',
    );
    assert.match(out, /Read-only file system/);
    assert.equal(existsSync(`${HOSTILE_TARGET_PREFIX}agent-${a.id}`), false);
    const start = readJournal(a.journal).find(
      (r) => r.kind === 'raw' && (r.msg as { method?: string }).method === 'thread/start',
    );
    assert.ok(
      start && start.kind === 'raw' && !('sandbox' in ((start.msg as { params?: object }).params ?? {})),
      'no legacy sandbox on thread/start',
    );
  },
);
