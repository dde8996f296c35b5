// Unit: the control panel host against a fake vscode: one panel, handshake, streaming, commands, restore, close.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '../../src/shared/model';
import type { JournalRecord } from '../../src/shared/events';
import { fake, installFakeVscode, FakePanel, FakeUri } from '../webview/fakeVscode';
import { snapshotFixture } from '../webview/snapshotFixture';
import { syntheticJournal } from '../webview/syntheticJournal';
import { flush } from '../support/fakeClock';
import { waitUntil } from '../support/waitUntil';

type Register = typeof import('../../src/extension/panel/controlPanel').registerControlPanel;
let registerControlPanel: Register;

before(async () => {
  installFakeVscode();
  ({ registerControlPanel } = await import('../../src/extension/panel/controlPanel'));
});

const T1 = 't-aaaaaaaaaaaa';

function setup(journal: JournalRecord[] = []) {
  let snapshot: Snapshot = snapshotFixture();
  const listeners: ((s: Snapshot) => void)[] = [];
  const calls: string[] = [];
  const memento = new Map<string, unknown>();
  const context = {
    extensionUri: FakeUri.file('/ext'),
    subscriptions: [],
    workspaceState: {
      get: (k: string) => memento.get(k),
      update: async (k: string, v: unknown) => void memento.set(k, v),
    },
  };
  const panel = registerControlPanel(context as never, {
    getSnapshot: () => snapshot,
    onSnapshot: (l) => (listeners.push(l), { dispose: () => undefined }),
    api: {
      journal: async (_id, from = 0) => journal.filter((r) => r.seq >= from),
      stop: async (id) => void calls.push(`stop ${id}`),
      retry: async (id) => void calls.push(`retry ${id}`),
      answer: async (id, d) => void calls.push(`answer ${id} ${d}`),
    },
    openDiff: async (ids) => void calls.push(`diff ${ids.join(' ')}`),
    resolveWithAgent: (id) => void calls.push(`resolve ${id}`),
    log: () => undefined,
  });
  return {
    panel,
    calls,
    setSnapshot: (s: Snapshot) => {
      snapshot = s;
      for (const l of listeners) l(s);
    },
  };
}

const last = (p: FakePanel, type: string) => p.webview.posted.filter((m) => m.type === type).at(-1);

test('one panel, revealed on reuse; locked-down HTML; the handshake sends a fresh snapshot', async () => {
  const { panel } = setup();
  fake.commands.get('quartet.openControlPanel')?.();
  fake.commands.get('quartet.openControlPanel')?.();
  const opened = fake.panels.filter((p) => !p.disposed);
  assert.equal(opened.length, 1);
  const p = opened[0] as FakePanel;
  assert.deepEqual([p.viewType, p.title, p.reveals], ['quartet.controlPanel', 'Quartet', 1]);
  assert.deepEqual((p.webview.options as { localResourceRoots: FakeUri[] }).localResourceRoots.map(String), [
    'file:/ext/dist',
    'file:/ext/media',
  ]);
  assert.match(p.webview.html, /script-src 'nonce-[A-Za-z0-9+/=]{20,}'/);
  assert.match(p.webview.html, /src="https:\/\/fake\.vscode-cdn\.net\/ext\/dist\/webview\.js"/);
  p.webview.fromWebview({ type: 'webview/ready', params: { protocol: 1 } });
  assert.ok(last(p, 'state/snapshot/changed'));
  // Closing and reopening lands where the panel was (the webview reports its view as it changes).
  p.webview.fromWebview({
    type: 'view/state/changed',
    params: {
      view: { view: 'compare', attemptId: null, compareIds: [`${T1}-1`, `${T1}-3`], filter: 'all', search: '' },
    },
  });
  p.dispose();
  fake.commands.get('quartet.openControlPanel')?.();
  const reopened = fake.panels.at(-1) as FakePanel;
  assert.notEqual(reopened, p);
  assert.match(
    reopened.webview.html,
    /"view":"compare","attemptId":null,"compareIds":\["t-aaaaaaaaaaaa-1","t-aaaaaaaaaaaa-3"\]/,
  );
  panel.dispose();
  assert.ok(reopened.disposed);
});

