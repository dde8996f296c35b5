// Unit: the panel host's request checks, journal pump chunking, locked-down HTML and restore helpers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PHASES, type Snapshot } from '../../src/shared/model';
import type { JournalRecord } from '../../src/shared/events';
import type { WebviewRequest } from '../../src/shared/protocol';
import { canRetry, canStop } from '../../src/shared/attemptActions';
import { isRetryable, isStoppable } from '../../src/extension/viewModel/contextValue';
import { answerRequest, type RequestDeps } from '../../src/extension/panel/panelRequests';
import { JournalPump, type JournalChunk } from '../../src/extension/panel/journalPump';
import { JournalSubscriptions } from '../../src/extension/panel/journalSubscriptions';
import { jsonForScript, panelCsp, renderPanelHtml } from '../../src/shared/panelHtml';
import { attemptIdFromArg, viewFromSavedState } from '../../src/extension/panel/panelArgs';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';
import { snapshotFixture } from '../webview/snapshotFixture';
import { syntheticJournal } from '../webview/syntheticJournal';

function fakeDeps(snapshot: Snapshot, journal: JournalRecord[] = []): RequestDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    snapshot: () => snapshot,
    api: {
      stop: async (id) => void calls.push(`stop ${id}`),
      retry: async (id) => void calls.push(`retry ${id}`),
      answer: async (id, d, text) => void calls.push(`answer ${id} ${d} ${text ?? ''}`.trim()),
      journal: async (_id, from = 0) => journal.filter((r) => r.seq >= from),
    },
    openDiff: async (ids, at) => void calls.push(`diff ${ids.join(' ')}${at ? ` at ${at.file}:${at.line}` : ''}`),
    resolveWithAgent: (id) => void calls.push(`resolve ${id}`),
    openExternal: async (url) => void calls.push(`open ${url}`),
    rawSeqs: () => undefined,
  };
}

const req = (r: Omit<WebviewRequest, 'id'>): WebviewRequest => ({ ...r, id: 7 }) as WebviewRequest;

test('the panel offers Stop and Retry exactly where the tree does', () => {
  for (const p of PHASES) {
    assert.equal(canStop(p), isStoppable(p), p);
    assert.equal(canRetry(p), isRetryable(p), p);
  }
  assert.deepEqual(
    PHASES.filter(canRetry),
    ['failed', 'stalled', 'stopped', 'interrupted'],
    'Retry: every attempt that ended without finishing',
  );
});

test('requests are checked against the snapshot before anything happens', async () => {
  const s = snapshotFixture();
  const [t1] = s.tasks;
  const deps = fakeDeps(s);
  const ok = await answerRequest(req({ type: 'attempt/run/stop', params: { attemptId: `${t1!.id}-1` } }), deps);
  assert.deepEqual([ok.inReplyTo, ok.error], [7, undefined]);
  const unknown = await answerRequest(req({ type: 'attempt/run/stop', params: { attemptId: 't-nope-1' } }), deps);
  assert.equal(unknown.error?.code, 'not_found');
  const finished = await answerRequest(req({ type: 'attempt/run/retry', params: { attemptId: `${t1!.id}-4` } }), deps);
  assert.equal(finished.error?.code, 'refused');
  const stale = await answerRequest(
    req({
      type: 'attempt/question/answer',
      params: { attemptId: `${t1!.id}-2`, pendingId: 'older', decision: 'accept' },
    }),
    deps,
  );
  assert.equal(stale.error?.code, 'refused');
  await answerRequest(
    req({
      type: 'attempt/question/answer',
      params: { attemptId: `${t1!.id}-2`, pendingId: 'pend-1', decision: 'decline', text: 'no' },
    }),
    deps,
  );
  const cross = await answerRequest(
    req({ type: 'diff/attempts/open', params: { attemptIds: [`${t1!.id}-1`, `${s.tasks[1]!.id}-1`] } }),
    deps,
  );
  assert.equal(cross.error?.code, 'refused');
  await answerRequest(
    req({ type: 'diff/attempts/open', params: { attemptIds: [`${t1!.id}-1`, `${t1!.id}-3`] } }),
    deps,
  );
  await answerRequest(
    req({ type: 'diff/attempts/open', params: { attemptIds: [`${t1!.id}-1`], at: { file: 'index.js', line: 3 } } }),
    deps,
  );
  const js = await answerRequest(req({ type: 'link/url/open', params: { url: 'javascript:alert(1)' } }), deps);
  assert.equal(js.error?.code, 'refused');
  await answerRequest(req({ type: 'link/url/open', params: { url: 'https://example.com/' } }), deps);
  assert.deepEqual(deps.calls, [
    `stop ${t1!.id}-1`,
    `answer ${t1!.id}-2 decline no`,
    `diff ${t1!.id}-1 ${t1!.id}-3`,
    `diff ${t1!.id}-1 at index.js:3`,
    'open https://example.com/',
  ]);
});

