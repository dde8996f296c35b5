// Unit: JSONL framing — split chunks, CRLF, bad lines and oversized lines become reports, never crashes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonlFramer, type FramedMessage } from '../../src/core/execution/jsonlFramer';

function frame(chunks: (string | Buffer)[], cap = 1024): FramedMessage[] {
  const out: FramedMessage[] = [];
  const f = new JsonlFramer(cap, (m) => out.push(m));
  for (const c of chunks) f.push(Buffer.isBuffer(c) ? c : Buffer.from(c));
  f.end();
  return out;
}

test('messages split across chunks are reassembled', () => {
  const out = frame(['{"a":', '1}\n{"b"', ':2}\n']);
  assert.deepEqual(out, [
    { ok: true, value: { a: 1 } },
    { ok: true, value: { b: 2 } },
  ]);
});

test('several messages in one chunk, CRLF and blank lines', () => {
  const out = frame(['{"a":1}\r\n\n{"b":2}\n']);
  assert.deepEqual(
    out.map((m) => m.ok && m.value),
    [{ a: 1 }, { b: 2 }],
  );
});

test('a multi-byte character split between chunks survives', () => {
  const bytes = Buffer.from('{"t":"é✓"}\n');
  const out = frame([bytes.subarray(0, 8), bytes.subarray(8)]);
  assert.deepEqual(out, [{ ok: true, value: { t: 'é✓' } }]);
});

test('garbage becomes a malformed report and the next line still parses', () => {
  const out = frame(['not json\n{"ok":true}\n']);
  assert.equal(out[0]?.ok, false);
  assert.deepEqual(out[1], { ok: true, value: { ok: true } });
});

test('an oversized line is dropped with a report; memory stays bounded; framing recovers', () => {
  const big = 'x'.repeat(5000);
  const out = frame([`{"big":"${big.slice(0, 2000)}`, `${big.slice(2000)}"}\n`, '{"after":1}\n'], 1024);
  assert.equal(out.length, 2);
  assert.equal(out[0]?.ok, false);
  if (out[0]?.ok === false) {
    assert.match(out[0].reason, /longer than 1024/);
    assert.ok(out[0].sample.length <= 200);
  }
  assert.deepEqual(out[1], { ok: true, value: { after: 1 } });
});

test('a final line without newline is flushed at end of stream', () => {
  assert.deepEqual(frame(['{"last":1}']), [{ ok: true, value: { last: 1 } }]);
});