test('subscriptions stream chunks; requests are answered; closing stops nothing', async (t) => {
  const journal = syntheticJournal({ events: 300, raw: true });
  const { panel, calls, setSnapshot } = setup(journal);
  panel.open(`${T1}-3`);
  const p = fake.panels.at(-1) as FakePanel;
  assert.match(p.webview.html, /"view":"attempt","attemptId":"t-aaaaaaaaaaaa-3"/);
  p.webview.fromWebview({ type: 'webview/ready', params: { protocol: 1 } });
  p.webview.fromWebview({
    type: 'journal/subscription/set',
    params: {
      attempts: [
        { attemptId: `${T1}-3`, fromSeq: 0 },
        { attemptId: 't-unknown-1', fromSeq: 0 },
      ],
    },
  });
  const end = (journal.at(-1) as JournalRecord).seq + 1;
  await waitUntil(() =>
    p.webview.posted.some(
      (m) => m.type === 'journal/chunk/appended' && (m.params as { nextSeq: number }).nextSeq === end,
    ),
  );
  const chunks = p.webview.posted
    .filter((m) => m.type === 'journal/chunk/appended')
    .map((m) => m.params as { attemptId: string; nextSeq: number });
  assert.ok(chunks.length >= 1 && chunks.every((c) => c.attemptId === `${T1}-3`), 'only known attempts are streamed');
  assert.equal(chunks.at(-1)?.nextSeq, (journal.at(-1) as JournalRecord).seq + 1);
  p.webview.fromWebview({ type: 'attempt/run/retry', id: 1, params: { attemptId: `${T1}-3` } });
  p.webview.fromWebview({ type: 'attempt/run/stop', id: 2, params: { attemptId: `${T1}-4` } });
  p.webview.fromWebview({ type: 'link/url/open', id: 3, params: { url: 'https://example.com/a b' } });
  p.webview.fromWebview({ type: 'workbench/action/run', id: 4, params: {} });
  await waitUntil(() => p.webview.posted.filter((m) => m.type === 'rpc/reply/sent').length >= 4);
  const replies = p.webview.posted.filter((m) => m.type === 'rpc/reply/sent');
  assert.deepEqual(replies.map((r) => [r.inReplyTo, (r.error as { code?: string } | undefined)?.code ?? 'ok']).sort(), [
    [1, 'ok'],
    [2, 'refused'],
    [3, 'ok'],
    [4, 'invalid'],
  ]);
  assert.deepEqual(fake.opened.at(-1), 'https://example.com/a%20b');
  // Snapshots are debounced and pushed while visible; a controlled clock runs the debounce, not a guessed sleep.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const before = p.webview.posted.length;
  const pushes = (): number => p.webview.posted.slice(before).filter((m) => m.type === 'state/snapshot/changed').length;
  setSnapshot({ ...snapshotFixture(), generatedAt: 'later' });
  setSnapshot({ ...snapshotFixture(), generatedAt: 'latest' });
  assert.equal(pushes(), 0, 'debounced: nothing pushed at once');
  t.mock.timers.tick(10_000);
  assert.equal(pushes(), 1, 'two snapshots within the debounce window are one push');
  t.mock.timers.reset();
  p.dispose();
  assert.deepEqual(calls, [`retry ${T1}-3`], 'closing the panel stopped nothing');
  panel.dispose();
});

test('the tree can show an attempt; the serializer restores the saved view', async (t) => {
  const { panel } = setup(syntheticJournal({ events: 20 }));
  const restored = fake.panels.length;
  const revived = new FakePanel('quartet.controlPanel', 'Quartet');
  await fake.serializers.get('quartet.controlPanel')?.deserializeWebviewPanel(revived, {
    view: { view: 'compare', compareIds: [`${T1}-1`, `${T1}-2`], filter: 'errors', search: 'x', attemptId: null },
  });
  assert.match(revived.webview.html, /"view":"compare"/);
  assert.equal(fake.panels.length, restored, 'no second panel created');
  panel.showAttempt(`${T1}-2`);
  revived.webview.fromWebview({ type: 'webview/ready', params: { protocol: 1 } });
  assert.deepEqual(last(revived, 'view/attempt/show')?.params, { attemptId: `${T1}-2` });
  // Hidden: nothing is pushed (the webview is torn down); it asks again when shown.
  revived.webview.fromWebview({
    type: 'journal/subscription/set',
    params: { attempts: [{ attemptId: `${T1}-1`, fromSeq: 0 }] },
  });
  await waitUntil(() => revived.webview.posted.some((m) => m.type === 'journal/chunk/appended'));
  t.mock.timers.enable({ apis: ['setTimeout'] });
  revived.setVisible(false);
  const n = revived.webview.posted.length;
  revived.webview.fromWebview({ type: 'journal/resync/request', params: { attemptId: `${T1}-1`, fromSeq: 0 } });
  // Whatever the resync could schedule (a pump poll, its fetch) has run before the assertion.
  t.mock.timers.tick(10_000);
  await flush();
  assert.equal(revived.webview.posted.length, n);
  t.mock.timers.reset();
  panel.dispose();
});
