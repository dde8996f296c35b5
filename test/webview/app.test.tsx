// Webview component tests in jsdom: board cards, needs-you answers, log summary, filters, search, virtualization.

import { afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { installDom } from './jsdomEnv';
import { FakeHost, settle } from './fakeHost';
import { APPROVAL, APPROVAL_COMMAND, snapshotFixture } from './snapshotFixture';
import { syntheticJournal } from './syntheticJournal';
import type { PanelInitialState, WireEvent, WireRecord } from '../../src/shared/protocol';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';

import { act } from 'react';
import { DEFAULT_VIEW_STATE, INITIAL_STATE_ELEMENT_ID } from '../../src/shared/protocol';
import { toWire } from '../../src/shared/wire';

// react-dom and the custom elements read the DOM globals when they load, so they load after installDom.
let mount: typeof import('../../src/webview/mountPanel').mount;
before(async () => {
  installDom();
  ({ mount } = await import('../../src/webview/mountPanel'));
});
// A failed assertion must not leave a mounted panel (and its clock interval) keeping the process alive.
const mounted: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of mounted.splice(0)) await close();
});

const T1 = 't-aaaaaaaaaaaa';

async function open(
  initial: Partial<PanelInitialState> = {},
  host = new FakeHost(),
): Promise<{ host: FakeHost; root: HTMLElement; close(): Promise<void> }> {
  document.getElementById(INITIAL_STATE_ELEMENT_ID)?.remove();
  const script = document.createElement('script');
  script.type = 'application/json';
  script.id = INITIAL_STATE_ELEMENT_ID;
  script.textContent = JSON.stringify({
    protocol: 1,
    snapshot: snapshotFixture(),
    view: DEFAULT_VIEW_STATE,
    prices: DEFAULT_PRICE_TABLE,
    ...initial,
  });
  document.head.append(script);
  const root = document.createElement('div');
  document.body.append(root);
  let unmount = (): void => undefined;
  await act(async () => {
    unmount = mount(root, document, host);
  });
  await settle();
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await act(async () => unmount());
    root.remove();
  };
  mounted.push(close);
  return { host, root, close };
}

const q = (root: HTMLElement, testId: string): HTMLElement | null => root.querySelector(`[data-testid="${testId}"]`);
async function click(el: Element | null): Promise<void> {
  assert.ok(el, 'element to click exists');
  await act(async () => (el as HTMLElement).click());
  await settle();
}
/** Clicks where a person would: the label inside the checkbox's shadow root. */
async function check(el: Element | null): Promise<void> {
  await click(el?.shadowRoot?.querySelector('label') ?? null);
}
/** Types the way a person would: into the input inside the text field's shadow root. */
async function type(el: Element | null, value: string): Promise<void> {
  const input = el?.shadowRoot?.querySelector('input');
  assert.ok(input, 'text field input exists');
  await act(async () => {
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  });
  await settle(200); // the trace search is debounced
}

let seq = 0;
const rec = (event: WireEvent): WireRecord => ({
  seq: seq++,
  at: new Date(Date.parse('2026-11-21T10:00:00Z') + seq * 1000).toISOString(),
  event,
});
function failingTrace(): WireRecord[] {
  seq = 0;
  return [
    rec({ type: 'turn_started', turnId: 'u1' }),
    rec({
      type: 'command',
      itemId: 'c0',
      command: 'ls',
      exitCode: 0,
      durationMs: 5,
      status: 'completed',
      outputTail: 'a\nb\n',
    }),
    rec({
      type: 'command',
      itemId: 'c1',
      command: '/bin/bash -lc "npm run build"',
      exitCode: 2,
      durationMs: 800,
      status: 'failed',
      outputTail: 'building…\nsrc/a.ts(3,1): error TS2304: Cannot find name x.\n',
    }),
    rec({
      type: 'command',
      itemId: 'c2',
      command: '/bin/bash -lc "npm test"',
      exitCode: 1,
      durationMs: 900,
      status: 'failed',
      outputTail: 'not ok 1 - greets\n  AssertionError: expected Bonjour\n',
    }),
    rec({
      type: 'agent_message',
      itemId: 'm1',
      text: 'Done. See [the docs](https://example.com/docs) and [this](javascript:alert(1)).',
    }),
    rec({ type: 'turn_completed', turnId: 'u1', status: 'completed', error: null }),
  ];
}

