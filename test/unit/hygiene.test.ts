// Unit: state that survives a failing disk, journals that rebuild lost state, budgets, progress signals, ports, clean-up plans.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StateStore } from '../../src/core/observability/stateStore';
import { Journal } from '../../src/core/observability/journal';
import { originOf, reconstructFromJournals, recoverState } from '../../src/core/orchestrator/reconstruct';
import { budgetBreach, Watchdog } from '../../src/core/orchestrator/watchdog';
import { NoProgressDetector } from '../../src/core/orchestrator/noProgress';
import { PortAllocator, resourceEnv } from '../../src/core/execution/ports';
import { planCleanup, type AttemptFacts } from '../../src/core/cleanup/plan';
import { cleanupConfirmation, cleanupPickRows } from '../../src/extension/commands/cleanupModel';
import { DEFAULT_LAUNCH_OPTIONS } from '../../src/core/contract/launch';
import { launchOptions, retentionSetting, supervisorSettings } from '../../src/extension/settingsModel';
import { validJournalBudget, validRetention, validWorktreePool } from '../../src/core/orchestrator/settings';
import { ATTEMPT_EXTRAS, ZERO_TOKENS, type Phase, type Reason } from '../../src/shared/model';
import type { AttemptRecord, TaskRecord } from '../../src/core/orchestrator/records';
import type { CleanupItem } from '../../src/core/contract/replies';

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'q-hy-'));
}

function attempt(index: number, over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: `t-0123456789ab-${index}`,
    taskId: 't-0123456789ab',
    index,
    branch: `quartet/fix-it-01234567/${index}`,
    base: 'b'.repeat(40),
    worktree: `/wt/fix-it-01234567/${index}`,
    phase: 'finished',
    reason: null,
    tokens: { ...ZERO_TOKENS },
    tokensByThread: {},
    startedAt: '2026-01-01T00:00:00.000Z',
    endedAt: '2026-01-01T00:10:00.000Z',
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
    ...over,
  };
}

function task(attempts: AttemptRecord[], over: Partial<TaskRecord> = {}): TaskRecord {
  return {
    id: 't-0123456789ab',
    key: 'fix-it-01234567',
    title: 'Fix it',
    prompt: 'Fix the bug',
    createdAt: '2026-01-01T00:00:00.000Z',
    state: 'open',
    baseRef: 'main',
    baseCommit: 'b'.repeat(40),
    options: { ...DEFAULT_LAUNCH_OPTIONS },
    recommended: null,
    landing: null,
    attempts,
    ...over,
  };
}

