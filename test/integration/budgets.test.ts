// Integration: budgets and progress signals end a turn by interrupting it (Codex closes the turn and exits on its own).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';
import { estimateCost, DEFAULT_PRICE_TABLE } from '../../src/shared/cost';
import type { AgentEvent, JournalRecord } from '../../src/shared/events';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const events = (records: JournalRecord[]): AgentEvent[] =>
  records.flatMap((r) => (r.kind === 'event' ? [r.event] : []));

/** The interrupt came first, then Codex closed the turn, then it exited by itself (no signal): nothing was killed mid-write. */
function assertGracefulInterrupt(journal: string): void {
  const records = readJournal(journal);
  const interrupt = records.findIndex(
    (r) => r.kind === 'raw' && r.dir === 'out' && (r.msg as { method?: string }).method === 'turn/interrupt',
  );
  const closed = records.findIndex(
    (r) => r.kind === 'event' && r.event.type === 'turn_completed' && r.event.status === 'interrupted',
  );
  const exit = records.find((r) => r.kind === 'event' && r.event.type === 'process_exit');
  assert.ok(interrupt >= 0, 'turn/interrupt was sent');
  assert.ok(closed > interrupt, 'Codex closed the turn as interrupted after the interrupt');
  assert.ok(
    exit?.kind === 'event' && exit.event.type === 'process_exit' && exit.event.signal === null,
    `Codex exited on its own, not by a signal: ${JSON.stringify(exit)}`,
  );
}

test(
  'token budget: the turn is interrupted and closed by Codex, the attempt ends stopped (budget)',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({ title: 'tokens', prompt: 'note', attempts: 1, options: { tokenBudget: 2000 } });
    const a = (await waitForTask(h.client, t.id)).attempts[0]!;
    assert.equal(a.phase, 'stopped');
    assert.equal(a.reason, 'budget');
    assertGracefulInterrupt(a.journal);
  },
);

test(
  'cost budget (estimated from the price table): interrupted at the limit, reason budget',
  { timeout: 90_000 },
  async () => {
    // A provider that is not the demo's, so its tokens are priced (the demo model is free).
    const home = join(h.dir, 'codex-home-priced');
    mkdirSync(home, { recursive: true });
    writeFileSync(
      join(home, 'config.toml'),
      readFileSync(join(h.env.CODEX_HOME!, 'config.toml'), 'utf8').replaceAll('quartet_demo', 'priced_fake'),
    );
    const t = await h.client.launch({
      title: 'cost',
      prompt: 'note',
      attempts: 1,
      env: { ...h.env, CODEX_HOME: home },
      options: { costBudgetUsd: 0.01 },
    });
    const a = (await waitForTask(h.client, t.id)).attempts[0]!;
    assert.equal(a.demoModel, false);
    assert.equal(a.phase, 'stopped', a.lastError ?? '');
    assert.equal(a.reason, 'budget');
    assert.match(a.lastError ?? '', /cost budget reached: \$0\.\d+ ≥ \$0\.01 \(estimated, priced as gpt-5\.5\)/);
    assert.ok(estimateCost(a.tokens, a.model, DEFAULT_PRICE_TABLE).usd >= 0.01);
    assertGracefulInterrupt(a.journal);
  },
);

test(
  'no progress: steps that never change the worktree mark the attempt stalled (looping), even with the repeat check off',
  { timeout: 90_000 },
  async () => {
    const t = await h.client.launch({
      title: 'idle',
      prompt: 'x [[quartet-demo:loop]]',
      attempts: 1,
      options: { loopLimit: 0, noProgressLimit: 4 },
    });
    const a = (await waitForTask(h.client, t.id)).attempts[0]!;
    assert.equal(a.phase, 'stalled');
    assert.equal(a.reason, 'looping');
    assert.match(a.lastError ?? '', /looping: 4 steps in a row without any change to the worktree/);
    const steps = events(readJournal(a.journal)).filter((e) => e.type === 'command').length;
    assert.ok(steps >= 4 && steps <= 6, `stopped right after the 4th idle step (${steps} commands ran)`);
    assertGracefulInterrupt(a.journal);
  },
);

test(
  'no progress: edits through the shell and apply_patch count as progress (a normal run finishes under a tight limit)',
  { timeout: 90_000 },
  async () => {
    // The default script is read → edit → check → answer: at most 1 idle step in a row before and after the edit.
    const t = await h.client.launch({ title: 'busy', prompt: 'note', attempts: 2, options: { noProgressLimit: 2 } });
    const done = await waitForTask(h.client, t.id);
    for (const a of done.attempts) assert.equal(a.phase, 'finished', `${a.id}: ${a.lastError ?? ''}`);
    const tools = done.attempts.flatMap((a) =>
      events(readJournal(a.journal))
        .filter((e) => e.type === 'file_change' || (e.type === 'command' && /printf/.test(e.command)))
        .map((e) => e.type),
    );
    assert.deepEqual(
      [...new Set(tools)].sort(),
      ['command', 'file_change'],
      'one attempt edited through the shell, the other through apply_patch',
    );
  },
);

test('ports are released when attempts end: the supervisor holds none afterwards', { timeout: 90_000 }, async () => {
  const t = await h.client.launch({ title: 'ports', prompt: 'note', attempts: 3 });
  await waitForTask(h.client, t.id);
  const d = await h.client.diagnostics();
  assert.deepEqual(d.ports, {});
  assert.deepEqual(d.runners, []);
});