test('the board shows every attempt as a card, with needs-you blocks first', async () => {
  const p = await open();
  assert.equal(p.root.querySelectorAll('article.card').length, 5);
  assert.equal(p.root.querySelectorAll('[data-testid^="needs-you-"]').length, 2);
  const tasks = [...p.root.querySelectorAll('section.task h2')].map((h) => h.textContent);
  assert.deepEqual(tasks, ['Add a French greeting', 'Pick a default greeting']);
  assert.match(q(p.root, `card-${T1}-1`)?.textContent ?? '', /12k in \(8k cached\).*900 out.*≈ \$0\.05 est\./);
  assert.match(q(p.root, `checks-${T1}-3`)?.textContent ?? '', /npm test failed \(4\.2 s\).*AssertionError/s);
  assert.match(q(p.root, `card-${T1}-4`)?.textContent ?? '', /2 files changed \+14 −3.*recommended.*npm test passed/s);
  assert.equal(p.host.of('webview/ready').length, 1, 'ready handshake');
  await p.close();
});

test('needs-you buttons post the right answer, with text, and the reply settles them', async () => {
  const p = await open();
  await click(q(p.root, `accept-${T1}-2`));
  const accept = p.host.last('attempt/question/answer');
  assert.deepEqual(accept?.params, { attemptId: `${T1}-2`, pendingId: 'pend-1', decision: 'accept' });
  await p.host.reply(accept!.id, null);
  await type(q(p.root, `answer-text-${T1}-2`), 'use a temp dir instead');
  await click(q(p.root, `decline-${T1}-2`));
  assert.deepEqual(p.host.last('attempt/question/answer')?.params, {
    attemptId: `${T1}-2`,
    pendingId: 'pend-1',
    decision: 'decline',
    text: 'use a temp dir instead',
  });
  // A question needs text before "Send answer" does anything; an option fills it in.
  const q2 = 't-bbbbbbbbbbbb-1';
  await click(q(p.root, `accept-${q2}`));
  assert.equal(p.host.of('attempt/question/answer').length, 2);
  const option = [...(q(p.root, `needs-you-${q2}`)?.querySelectorAll('vscode-button') ?? [])].find(
    (b) => b.textContent === 'Bonjour',
  );
  await click(option ?? null);
  await click(q(p.root, `accept-${q2}`));
  assert.deepEqual(p.host.last('attempt/question/answer')?.params, {
    attemptId: q2,
    pendingId: 'pend-2',
    decision: 'accept',
    text: 'Bonjour',
  });
  await p.close();
});

test('an approval shows the whole command, the reason and the cwd; "Accept for this attempt" sends acceptForSession', async () => {
  const p = await open();
  assert.equal(q(p.root, 'pending-command')?.textContent, APPROVAL_COMMAND, 'never clipped');
  assert.equal(q(p.root, 'pending-reason')?.textContent, APPROVAL.reason);
  assert.equal(q(p.root, 'pending-cwd')?.textContent, APPROVAL.cwd);
  assert.equal(q(p.root, `accept-${T1}-2`)?.textContent, 'Accept once');
  await click(q(p.root, `accept-attempt-${T1}-2`));
  assert.deepEqual(p.host.last('attempt/question/answer')?.params, {
    attemptId: `${T1}-2`,
    pendingId: 'pend-1',
    decision: 'acceptForSession',
  });
  assert.equal(q(p.root, `accept-attempt-t-bbbbbbbbbbbb-1`), null, 'a question has no "for this attempt"');
  await p.close();
});

test('a refused request shows its reason in the notice bar', async () => {
  const p = await open();
  await click(q(p.root, `stop-${T1}-1`));
  const stop = p.host.last('attempt/run/stop');
  assert.deepEqual(stop?.params, { attemptId: `${T1}-1` });
  await p.host.send({
    type: 'rpc/reply/sent',
    inReplyTo: stop!.id,
    error: { code: 'refused', message: 'Attempt #1 is finished; there is nothing to stop.' },
  });
  assert.match(q(p.root, 'notice')?.textContent ?? '', /nothing to stop/);
  await p.close();
});

