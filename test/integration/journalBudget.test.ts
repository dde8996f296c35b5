// Integration (real Codex + demo model): an agent printing forever is stopped at the journal byte budget; the disk stays intact.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { startHarness, waitForTask, type Harness } from '../support/repoHarness';
import { readJournal } from '../../src/core/observability/journal';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const BUDGET = 256 * 1024;

test(
  'an endless printer: output past the budget is summarized, the attempt stops (journal_budget) and says so, the journal stays bounded',
  { timeout: 120_000 },
  async () => {
    await h.client.configure({ journalMaxBytesPerAttempt: BUDGET });
    const t = await h.client.launch({ title: 'printer', prompt: 'print [[quartet-demo:printer]]', attempts: 1 });
    const a = (await waitForTask(h.client, t.id)).attempts[0]!;
    assert.equal(a.phase, 'stopped', a.lastError ?? '');
    assert.equal(a.reason, 'journal_budget');
    assert.match(
      a.lastError ?? '',
      /journal budget reached \(262144 bytes, quartet\.journal\.maxBytesPerAttempt\): output summarized, attempt stopped/,
    );
    const size = statSync(a.journal).size;
    assert.ok(size < BUDGET * 1.25 + 64 * 1024, `the journal is ${size} bytes for a ${BUDGET}-byte budget`);
    const records = readJournal(a.journal);
    const deltas = records.filter(
      (r) => r.kind === 'raw' && (r.msg as { method?: string }).method === 'item/commandExecution/outputDelta',
    );
    assert.ok(deltas.length > 0, 'output was journaled up to the budget');
    const warnings = records.flatMap((r) =>
      r.kind === 'event' && r.event.type === 'warning' ? [r.event.message] : [],
    );
    assert.ok(
      warnings.some((m) => /^journal budget reached/.test(m)),
      warnings.join('\n'),
    );
    const last = records.filter((r) => r.kind === 'event' && r.event.type === 'phase').at(-1);
    assert.ok(
      last?.kind === 'event' && last.event.type === 'phase' && last.event.phase === 'stopped',
      'the end of the attempt is journaled',
    );
    // The journal route pages: a small page size walks the whole journal, page by page.
    const first = await h.client.journalPage(a.id, 0, 16 * 1024);
    assert.ok(first.records.length > 0 && first.next !== null, 'a 16 KiB page does not hold the whole journal');
    const all = await h.client.journalAll(a.id);
    assert.deepEqual(
      all.map((r) => r.seq),
      records.map((r) => r.seq),
    );
  },
);
