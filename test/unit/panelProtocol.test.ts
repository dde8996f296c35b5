// Unit: protocol validation, the request helper (replies, errors, timeouts), cost estimates, formats, markdown.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseWebviewMessage, isOpenableUrl, isHostMessage } from '../../src/shared/protocolGuards';
import { RequestClient, RequestError } from '../../src/shared/rpc';
import type { WebviewRequest } from '../../src/shared/protocol';
import { DEFAULT_PRICE_TABLE, estimateCost, mergePriceTable, priceFor } from '../../src/shared/cost';
import { formatDuration, formatUsd, unwrapShell } from '../../src/shared/panelFormat';
import { parseMarkdown, parseInline } from '../../src/shared/markdownLite';
import { downsample, stripGeometry } from '../../src/shared/tokenSeries';

test('webview messages are validated field by field', () => {
  assert.equal(parseWebviewMessage({ type: 'attempt/run/stop', id: 3, params: { attemptId: 't-1-1' } }).ok, true);
  const noId = parseWebviewMessage({ type: 'attempt/run/stop', params: { attemptId: 't-1-1' } });
  assert.equal(noId.ok, false);
  const bad = parseWebviewMessage({
    type: 'attempt/question/answer',
    id: 4,
    params: { attemptId: 'a', pendingId: 'p', decision: 'maybe' },
  });
  assert.deepEqual([bad.ok, !bad.ok && bad.id], [false, 4]);
  assert.equal(
    parseWebviewMessage({ type: 'diff/attempts/open', id: 5, params: { attemptIds: ['a', 'b', 'c'] } }).ok,
    false,
  );
  // A line of one attempt's diff: a repo-relative path and a line ≥ 1, never with two attempts.
  const at = (attemptIds: string[], ref: unknown) =>
    parseWebviewMessage({ type: 'diff/attempts/open', id: 5, params: { attemptIds, at: ref } }).ok;
  assert.equal(at(['a'], { file: 'src/x.ts', line: 3 }), true);
  assert.deepEqual(
    [
      at(['a', 'b'], { file: 'x', line: 3 }),
      at(['a'], { file: '../x', line: 3 }),
      at(['a'], { file: '/etc/passwd', line: 1 }),
      at(['a'], { file: 'x', line: 0 }),
    ],
    [false, false, false, false],
  );
  assert.equal(parseWebviewMessage({ type: 'workbench/command/run', id: 6, params: { command: 'x' } }).ok, false);
  assert.equal(
    parseWebviewMessage({ type: 'journal/subscription/set', params: { attempts: [{ attemptId: 'a', fromSeq: -1 }] } })
      .ok,
    false,
  );
  assert.equal(parseWebviewMessage('{"type":"webview/ready"}').ok, false);
  const view = parseWebviewMessage({
    type: 'view/state/changed',
    params: { view: { view: 'attempt', attemptId: 'a', compareIds: 'x', filter: 'evil', search: 1 } },
  });
  assert.deepEqual(view.ok && view.message.params, {
    view: { view: 'attempt', attemptId: 'a', compareIds: [], filter: 'all', search: '' },
  });
  assert.equal(isHostMessage({ type: 'rpc/reply/sent', inReplyTo: 1, result: null }), true);
  assert.equal(isHostMessage({ type: 'nope', params: {} }), false);
});

test('only http(s) links may be opened', () => {
  for (const ok of ['https://example.com/a?b=1', 'http://localhost:3000/']) assert.equal(isOpenableUrl(ok), true, ok);
  for (const bad of [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'file:///etc/passwd',
    'command:workbench.action.terminal.new',
    'vscode://x',
    'data:text/html,<b>',
    '//evil.com',
    'https://',
  ]) {
    assert.equal(isOpenableUrl(bad), false, bad);
  }
});