test('the attempt view subscribes, and the log summary shows the first failing command first', async () => {
  const p = await open();
  await click(p.root.querySelector(`[data-testid="card-${T1}-3"] button.card-title`));
  assert.deepEqual(p.host.last('journal/subscription/set')?.params, {
    attempts: [{ attemptId: `${T1}-3`, fromSeq: 0 }],
  });
  const records = failingTrace();
  await p.host.send({
    type: 'journal/chunk/appended',
    params: { attemptId: `${T1}-3`, fromSeq: 0, nextSeq: records.length, records },
  });
  const failures = [...p.root.querySelectorAll('[data-testid="failure"]')].map((li) => li.textContent ?? '');
  assert.equal(failures.length, 2);
  assert.match(failures[0]!, /npm run build \(exit 2\).*error TS2304/s);
  assert.match(failures[1]!, /npm test \(exit 1\).*AssertionError/s);
  // Links in agent text: http(s) become buttons that ask the host; javascript: stays text.
  const links = [...(q(p.root, 'final-message')?.querySelectorAll('button.link') ?? [])];
  assert.deepEqual(
    links.map((b) => b.textContent),
    ['the docs'],
  );
  assert.match(q(p.root, 'final-message')?.textContent ?? '', /this \(javascript:alert\(1\)/);
  await click(links[0] ?? null);
  assert.deepEqual(p.host.last('link/url/open')?.params, { url: 'https://example.com/docs' });
  assert.deepEqual(
    p.host.state,
    { view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${T1}-3` } },
    'view saved with setState',
  );
  await p.close();
});

test('filters, search, jump to first error and the raw record', async () => {
  const p = await open({ view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${T1}-3` } });
  const records = failingTrace();
  await p.host.send({
    type: 'journal/chunk/appended',
    params: { attemptId: `${T1}-3`, fromSeq: 0, nextSeq: records.length, records },
  });
  const count = (): string => q(p.root, 'trace-count')?.textContent ?? '';
  // The turn's completion updates its header in place, so six records make five items.
  assert.equal(count(), '5 items');
  await check(q(p.root, 'filter-commands'));
  assert.equal(count(), '3 of 5 items');
  await check(q(p.root, 'filter-errors'));
  assert.equal(count(), '2 of 5 items');
  await check(q(p.root, 'filter-errors'));
  await type(q(p.root, 'trace-search'), 'assertionerror');
  assert.equal(count(), '1 of 5 items');
  await type(q(p.root, 'trace-search'), '');
  await click(q(p.root, 'jump-first-error'));
  assert.match(q(p.root, 'item-detail')?.textContent ?? '', /npm run build/);
  await click(q(p.root, 'load-raw'));
  const get = p.host.last('journal/record/get');
  assert.deepEqual(get?.params, { attemptId: `${T1}-3`, seq: 2 });
  await p.host.reply(get!.id, {
    records: [
      {
        seq: 1,
        at: 'x',
        kind: 'raw',
        dir: 'in',
        msg: {
          method: 'item/completed',
          params: { item: { aggregatedOutput: '<img src=x onerror=alert(1)> full output' } },
        },
      },
    ],
  });
  assert.match(q(p.root, 'raw-record')?.textContent ?? '', /<img src=x onerror=alert\(1\)> full output/);
  assert.equal(p.root.querySelector('img'), null);
  await p.close();
});