test('a state write that fails (the tmp path is a directory) is reported, keeps the old file, and recovers', () => {
  const dir = tmp();
  try {
    const isState = (v: unknown): v is { n: number } => typeof (v as { n?: unknown }).n === 'number';
    const store = new StateStore(dir, isState);
    store.save({ n: 1 });
    store.flush();
    mkdirSync(`${store.file}.tmp-${process.pid}`);
    store.save({ n: 2 });
    assert.doesNotThrow(() => store.flush());
    assert.match(store.error ?? '', /could not write .*state\.json.*previous state is kept/);
    assert.deepEqual(JSON.parse(readFileSync(store.file, 'utf8')), { n: 1 });
    rmSync(`${store.file}.tmp-${process.pid}`, { recursive: true });
    store.flush();
    assert.equal(store.error, null);
    assert.deepEqual(new StateStore(dir, isState).load().state, { n: 2 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('journals rebuild tasks and attempts: finished stay finished, cut-off runs come back interrupted and resumable', () => {
  const dir = tmp();
  try {
    const t = task([
      attempt(1, { phase: 'preparing' }),
      attempt(2, { phase: 'preparing' }),
      attempt(3, { phase: 'preparing' }),
    ]);
    const j = (i: number): Journal => new Journal(join(dir, `${t.id}-${i}.jsonl`));
    const one = j(1);
    one.event({ type: 'phase', phase: 'preparing', reason: null, origin: originOf(t, t.attempts[0]!) });
    one.event({ type: 'session_started', threadId: 'th-1', model: 'gpt-5.5', modelProvider: 'openai' });
    one.event({
      type: 'tokens',
      threadId: 'th-1',
      totals: { input: 10, cachedInput: 0, output: 5, reasoningOutput: 0, total: 15 },
    });
    one.event({ type: 'committed', commit: 'c'.repeat(40), files: 2, message: 'Fix it' });
    one.event({ type: 'phase', phase: 'finished', reason: null });
    one.close();
    const two = j(2);
    two.event({ type: 'phase', phase: 'preparing', reason: null, origin: originOf(t, t.attempts[1]!) });
    two.event({ type: 'session_started', threadId: 'th-2', model: 'gpt-5.5', modelProvider: 'openai' });
    two.close(); // the supervisor died here
    const three = j(3);
    three.event({ type: 'warning', message: 'a journal from before origins were written' });
    three.close();
    const r = reconstructFromJournals(dir);
    assert.equal(r.tasks.length, 1);
    assert.equal(r.attempts, 2);
    assert.deepEqual(r.skipped, [`${t.id}-3.jsonl`]);
    const [a1, a2] = r.tasks[0]!.attempts;
    assert.equal(r.tasks[0]!.title, 'Fix it');
    assert.equal(r.tasks[0]!.prompt, 'Fix the bug');
    assert.equal(a1?.phase, 'finished');
    assert.equal(a1?.resultCommit, 'c'.repeat(40));
    assert.equal(a1?.tokens.total, 15);
    assert.equal(a2?.phase, 'interrupted');
    assert.equal(a2?.reason, 'supervisor_restart');
    assert.equal(a2?.threadId, 'th-2', 'Resume has its thread');
    assert.equal(a2?.worktree, t.attempts[1]!.worktree);
    const rec = recoverState({ state: null, problem: 'unreadable (Unexpected end of JSON input)' }, dir);
    assert.equal(rec.state?.tasks.length, 1);
    assert.match(
      rec.warnings.join('\n'),
      /unreadable[\s\S]*rebuilt 1 task\(s\) and 2 attempt\(s\) from the journals; 1 journal/,
    );
    assert.deepEqual(recoverState({ state: null, problem: null }, join(dir, 'none')), { state: null, warnings: [] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('budgets: tokens at the limit, estimated cost at the limit, never for a free (demo) model', () => {
  const totals = { input: 100_000, cachedInput: 0, output: 10_000, reasoningOutput: 0, total: 110_000 };
  const e = { type: 'tokens' as const, threadId: 'th', totals };
  const t = (over: Partial<TaskRecord['options']>): TaskRecord =>
    task([], { options: { ...DEFAULT_LAUNCH_OPTIONS, ...over } });
  assert.match(budgetBreach(t({ tokenBudget: 110_000 }), attempt(1), e) ?? '', /token budget reached: 110000 ≥ 110000/);
  assert.equal(budgetBreach(t({ tokenBudget: 110_001 }), attempt(1), e), null);
  // gpt-5.5: 100k input × $5/M + 10k output × $30/M = $0.80
  assert.match(
    budgetBreach(t({ costBudgetUsd: 0.8 }), attempt(1), e) ?? '',
    /cost budget reached: \$0\.8000 ≥ \$0\.8 \(estimated, priced as gpt-5\.5\)/,
  );
  assert.equal(budgetBreach(t({ costBudgetUsd: 0.81 }), attempt(1), e), null);
  assert.equal(
    budgetBreach(
      t({ costBudgetUsd: 0.1, prices: { models: { 'gpt-5.5': { input: 0.5, cachedInput: 0, output: 1 } } } }),
      attempt(1),
      e,
    ),
    null,
    'the price table is used',
  );
  assert.equal(
    budgetBreach(t({ costBudgetUsd: 0.01 }), attempt(1, { demoModel: true }), e),
    null,
    'the demo model is free',
  );
});

test('no progress: steps that leave the worktree unchanged count up, a change resets, order is kept', async () => {
  const states = ['s0', 's0', 's0', 's1', 's1', 's1', 's1'];
  let i = 0;
  const d = new NoProgressDetector(async () => {
    await new Promise((r) => setTimeout(r, Math.random() * 5));
    return states[i++] ?? 'end';
  });
  await d.baseline('a', '/wt');
  const counts = await Promise.all([
    d.step('a', '/wt'),
    d.step('a', '/wt'),
    d.step('a', '/wt'),
    d.step('a', '/wt'),
    d.step('a', '/wt'),
    d.step('a', '/wt'),
  ]);
  assert.deepEqual(counts, [1, 2, 0, 1, 2, 3]);
});

test('watchdog: one halt per attempt with the first reason; a halt on an ended attempt does not stick', () => {
  const halts: [string, Reason, string][] = [];
  let running = true;
  const w = new Watchdog({
    halt: (id, r, m) => (running ? (halts.push([id, r, m]), true) : false),
    log: () => undefined,
  });
  const t = task([], { options: { ...DEFAULT_LAUNCH_OPTIONS, loopLimit: 2, noProgressLimit: 0, tokenBudget: 50 } });
  const fail = {
    type: 'command' as const,
    itemId: 'i',
    command: 'npm test',
    exitCode: 1,
    durationMs: 5,
    status: 'failed',
    outputTail: 'Error at line 12',
  };
  w.onEvent(t, attempt(1), fail);
  w.onEvent(t, attempt(1), { ...fail, outputTail: 'Error at line 13' });
  assert.deepEqual(
    halts.map((h) => h[1]),
    ['looping'],
    'numbers are normalized: the same failure twice',
  );
  w.onEvent(t, attempt(1), { type: 'tokens', threadId: 'x', totals: { ...ZERO_TOKENS, total: 99 } });
  assert.equal(halts.length, 1, 'an attempt is halted once');
  w.reset(attempt(1).id);
  running = false;
  w.onEvent(t, attempt(1), { type: 'tokens', threadId: 'x', totals: { ...ZERO_TOKENS, total: 99 } });
  running = true;
  w.onEvent(t, attempt(1), { type: 'tokens', threadId: 'x', totals: { ...ZERO_TOKENS, total: 99 } });
  assert.deepEqual(
    halts.map((h) => h[1]),
    ['looping', 'budget'],
    'a refused halt did not mark the attempt',
  );
});

test('ports: distinct blocks, busy ports skipped, released blocks reused, snapshot shows holders', async () => {
  const busy = createServer();
  await new Promise<void>((r) => busy.listen(47_003, '127.0.0.1', () => r()));
  try {
    const p = new PortAllocator(47_000, 10, 47_100);
    const [a, b] = await Promise.all([p.allocate('a'), p.allocate('b')]);
    assert.notEqual(a.first, 47_000, 'the block with a busy port is skipped');
    assert.notEqual(a.first, b.first);
    assert.deepEqual(Object.keys(p.snapshot()).sort(), ['a', 'b']);
    p.release('a');
    assert.deepEqual(Object.keys(p.snapshot()), ['b']);
    const c = await p.allocate('c');
    assert.equal(c.first, a.first, 'a released block is handed out again');
    assert.deepEqual(resourceEnv('t-1-2', c), {
      QUARTET_PORT: String(c.first),
      QUARTET_PORT_COUNT: '10',
      QUARTET_PORT_RANGE: `${c.first}-${c.first + 9}`,
      QUARTET_NAME_PREFIX: 'quartet_t_1_2',
    });
  } finally {
    busy.close();
  }
});

test('clean-up plan: ended attempts are listed with sizes; due = old and landed/discarded; live ones never', () => {
  const now = Date.parse('2026-02-01T00:00:00.000Z');
  const old = '2026-01-01T00:00:00.000Z';
  const fresh = '2026-01-31T00:00:00.000Z';
  const phase = (p: Phase, endedAt: string, over: Partial<AttemptRecord> = {}): Partial<AttemptRecord> => ({
    phase: p,
    endedAt,
    ...over,
  });
  const open = task([
    attempt(1, phase('failed', old)),
    attempt(2, phase('finished', old)),
    attempt(3, phase('stopped', fresh)),
    attempt(4, phase('working', old)),
    attempt(5, phase('failed', old, { nextRetryAt: fresh })),
  ]);
  const landed = task(
    [
      attempt(1, {
        ...phase('finished', old),
        id: 't-landed000000-1',
        branch: 'quartet/l/1',
        worktree: '/wt/l/1',
        landed: { at: old, commit: 'c', aside: null, message: '' },
      }),
    ],
    { id: 't-landed000000', state: 'landed' },
  );
  const facts = (a: AttemptRecord): AttemptFacts => ({
    worktreeExists: true,
    branchExists: true,
    unsavedWork: a.index === 1,
    bytes: 1000 * a.index,
  });
  const plan = planCleanup({
    tasks: [open, landed],
    facts,
    archives: [{ name: 'x', dir: '/a/x', attemptId: 'x-1', createdAt: '2025-09-01T00:00:00.000Z', bytes: 7 }],
    retention: { attemptDays: 14, archiveDays: 90 },
    now,
  });
  const due = plan.items
    .filter((i) => i.due)
    .map((i) => i.id)
    .sort();
  assert.deepEqual(due, [
    'archive:x',
    'branch:t-landed000000-1',
    'worktree:t-0123456789ab-1',
    'worktree:t-landed000000-1',
  ]);
  const ids = plan.items.map((i) => i.id);
  assert.ok(ids.includes('worktree:t-0123456789ab-2'), 'a finished attempt of an open task is listed…');
  assert.ok(!due.includes('worktree:t-0123456789ab-2'), '…but never due: it may still land');
  assert.ok(
    !ids.some((i) => i.endsWith('-4') || i.endsWith('ab-5')),
    'running attempts and scheduled retries are never offered',
  );
  assert.ok(plan.items.find((i) => i.id === 'worktree:t-0123456789ab-1')?.archiveFirst);
  assert.equal(plan.totalBytes, 1000 + 2000 + 3000 + 1000 + 7);
  assert.equal(plan.dueBytes, 1000 + 1000 + 7);
  assert.deepEqual(
    planCleanup({
      tasks: [open],
      facts,
      archives: [],
      retention: { attemptDays: 0, archiveDays: 0 },
      now,
    }).items.filter((i) => i.due),
    [],
    '0 days = never due',
  );
  const rows = cleanupPickRows(plan);
  assert.equal(rows[0]?.id, 'worktree:t-0123456789ab-3', 'the biggest worktree first');
  assert.deepEqual(
    rows
      .filter((r) => r.picked)
      .map((r) => r.id)
      .sort(),
    due,
    'due items are pre-selected',
  );
  assert.match(
    cleanupConfirmation(plan, ['worktree:t-0123456789ab-1', 'archive:x']),
    /Remove 2 item\(s\), freeing 1007 B\? 1 with unsaved work are archived first \(restorable\)\. 1 archive\(s\) are deleted for good\./,
  );
});

test('clean-up plan: warm worktrees are listed with their size, due only once the pool is off, and sorted last', () => {
  const slots = [{ path: '/wt/.pool/1', branch: 'quartet/pool/1', bytes: 5000 }];
  const plan = (size: number) =>
    planCleanup({
      tasks: [],
      facts: () => undefined,
      archives: [],
      pool: { slots, size },
      retention: { attemptDays: 14, archiveDays: 90 },
      now: 0,
    });
  const on = plan(2).items[0];
  assert.equal(on?.id, 'pool:quartet/pool/1');
  assert.equal(on?.kind, 'pool');
  assert.equal(on?.bytes, 5000);
  assert.equal(on?.due, false, 'a slot of a pool that is on is kept unless chosen');
  assert.match(on?.detail ?? '', /quartet\.worktreePool = 2/);
  const off = plan(0);
  assert.equal(off.items[0]?.due, true, 'with the pool off a slot is only disk');
  assert.equal(off.dueBytes, 5000);
  const rows = cleanupPickRows({
    ...off,
    items: [...off.items, { ...(off.items[0] as CleanupItem), id: 'archive:a', kind: 'archive', bytes: 1 }],
  });
  assert.deepEqual(
    rows.map((r) => r.id),
    ['archive:a', 'pool:quartet/pool/1'],
    'warm worktrees come after the work Quartet kept',
  );
  assert.ok(rows[1]?.label.startsWith('$(flame) warm worktree'));
});

test('settings: quartet.worktreePool is off unless set, clamped to 0–16 in VS Code; the supervisor refuses anything else', () => {
  const read = (v: unknown) => (k: string) => (k === 'worktreePool' ? v : undefined);
  assert.equal(supervisorSettings(read(undefined)).worktreePool, 0);
  assert.equal(supervisorSettings(read(4)).worktreePool, 4);
  assert.equal(supervisorSettings(read(99)).worktreePool, 16);
  assert.equal(validWorktreePool(3), 3);
  for (const bad of [-1, 2.5, 17, '4', null])
    assert.throws(
      () => validWorktreePool(bad),
      /^UsageError: worktreePool must be a whole number from 0 \(off\) to 16/,
    );
});

test('settings: quartet.retention, noProgressLimit, costBudgetUsd and prices are validated into supervisor settings and launch options', () => {
  const read =
    (values: Record<string, unknown>) =>
    (key: string): unknown =>
      values[key];
  assert.deepEqual(retentionSetting(read({})), { attemptDays: 14, archiveDays: 90 });
  assert.deepEqual(retentionSetting(read({ retention: { attemptDays: 3, archiveDays: 0 } })), {
    attemptDays: 3,
    archiveDays: 0,
  });
  assert.deepEqual(
    retentionSetting(read({ retention: { attemptDays: -2, archiveDays: 'x' } })),
    { attemptDays: 0, archiveDays: 90 },
    'clamped, or the default',
  );
  assert.deepEqual(supervisorSettings(read({ retention: { attemptDays: 7 } })).retention, {
    attemptDays: 7,
    archiveDays: 90,
  });
  const o = launchOptions(
    read({ noProgressLimit: 12, costBudgetUsd: 2.5, prices: { fallback: { input: 1, cachedInput: 0, output: 2 } } }),
  );
  assert.equal(o.noProgressLimit, 12);
  assert.equal(o.costBudgetUsd, 2.5);
  assert.deepEqual(o.prices, { fallback: { input: 1, cachedInput: 0, output: 2 } });
  assert.equal(launchOptions(read({ costBudgetUsd: -1 })).costBudgetUsd, null);
  assert.equal(launchOptions(read({})).noProgressLimit, 40);
  assert.deepEqual(validRetention({ attemptDays: 1.9, archiveDays: -1 }, { attemptDays: 14, archiveDays: 90 }), {
    attemptDays: 1,
    archiveDays: 90,
  });
});

test('settings: quartet.journal.maxBytesPerAttempt reaches the supervisor settings, bounded below; the supervisor refuses a bad value', () => {
  const read =
    (values: Record<string, unknown>) =>
    (key: string): unknown =>
      values[key];
  assert.equal(supervisorSettings(read({})).journalMaxBytesPerAttempt, null, 'unset: the supervisor default');
  assert.equal(
    supervisorSettings(read({ 'journal.maxBytesPerAttempt': 1_000_000 })).journalMaxBytesPerAttempt,
    1_000_000,
  );
  assert.equal(supervisorSettings(read({ 'journal.maxBytesPerAttempt': 10 })).journalMaxBytesPerAttempt, 64 * 1024);
  assert.equal(validJournalBudget(null), null);
  assert.equal(validJournalBudget(65_536), 65_536);
  assert.throws(() => validJournalBudget(100), /maxBytesPerAttempt must be a whole number of bytes ≥ 65536/);
  assert.throws(() => validJournalBudget('big'), /not big/);
});