test('a failing supervisor call becomes an error reply, never a throw', async () => {
  const deps = fakeDeps(snapshotFixture());
  deps.api.stop = async () => {
    throw new Error('supervisor unreachable');
  };
  const r = await answerRequest(req({ type: 'attempt/run/stop', params: { attemptId: 't-aaaaaaaaaaaa-1' } }), deps);
  assert.deepEqual(r.error, { code: 'failed', message: 'supervisor unreachable' });
});

test('the full raw record of a command comes with the raw messages of its item', async () => {
  const journal = syntheticJournal({ events: 40, raw: true });
  const ev = journal.find((r) => r.kind === 'event' && r.event.type === 'command');
  const reply = await answerRequest(
    req({ type: 'journal/record/get', params: { attemptId: 't-aaaaaaaaaaaa-1', seq: ev!.seq } }),
    fakeDeps(snapshotFixture(), journal),
  );
  const records = (reply.result as { records: JournalRecord[] }).records;
  assert.ok(records.some((r) => r.seq === ev!.seq));
  assert.ok(records.some((r) => r.kind === 'raw' && JSON.stringify(r.msg).includes('aggregatedOutput')));
});

async function drain(pump: JournalPump, chunks: JournalChunk[], until: () => boolean): Promise<void> {
  pump.start();
  for (let i = 0; i < 200 && !until(); i++) await new Promise((r) => setTimeout(r, 5));
  pump.stop();
  assert.ok(until(), `pump delivered ${chunks.length} chunks`);
}

test('the pump sends capped chunks whose ranges are contiguous and cover raw records', async () => {
  const journal = syntheticJournal({ events: 3000, raw: true });
  const chunks: JournalChunk[] = [];
  const pump = new JournalPump(
    'a',
    0,
    {
      fetch: async (_id, from) => journal.filter((r) => r.seq >= from),
      send: (c) => chunks.push(c),
      isLive: () => false,
      log: () => undefined,
    },
    { intervalMs: 5, errorBackoffMs: 5, maxRecordsPerChunk: 500, maxBytesPerChunk: 64 * 1024 },
  );
  const end = (journal[journal.length - 1] as JournalRecord).seq + 1;
  await drain(pump, chunks, () => chunks.at(-1)?.nextSeq === end);
  assert.equal(chunks[0]!.fromSeq, 0);
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.fromSeq, chunks[i - 1]!.nextSeq);
  assert.ok(
    chunks.every((c) => c.records.length <= 500 && c.records.every((r) => r.seq >= c.fromSeq && r.seq < c.nextSeq)),
  );
  assert.ok(chunks.every((c) => JSON.stringify(c.records).length <= 64 * 1024 + 4096));
  assert.equal(
    chunks.reduce((n, c) => n + c.records.length, 0),
    journal.filter((r) => r.kind === 'event').length +
      journal.filter((r) => r.kind === 'raw' && JSON.stringify(r.msg).includes('turn/diff/updated')).length,
  );
  assert.ok(pump.rawSeqs.size > 0);
});