test('the request helper matches replies by id, surfaces error replies, and times out', async () => {
  const sent: WebviewRequest[] = [];
  const rpc = new RequestClient((m) => sent.push(m), 30);
  const ok = rpc.request('attempt/run/stop', { attemptId: 'a' });
  const err = rpc.request('attempt/run/retry', { attemptId: 'b' });
  const late = rpc.request('link/url/open', { url: 'https://x.y' });
  assert.deepEqual(
    sent.map((m) => [m.type, m.id]),
    [
      ['attempt/run/stop', 1],
      ['attempt/run/retry', 2],
      ['link/url/open', 3],
    ],
  );
  assert.equal(
    rpc.handleReply({
      type: 'rpc/reply/sent',
      inReplyTo: 2,
      error: { code: 'refused', message: 'finished attempts cannot be retried' },
    }),
    true,
  );
  assert.equal(rpc.handleReply({ type: 'rpc/reply/sent', inReplyTo: 1, result: null }), true);
  assert.equal(await ok, null);
  await assert.rejects(err, (e: unknown) => e instanceof RequestError && e.code === 'refused');
  await assert.rejects(late, (e: unknown) => e instanceof RequestError && e.code === 'timeout');
  assert.equal(
    rpc.handleReply({ type: 'rpc/reply/sent', inReplyTo: 3, result: null }),
    false,
    'a late reply is ignored',
  );
  assert.equal(rpc.inFlight, 0);
});

test('cost: cached input is part of input; model names match by prefix; demo costs nothing', () => {
  const tokens = { input: 1_000_000, cachedInput: 400_000, output: 100_000, reasoningOutput: 50_000, total: 1_100_000 };
  const e = estimateCost(tokens, 'gpt-5.5', DEFAULT_PRICE_TABLE);
  assert.equal(e.usd.toFixed(2), (0.6 * 5 + 0.4 * 0.5 + 0.1 * 30).toFixed(2));
  assert.equal(priceFor('gpt-5.5-codex', DEFAULT_PRICE_TABLE).key, 'gpt-5.5');
  assert.equal(priceFor('gpt-5.4-mini-2026', DEFAULT_PRICE_TABLE).key, 'gpt-5.4-mini');
  assert.equal(priceFor(null, DEFAULT_PRICE_TABLE).key, 'fallback');
  assert.equal(estimateCost(tokens, 'gpt-5.5', DEFAULT_PRICE_TABLE, true).usd, 0);
  const merged = mergePriceTable({
    models: { mine: { input: 1, cachedInput: 0.1, output: 2 }, broken: { input: 'x' } },
    fallback: { input: -1 },
  });
  assert.ok(merged.models.mine && !merged.models.broken);
  assert.deepEqual(merged.fallback, DEFAULT_PRICE_TABLE.fallback);
});

test('formats', () => {
  assert.deepEqual(
    [formatDuration(450), formatDuration(4200), formatDuration(125_000), formatDuration(null)],
    ['450 ms', '4.2 s', '2m 05s', '–'],
  );
  assert.deepEqual([formatUsd(0), formatUsd(0.0042), formatUsd(1.234)], ['$0', '$0.0042', '$1.23']);
  assert.equal(unwrapShell(`/bin/bash -lc "npm test"`), 'npm test');
});

test('markdown subset: blocks, inline code, links kept as data', () => {
  const blocks = parseMarkdown(
    '# Title\n\nSome **bold** and `code` with [a link](https://example.com) and <img src=x onerror=alert(1)>.\n\n- one\n- two\n\n```\n<script>x</script>\n```',
  );
  assert.deepEqual(
    blocks.map((b) => b.t),
    ['h', 'p', 'list', 'code'],
  );
  const p = blocks[1];
  assert.ok(p?.t === 'p');
  assert.deepEqual(
    p.inlines.map((i) => i.t),
    ['text', 'strong', 'text', 'code', 'text', 'link', 'text'],
  );
  assert.ok(
    p.inlines.some((i) => i.t === 'text' && i.text.includes('<img src=x onerror=alert(1)>')),
    'HTML stays text',
  );
  assert.deepEqual(parseInline('[x](javascript:alert(1))')[0], { t: 'link', text: 'x', url: 'javascript:alert(1' });
  assert.equal(blocks[3]?.t === 'code' && blocks[3].text, '<script>x</script>');
});

test('token strip: downsampling keeps the ends; geometry fits the box', () => {
  const pts = Array.from({ length: 10_000 }, (_, i) => ({
    t: i * 1000,
    input: i,
    cachedInput: 0,
    output: i,
    total: 2 * i,
  }));
  const d = downsample(pts, 100);
  assert.equal(d.length, 100);
  assert.equal(d[0], pts[0]);
  assert.equal(d[99], pts[9999]);
  const g = stripGeometry(pts, 300, 40);
  assert.ok(g && g.total.split(' ').length <= 240 && g.maxTotal === 19_998);
});
