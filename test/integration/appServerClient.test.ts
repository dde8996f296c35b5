// Integration (real Codex + demo model): the app-server client's startup payloads and identities, and the turn timeout (SPEC §17.5).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

type Raw = {
  dir: string;
  msg: { id?: number; method?: string; params?: Record<string, unknown>; result?: Record<string, unknown> };
};

test(
  'startup: initialize (client identity, experimentalApi) → initialized → thread/start in the worktree with the policy → session_started with the ids → turn/start on that thread',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'Startup payloads',
      prompt: 'Add a demo note.',
      attempts: 1,
      options: { approvalPolicy: 'never', sandbox: 'workspace-write' },
    });
    const a = (await waitForTask(h.client, t.id)).attempts[0]!;
    assert.equal(a.phase, 'finished', a.lastError ?? '');
    const records = readJournal(a.journal);
    const raw = records.flatMap((r) => (r.kind === 'raw' ? [r as unknown as Raw] : []));
    const out = raw.filter((r) => r.dir === 'out').map((r) => r.msg);
    assert.deepEqual(
      out.slice(0, 4).map((m) => m.method),
      ['initialize', 'initialized', 'thread/start', 'turn/start'],
    );
    assert.deepEqual(out[0]!.params, {
      clientInfo: { name: 'quartet', title: 'Quartet', version: '0.1.0' },
      capabilities: { experimentalApi: true },
    });
    // workspace-write becomes the `quartet-checks` permission profile on the app-server's command line (see
    // execution/sandbox.ts); Codex applies a profile only when the thread carries no legacy `sandbox`.
    assert.deepEqual(out[2]!.params, { cwd: a.worktree, approvalPolicy: 'never' });
    const started = raw.find((r) => r.dir === 'in' && r.msg.id === out[2]!.id)!.msg.result as {
      thread: { id: string };
    };
    const session = records.find((r) => r.kind === 'event' && r.event.type === 'session_started');
    assert.ok(session && session.kind === 'event' && session.event.type === 'session_started');
    assert.equal(session.event.threadId, started.thread.id, 'the thread id from thread/start becomes session_started');
    assert.equal(a.threadId, started.thread.id);
    assert.equal(out[3]!.params?.threadId, started.thread.id);
    const turn = raw.find((r) => r.dir === 'in' && r.msg.id === out[3]!.id)!.msg.result as { turn: { id: string } };
    assert.ok(
      records.some((r) => r.kind === 'event' && r.event.type === 'turn_completed' && r.event.turnId === turn.turn.id),
      'the turn id is tracked to its completion',
    );
  },
);

test(
  'turn timeout: a turn with no Codex output for turnTimeoutMs fails with reason turn_timeout and its process is ended',
  { timeout: 120_000 },
  async () => {
    const t = await h.client.launch({
      title: 'Silent turn',
      prompt: 'Think. [[quartet-demo:hang]]',
      attempts: 1,
      options: { turnTimeoutMs: 3000, stallTimeoutMs: 600_000 },
    });
    const a = (await waitForTask(h.client, t.id, 60_000)).attempts[0]!;
    assert.equal(a.phase, 'failed');
    assert.equal(a.reason, 'turn_timeout');
    assert.match(a.lastError ?? '', /no Codex output for 3000 ms during the turn/);
    const exits = readJournal(a.journal).filter((r) => r.kind === 'event' && r.event.type === 'process_exit');
    assert.equal(exits.length, 1, 'the app-server was ended');
  },
);