test('the pump polls only new records and idles once a finished attempt is drained', async () => {
  const journal = syntheticJournal({ events: 50 });
  const froms: number[] = [];
  const chunks: JournalChunk[] = [];
  const pump = new JournalPump(
    'a',
    10,
    {
      fetch: async (_id, from) => (froms.push(from), journal.filter((r) => r.seq >= from)),
      send: (c) => chunks.push(c),
      isLive: () => false,
      log: () => undefined,
    },
    { intervalMs: 1, errorBackoffMs: 1, maxRecordsPerChunk: 1000, maxBytesPerChunk: 1e6 },
  );
  pump.start();
  for (let i = 0; i < 1000 && froms.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
  pump.stop();
  assert.deepEqual(froms, [10, journal.length], 'one read from 10, one empty read, then idle');
  assert.equal(chunks[0]!.records[0]!.seq, 10);
});

test('the pump follows the journal route page after page at once while `next` says more is written', async () => {
  const journal = syntheticJournal({ events: 200 });
  const froms: number[] = [];
  const chunks: JournalChunk[] = [];
  // Pages of 25 records; an hour between polls: only following `next` at once can deliver the rest.
  const fetch = async (_id: string, from: number): Promise<{ records: JournalRecord[]; next: number | null }> => {
    froms.push(from);
    const records = journal.filter((r) => r.seq >= from).slice(0, 25);
    const last = records.at(-1);
    return { records, next: last && last.seq < journal.length - 1 ? last.seq + 1 : null };
  };
  const pump = new JournalPump(
    'a',
    0,
    { fetch, send: (c) => chunks.push(c), isLive: () => false, log: () => undefined },
    { intervalMs: 3_600_000, errorBackoffMs: 3_600_000, maxRecordsPerChunk: 1000, maxBytesPerChunk: 1e6 },
  );
  await drain(pump, chunks, () => chunks.at(-1)?.nextSeq === journal.length);
  assert.deepEqual(
    froms,
    Array.from({ length: Math.ceil(journal.length / 25) }, (_, i) => i * 25),
    'one fetch per page, none after the last',
  );
  for (let i = 1; i < chunks.length; i++) assert.equal(chunks[i]!.fromSeq, chunks[i - 1]!.nextSeq);
});

test('subscriptions stream only known attempts, and pick up attempts the snapshot learns about later', async () => {
  const journal = syntheticJournal({ events: 20 });
  let known = new Set<string>();
  const chunks: JournalChunk[] = [];
  const subs = new JournalSubscriptions(
    {
      known: () => known,
      isLive: () => false,
      fetch: async (_id, from) => journal.filter((r) => r.seq >= from),
      send: (c) => chunks.push(c),
      log: () => undefined,
    },
    { intervalMs: 1, errorBackoffMs: 1, maxRecordsPerChunk: 1000, maxBytesPerChunk: 1e6 },
  );
  subs.set([
    { attemptId: 'a', fromSeq: 0 },
    { attemptId: 'b', fromSeq: 5 },
  ]);
  assert.deepEqual(subs.following, [], 'nothing the snapshot does not know');
  known = new Set(['a', 'b']);
  subs.startNewlyKnown();
  for (let i = 0; i < 1000 && chunks.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
  assert.deepEqual(subs.following.sort(), ['a', 'b']);
  assert.deepEqual(chunks.map((c) => [c.attemptId, c.fromSeq]).sort(), [
    ['a', 0],
    ['b', 5],
  ]);
  subs.set([{ attemptId: 'b', fromSeq: 5 }]);
  assert.deepEqual(subs.following, ['b']);
  subs.stopAll();
  assert.deepEqual(subs.following, []);
});

test('the HTML: strict CSP with a nonce, no inline script, state JSON that cannot break out', () => {
  const state = {
    protocol: 1,
    snapshot: null,
    view: {
      view: 'board' as const,
      attemptId: '</script><script>alert(1)</script>',
      compareIds: [],
      filter: 'all' as const,
      search: '',
    },
    prices: DEFAULT_PRICE_TABLE,
  };
  const html = renderPanelHtml({
    cspSource: 'https://x.vscode-cdn.net',
    nonce: 'abc123',
    scriptUri: 'https://x.vscode-cdn.net/dist/webview.js',
    styleUri: 'https://x.vscode-cdn.net/dist/webview.css',
    initialState: state,
  });
  assert.match(
    html,
    /default-src 'none'; img-src https:\/\/x\.vscode-cdn\.net data:; style-src https:\/\/x\.vscode-cdn\.net; script-src 'nonce-abc123'; font-src https:\/\/x\.vscode-cdn\.net/,
  );
  assert.equal(html.match(/<script/g)?.length, 2);
  assert.ok(!html.includes('</script><script>alert'));
  assert.deepEqual(JSON.parse(jsonForScript(state)), state);
  assert.ok(!panelCsp('s', 'n').includes('unsafe'));
});

test('restore helpers accept only well-formed view state and attempt ids', () => {
  assert.equal(attemptIdFromArg('t-1-1'), 't-1-1');
  assert.equal(attemptIdFromArg({ attemptId: 't-1-2' }), 't-1-2');
  assert.equal(attemptIdFromArg({ attempt: { id: 't-1-3' } }), 't-1-3');
  assert.equal(attemptIdFromArg(42), undefined);
  assert.deepEqual(
    viewFromSavedState({
      view: { view: 'attempt', attemptId: 'x', filter: 'errors', compareIds: ['a', 1, 'b'], search: 7 },
    }),
    { view: 'attempt', attemptId: 'x', compareIds: ['a', 'b'], filter: 'errors', search: '' },
  );
  assert.equal(viewFromSavedState(undefined).view, 'board');
  assert.equal(viewFromSavedState({ view: { view: 'evil' } }).view, 'board');
});