test('a gap in the chunks asks the host to resync from the last sequence number it has', async () => {
  const p = await open({ view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${T1}-1` } });
  const records = failingTrace();
  await p.host.send({
    type: 'journal/chunk/appended',
    params: { attemptId: `${T1}-1`, fromSeq: 0, nextSeq: 3, records: records.slice(0, 3) },
  });
  await p.host.send({
    type: 'journal/chunk/appended',
    params: { attemptId: `${T1}-1`, fromSeq: 5, nextSeq: 6, records: records.slice(5) },
  });
  assert.deepEqual(
    p.host.of('journal/resync/request').map((m) => m.params),
    [{ attemptId: `${T1}-1`, fromSeq: 3 }],
  );
  await p.host.send({
    type: 'journal/chunk/appended',
    params: { attemptId: `${T1}-1`, fromSeq: 3, nextSeq: 6, records: records.slice(3) },
  });
  assert.equal(q(p.root, 'trace-count')?.textContent, '5 items');
  await p.close();
});

test('reopening restores the saved view; the host can show an attempt', async () => {
  const host = new FakeHost();
  host.state = { view: { ...DEFAULT_VIEW_STATE, view: 'compare', compareIds: [`${T1}-1`, `${T1}-4`] } };
  const p = await open({}, host);
  assert.ok(q(p.root, 'compare-view'));
  assert.equal(p.root.querySelectorAll('.compare-col').length, 2);
  await check(q(p.root, `pick-${T1}-1`));
  await check(q(p.root, `pick-${T1}-4`));
  await click(q(p.root, 'open-diff-two'));
  assert.deepEqual(host.last('diff/attempts/open')?.params, { attemptIds: [`${T1}-1`, `${T1}-4`] });
  await host.send({ type: 'view/attempt/show', params: { attemptId: `${T1}-2` } });
  assert.ok(q(p.root, 'attempt-view'));
  await p.close();
});

test('a 100,000-event journal renders a bounded number of rows', async () => {
  const p = await open({ view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${T1}-1` } });
  const wire = syntheticJournal({ events: 100_000 })
    .map(toWire)
    .filter((r): r is WireRecord => r !== null);
  for (let i = 0; i < wire.length; i += 5000) {
    const part = wire.slice(i, i + 5000);
    await act(async () => {
      window.dispatchEvent(
        new MessageEvent('message', {
          data: {
            type: 'journal/chunk/appended',
            params: {
              attemptId: `${T1}-1`,
              fromSeq: i === 0 ? 0 : (wire[i - 1] as WireRecord).seq + 1,
              nextSeq: (part.at(-1) as WireRecord).seq + 1,
              records: part,
            },
          },
        }),
      );
    });
  }
  await settle(100);
  const total = Number(/^(\d+) items$/.exec(q(p.root, 'trace-count')?.textContent ?? '')?.[1]);
  assert.ok(total > 30_000, `trace has ${total} items`);
  const rows = p.root.querySelectorAll('.vrow').length;
  assert.ok(rows > 0 && rows <= 60, `${rows} rows in the DOM`);
  await p.close();
});

test('a long journal arriving in a burst: its first chunk draws rows at once, the later ones bring every item', async () => {
  const p = await open({ view: { ...DEFAULT_VIEW_STATE, view: 'attempt', attemptId: `${T1}-1` } });
  const wire = syntheticJournal({ events: 20_000 })
    .map(toWire)
    .filter((r): r is WireRecord => r !== null);
  const chunk = (i: number): MessageEvent => {
    const part = wire.slice(i, i + 2000);
    return new MessageEvent('message', {
      data: {
        type: 'journal/chunk/appended',
        params: {
          attemptId: `${T1}-1`,
          fromSeq: i === 0 ? 0 : (wire[i - 1] as WireRecord).seq + 1,
          nextSeq: (part.at(-1) as WireRecord).seq + 1,
          records: part,
        },
      },
    });
  };
  const count = (): number => Number(/^(\d+) items$/.exec(q(p.root, 'trace-count')?.textContent ?? '')?.[1] ?? 0);
  // No timer runs here (as in a browser busy with queued messages): the first chunk must draw by itself.
  await act(async () => void window.dispatchEvent(chunk(0)));
  assert.ok(p.root.querySelectorAll('.vrow').length > 0, 'rows after the first chunk alone');
  const first = count();
  assert.ok(first > 0, `${first} items shown from the first chunk`);
  for (let i = 2000; i < wire.length; i += 2000) await act(async () => void window.dispatchEvent(chunk(i)));
  await settle(100);
  assert.ok(count() > first, `all ${count()} items once the burst is in`);
  await p.close();
});

