// Webview: a finished attempt's trace and summary tell the truth — no ANSI codes, codicons only, one file count, no "so far".

import { afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { act } from 'react';
import { installDom } from './jsdomEnv';
import { FakeHost, settle } from './fakeHost';
import { snapshotFixture } from './snapshotFixture';
import type { WireEvent, WireRecord } from '../../src/shared/protocol';
import { DEFAULT_VIEW_STATE, INITIAL_STATE_ELEMENT_ID } from '../../src/shared/protocol';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';

let mount: typeof import('../../src/webview/mountPanel').mount;
before(async () => {
  installDom();
  ({ mount } = await import('../../src/webview/mountPanel'));
});
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

const T1 = 't-aaaaaaaaaaaa';

async function openOn(attemptId: string): Promise<{ host: FakeHost; root: HTMLElement }> {
  document.getElementById(INITIAL_STATE_ELEMENT_ID)?.remove();
  const script = document.createElement('script');
  script.type = 'application/json';
  script.id = INITIAL_STATE_ELEMENT_ID;
  script.textContent = JSON.stringify({
    protocol: 1,
    snapshot: snapshotFixture(),
    view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId },
    prices: DEFAULT_PRICE_TABLE,
  });
  document.head.append(script);
  const root = document.createElement('div');
  document.body.append(root);
  const host = new FakeHost();
  let unmount = (): void => undefined;
  await act(async () => {
    unmount = mount(root, document, host);
  });
  await settle();
  closers.push(async () => {
    await act(async () => unmount());
    root.remove();
  });
  return { host, root };
}

let seq = 0;
const rec = (event: WireEvent): WireRecord => ({
  seq: seq++,
  at: new Date(Date.parse('2026-11-21T10:00:00Z') + seq * 1000).toISOString(),
  event,
});

test('finished attempt: ANSI stripped from stderr and output, a codicon on every row, git’s file count, "No failures."', async () => {
  seq = 0;
  const records = [
    rec({ type: 'turn_started', turnId: 'u1' }),
    rec({ type: 'stderr', text: '\u001b[2m2026-11-21T10:00:01Z\u001b[0m \u001b[33mWARN\u001b[0m codex_core: slow' }),
    rec({
      type: 'command',
      itemId: 'c1',
      command: 'printf x > notes/a.md',
      exitCode: 0,
      durationMs: 5,
      status: 'completed',
      outputTail: '\u001b[32mok\u001b[39m\n',
    }),
    rec({ type: 'turn_completed', turnId: 'u1', status: 'completed', error: null }),
    rec({ type: 'committed', commit: 'def4567890', files: 2, message: 'Add a note' }),
    rec({ type: 'process_exit', code: 0, signal: null }),
    rec({ type: 'phase', phase: 'finished', reason: null, message: 'result def456 (2 files)' }),
  ];
  const p = await openOn(`${T1}-4`);
  await p.host.send({
    type: 'journal/chunk/appended',
    params: { attemptId: `${T1}-4`, fromSeq: 0, nextSeq: records.length, records },
  });
  await settle();
  const text = p.root.textContent ?? '';
  assert.ok(text.includes('WARN codex_core: slow'), `the stderr line is in the trace: ${text.slice(0, 400)}`);
  assert.ok(!text.includes('\u001b') && !/\[\d+m/.test(text), 'no escape codes anywhere');
  const glyphs = [...p.root.querySelectorAll('.trace-row .glyph')];
  assert.ok(glyphs.length >= 5, `rows rendered: ${glyphs.length}`);
  for (const g of glyphs) {
    assert.match(g.className, /\bcodicon codicon-[a-z-]+\b/, 'every kind has a codicon');
    assert.equal(g.textContent, '', 'no text glyph that a font may lack');
  }
  // The journal saw no turn diff (a shell-written file); git counted 2 files: the summary says 2, like the commit line.
  assert.match(p.root.querySelector('[data-testid="file-total"]')?.textContent ?? '', /^2 files \+14 −3$/);
  const summary = p.root.querySelector('[data-testid="log-summary"]')?.textContent ?? '';
  assert.ok(summary.includes('No failures.') && !summary.includes('so far'), summary);
});

test('a running attempt still says "No failures so far."', async () => {
  const p = await openOn(`${T1}-1`);
  await p.host.send({
    type: 'journal/chunk/appended',
    params: {
      attemptId: `${T1}-1`,
      fromSeq: 0,
      nextSeq: 1,
      records: [{ seq: 0, at: '2026-11-21T10:00:00Z', event: { type: 'turn_started', turnId: 'u1' } }],
    },
  });
  await settle();
  assert.ok((p.root.querySelector('[data-testid="log-summary"]')?.textContent ?? '').includes('No failures so far.'));
});

test('the board card says why the ★ is there, in words', async () => {
  const p = await openOn(`${T1}-4`);
  await act(async () => (p.root.querySelector('[data-testid="tab-board"]') as HTMLElement | null)?.click());
  await settle();
  assert.equal(p.root.querySelector(`[data-testid="why-${T1}-4"]`)?.textContent, 'checks pass · smallest diff');
});
