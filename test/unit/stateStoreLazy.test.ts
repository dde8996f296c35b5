// Unit: the state file is written soon after a real change, while what an attempt last said waits for one (or a long timer).

import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../src/core/observability/stateStore';
import { onlyChurn } from '../../src/core/orchestrator/attemptEvents';
import type { AttemptRecord } from '../../src/core/orchestrator/records';
import { ATTEMPT_EXTRAS, ZERO_TOKENS } from '../../src/shared/model';

const isState = (v: unknown): v is { n: number } => typeof (v as { n?: unknown }).n === 'number';
const written = (store: StateStore<{ n: number }>): number | null =>
  existsSync(store.file) ? (JSON.parse(readFileSync(store.file, 'utf8')) as { n: number }).n : null;

test('a lazy save waits for the long timer; a real change brings it forward and writes the latest state', () => {
  const dir = mkdtempSync(join(tmpdir(), 'q-state-'));
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    const store = new StateStore(dir, isState, 150, 5000);
    store.save({ n: 1 }, true);
    mock.timers.tick(1000);
    assert.equal(written(store), null, 'churn alone is not written after the short debounce');
    mock.timers.tick(4000);
    assert.equal(written(store), 1, 'but it is written in the end');
    store.save({ n: 2 }, true);
    store.save({ n: 3 });
    mock.timers.tick(150);
    assert.equal(written(store), 3, 'a real change goes out at the short debounce, with the churn before it');
    store.save({ n: 4 });
    store.save({ n: 5 }, true);
    mock.timers.tick(150);
    assert.equal(written(store), 5, 'churn after a real change rides along; it does not push the write back');
    store.save({ n: 6 }, true);
    store.close();
    assert.equal(written(store), 6, 'close writes what is pending');
  } finally {
    mock.timers.reset();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('what counts as churn: only the last event, its time and the token counts; a phase, an error or a commit do not', () => {
  const base = attemptRecord();
  assert.equal(onlyChurn(base, { ...base, lastEvent: 'ran npm test', lastEventAt: 'now' }), true);
  assert.equal(onlyChurn(base, { ...base, tokens: { ...base.tokens, total: 5 }, tokensByThread: {} }), true);
  assert.equal(onlyChurn(base, { ...base, lastEvent: 'x', phase: 'finished' }), false);
  assert.equal(onlyChurn(base, { ...base, lastError: 'boom' }), false);
  assert.equal(onlyChurn(base, { ...base, resultCommit: 'c'.repeat(40) }), false);
});

function attemptRecord(): AttemptRecord {
  return {
    id: 't-0123456789ab-1',
    taskId: 't-0123456789ab',
    index: 1,
    branch: 'quartet/fix-it-01234567/1',
    base: 'b'.repeat(40),
    worktree: '/wt/fix-it-01234567/1',
    phase: 'working',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    tokensByThread: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: null,
    lastEvent: null,
    lastEventAt: null,
    lastError: null,
    journal: '/j',
    threadId: null,
    threadIds: [],
    model: 'gpt-5.5',
    modelProvider: 'openai',
    demoModel: false,
    pending: null,
    retries: 0,
    nextRetryAt: null,
    resultCommit: null,
    filesChanged: 0,
    ...ATTEMPT_EXTRAS,
  };
}