test('Compare shows the verdict: confidence, one line per attempt, and the cross-test matrix with the failing tests', async () => {
  const snap = snapshotFixture();
  const task = snap.tasks.find((t) => t.id === T1)!;
  task.verdict = {
    state: 'done',
    confidence: 'clear',
    recommended: `${T1}-1`,
    headline: 'clear winner: #1 — passes the tests #2 wrote',
    basis: 'b',
    at: 'x',
    entries: [
      {
        attemptId: `${T1}-1`,
        line: '#1: passes the tests #2 wrote; checks pass',
        against: [],
        support: ['passes the tests #2 wrote'],
      },
      {
        attemptId: `${T1}-2`,
        line: "#2: fails #1's tests (trims names in French too)",
        against: ["fails #1's tests (trims names in French too)"],
        support: [],
      },
    ],
    matrix: [
      { tests: `${T1}-1`, code: `${T1}-2`, ok: false, passed: 5, total: 6, failedTests: ['trims names in French too'] },
      { tests: `${T1}-2`, code: `${T1}-1`, ok: true, passed: 7, total: 7, failedTests: [] },
    ],
  };
  const p = await open({
    snapshot: snap,
    view: { ...DEFAULT_VIEW_STATE, view: 'compare', compareIds: [`${T1}-1`, `${T1}-2`] },
  });
  assert.match(
    q(p.root, 'verdict')?.querySelector('h3')?.textContent ?? '',
    /^Verdict: clear winner: #1 — passes the tests #2 wrote$/,
  );
  assert.equal(q(p.root, `verdict-line-${T1}-1`)?.textContent, '★ #1: passes the tests #2 wrote; checks pass');
  assert.equal(q(p.root, `verdict-line-${T1}-2`)?.textContent, "#2: fails #1's tests (trims names in French too)");
  const fail = q(p.root, 'cell-1-2');
  assert.equal(fail?.textContent, '✗ 5/6');
  assert.match(fail?.getAttribute('title') ?? '', /failing: trims names in French too/);
  assert.equal(q(p.root, 'cell-2-1')?.textContent, '✓ 7/7');
  await p.close();
});

test("Compare shows each attempt's review side by side; a citation opens that attempt's diff at the line", async () => {
  const snap = snapshotFixture();
  const task = snap.tasks.find((t) => t.id === T1)!;
  const cite = (line: number, text: string) => ({ file: 'index.js', line, text });
  const review = { commit: 'c', state: 'done' as const, uncited: 0, error: null, tokens: 10, durationMs: 5 };
  task.verdict = {
    state: 'done',
    confidence: 'clear',
    recommended: `${T1}-1`,
    headline: 'clear winner: #1',
    basis: 'b',
    at: 'x',
    entries: [],
    matrix: [],
    reviews: [
      {
        ...review,
        attemptId: `${T1}-1`,
        requirements: [
          { requirement: 'greet takes a language', met: true, cite: cite(4, 'function greet(name, lang) {') },
        ],
        findings: [],
      },
      {
        ...review,
        attemptId: `${T1}-2`,
        uncited: 1,
        requirements: [{ requirement: 'greet takes a language', met: true, cite: null }],
        findings: [
          { severity: 'nit', summary: 'naming', cite: null },
          { severity: 'blocker', summary: 'skips the trimming', cite: cite(3, 'return `Bonjour, ${name}!`;') },
        ],
      },
    ],
  };
  const p = await open({
    snapshot: snap,
    view: { ...DEFAULT_VIEW_STATE, view: 'compare', compareIds: [`${T1}-1`, `${T1}-2`] },
  });
  assert.equal(q(p.root, 'review-1')?.textContent, '#1✓ greet takes a language index.js:4no findings');
  const second = q(p.root, 'review-2');
  // Blockers first, whatever order the reviewer gave; a finding without a line says so; dropped citations are counted.
  assert.deepEqual(
    [...(second?.querySelectorAll('.finding') ?? [])].map((li) => li.textContent),
    ['blocker: skips the trimming index.js:3', 'nit: naming (no line cited)'],
  );
  assert.match(second?.textContent ?? '', /1 citation\(s\) pointed at no line of the diff and were dropped/);
  await click(second?.querySelector('.finding.blocker button.cite') ?? null);
  assert.deepEqual(p.host.last('diff/attempts/open')?.params, {
    attemptIds: [`${T1}-2`],
    at: { file: 'index.js', line: 3 },
  });
  await p.close();
});
