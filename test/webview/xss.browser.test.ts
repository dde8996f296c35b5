// Security, in real Chromium behind the host's CSP: untrusted text renders as text, runs nothing, fetches nothing.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { DEFAULT_PRICE_TABLE } from '../../src/shared/cost';
import { DEFAULT_VIEW_STATE, type WebviewToHost } from '../../src/shared/protocol';
import { openPanelPage, ORIGIN, PAGE_URL, type PanelPage } from './panelPage';
import { PAYLOADS, XSS_ATTEMPT, xssSkills, xssSnapshot, xssTrace } from './xssPayloads';

let panel: PanelPage;
const dialogs: string[] = [];

before(async () => {
  assert.ok(existsSync('dist/webview.js'), 'run node scripts/build.mjs first');
  assert.ok(PAYLOADS.length >= 30);
  panel = await openPanelPage({
    protocol: 1,
    snapshot: xssSnapshot(),
    view: DEFAULT_VIEW_STATE,
    prices: DEFAULT_PRICE_TABLE,
  });
  panel.page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await panel.page.waitForSelector('[data-testid="board"]');
});

after(async () => {
  await panel?.close();
});

interface PageFacts {
  xss: unknown;
  text: string;
  /** Elements that should never come from data: scripts beyond ours, images, frames, objects, links, forms, bases. */
  dangerous: string[];
  /** Any attribute named on* anywhere, light or shadow DOM. */
  handlers: string[];
  url: string;
}

async function facts(): Promise<PageFacts> {
  return panel.page.evaluate(() => {
    const g = globalThis as unknown as { __xss?: unknown; document: Document; location: Location };
    const all: Element[] = [];
    const walk = (root: Document | ShadowRoot): void => {
      for (const el of root.querySelectorAll('*')) {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(g.document);
    const scripts = all.filter((e) => e.tagName === 'SCRIPT');
    const dangerous = all
      .filter((e) =>
        ['IMG', 'IFRAME', 'OBJECT', 'EMBED', 'LINK', 'FORM', 'BASE', 'META', 'A', 'VIDEO', 'AUDIO', 'STYLE'].includes(
          e.tagName,
        ),
      )
      .filter((e) => !(e.tagName === 'LINK' && e.getAttribute('href')?.endsWith('/dist/webview.css')))
      .filter((e) => !(e.tagName === 'META' && e.closest('head')))
      .filter((e) => !(e.tagName === 'STYLE' && e.getRootNode() !== g.document))
      .map((e) => e.outerHTML.slice(0, 120));
    if (scripts.length !== 2) dangerous.push(`${scripts.length} script elements`);
    const handlers = all.flatMap((e) =>
      [...e.attributes].filter((a) => a.name.toLowerCase().startsWith('on')).map((a) => `${e.tagName} ${a.name}`),
    );
    return { xss: g.__xss, text: g.document.body.innerText, dangerous, handlers, url: g.location.href };
  });
}

async function assertClean(where: string): Promise<void> {
  const f = await facts();
  assert.equal(f.xss, undefined, `${where}: a payload ran`);
  assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
  assert.deepEqual(f.dangerous, [], `${where}: markup from data reached the DOM`);
  assert.deepEqual(f.handlers, [], `${where}: event handler attributes in the DOM`);
  assert.equal(f.url, PAGE_URL, `${where}: the page navigated`);
  assert.deepEqual(await panel.cspViolations(), [], `${where}: CSP blocked something (so something tried)`);
  // The codicon font ships beside the bundle (font-src = the bundle's origin): the trace's glyphs.
  const unexpected = panel.requests.filter(
    (u) =>
      ![PAGE_URL, `${ORIGIN}/dist/webview.js`, `${ORIGIN}/dist/webview.css`].includes(u) &&
      !u.startsWith(`${ORIGIN}/dist/codicon.ttf?`),
  );
  assert.deepEqual(unexpected, [], `${where}: network requests beyond the page itself`);
}

test('the board draws payloads from the embedded state and a pushed snapshot as text', async () => {
  const f = await facts();
  for (const payload of [PAYLOADS[0], PAYLOADS[1], PAYLOADS[2]])
    assert.ok(f.text.includes(payload as string), `shows ${payload} as text`);
  await panel.send({ type: 'state/snapshot/changed', params: { snapshot: xssSnapshot() } });
  await panel.page.waitForTimeout(100);
  await assertClean('board');
});

test('the attempt view draws payloads in the trace, summary, final message and raw record as text', async () => {
  await panel.page.click(`[data-testid="card-${XSS_ATTEMPT}"] button.card-title`);
  await panel.page.waitForSelector('[data-testid="attempt-view"]');
  const records = xssTrace();
  await panel.send({
    type: 'journal/chunk/appended',
    params: { attemptId: XSS_ATTEMPT, fromSeq: 0, nextSeq: records.length, records },
  });
  await panel.page.waitForSelector('[data-testid="final-message"]');
  const text = (await facts()).text;
  assert.ok(text.includes(PAYLOADS[1] as string), 'script payload shown literally');
  // Links become buttons only for http(s) URLs (a click asks the host); javascript: and data: links stay text.
  const links = await panel.page.$$eval('[data-testid="final-message"] button.link', (bs) =>
    bs.map((b) => ({ text: b.textContent, url: b.getAttribute('title') ?? '' })),
  );
  assert.ok(links.some((l) => l.text === 'ok link'));
  assert.ok(
    links.every((l) => /^https?:\/\//.test(l.url)),
    JSON.stringify(links),
  );
  assert.ok(!links.some((l) => ['click me', 'data link', 'list link'].includes(l.text ?? '')));
  await panel.page.click('[data-testid="final-message"] button.link:has-text("ok link")');
  await panel.page.click('[data-testid="jump-first-error"]');
  await panel.page.waitForSelector('[data-testid="item-detail"]');
  await panel.page.click('[data-testid="load-raw"]');
  await panel.page.waitForTimeout(50);
  const get = (await panel.posted())
    .filter((m): m is Extract<WebviewToHost, { type: 'journal/record/get' }> => m.type === 'journal/record/get')
    .at(-1);
  assert.ok(get);
  await panel.send({
    type: 'rpc/reply/sent',
    inReplyTo: get.id,
    result: { records: [{ seq: 1, at: 'x', kind: 'raw', dir: 'in', msg: { payloads: PAYLOADS } }] },
  });
  await panel.page.waitForSelector('[data-testid="raw-record"]');
  // Visit every row kind so each one's renderer sees its payloads.
  for (const row of await panel.page.$$('.trace-row')) await row.click();
  await assertClean('attempt');
  const open = (await panel.posted()).filter((m) => m.type === 'link/url/open');
  assert.deepEqual(
    open.map((m) => m.params),
    [{ url: 'https://evil.test/landing' }],
    'the link went to the host to check, not to the network',
  );
});

test('the compare view and the needs-you block draw payloads as text', async () => {
  await panel.send({ type: 'view/attempt/show', params: { attemptId: `${XSS_ATTEMPT.slice(0, -2)}-1` } });
  await panel.page.waitForSelector('[data-testid^="needs-you-"]');
  await panel.page.click('[data-testid="tab-board"]');
  await panel.page.click('[data-testid^="compare-"]');
  await panel.page.waitForSelector('[data-testid="compare-view"]');
  await assertClean('compare');
});

test('the land panel (PR facts, steps, conflict files) and the follow-up list draw payloads as text', async () => {
  await panel.page.click('[data-testid="tab-board"]');
  await panel.page.waitForSelector('[data-testid^="landing-t-"]');
  const board = (await facts()).text;
  for (const i of [8, 9, 10, 12, 13, 16, 17])
    assert.ok(board.includes(PAYLOADS[i] as string), `land panel shows payload ${i} as text`);
  assert.equal(
    await panel.page.$('[data-testid="landing-pr-link"]'),
    null,
    'a PR "url" that is not http(s) is no link',
  );
  await assertClean('land panel');
  await panel.send({ type: 'view/attempt/show', params: { attemptId: XSS_ATTEMPT } });
  await panel.page.waitForSelector(`[data-testid="follow-ups-${XSS_ATTEMPT}"]`);
  const attempt = (await facts()).text;
  assert.ok(attempt.includes(PAYLOADS[23] as string), 'follow-up message shown as text');
  await assertClean('follow-ups');
});

test('the skills view draws skill descriptions, outcomes, proposals and evidence as text', async () => {
  await panel.page.click('[data-testid="tab-skills"]');
  await panel.page.waitForFunction(() =>
    (globalThis as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'skills/overview/get'),
  );
  const get = (await panel.posted())
    .filter((m): m is Extract<WebviewToHost, { type: 'skills/overview/get' }> => m.type === 'skills/overview/get')
    .at(-1);
  assert.ok(get);
  await panel.send({ type: 'rpc/reply/sent', inReplyTo: get.id, result: { overview: xssSkills() } });
  await panel.page.waitForSelector('[data-testid="skills-view"]');
  for (const toggle of await panel.page.$$('[data-testid^="skill-toggle-"]')) await toggle.click();
  const text = (await facts()).text;
  for (const payload of [PAYLOADS[3], PAYLOADS[4], PAYLOADS[5], PAYLOADS[25], PAYLOADS[29]])
    assert.ok(text.includes(payload as string), `shows ${payload} as text`);
  // Clicking a source only asks the host (which looks the evidence up itself); nothing opens here.
  await panel.page.click('[data-testid^="evidence-ref-"]');
  await assertClean('skills');
  const asked = (await panel.posted()).filter((m) => m.type === 'skills/evidence/open');
  assert.equal(asked.length, 1);
});
