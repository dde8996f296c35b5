// Unit: hook journal events in the panel's trace — one item per hook run, failures flagged, readable one-liner, output on expand.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceBuilder } from '../../src/shared/traceBuilder';
import { describeItem, itemDetail } from '../../src/shared/traceText';
import { toWire } from '../../src/shared/wire';

test('hook events become hook items; a failed hook counts as a failure', () => {
  const b = new TraceBuilder();
  const records = [
    {
      seq: 0,
      at: '2026-11-21T10:00:00.000Z',
      kind: 'event' as const,
      event: {
        type: 'hook' as const,
        name: 'after_create',
        ok: true,
        exitCode: 0,
        timedOut: false,
        durationMs: 1500,
        output: 'installed\n',
      },
    },
    {
      seq: 1,
      at: '2026-11-21T10:00:02.000Z',
      kind: 'event' as const,
      event: {
        type: 'hook' as const,
        name: 'before_run',
        ok: false,
        exitCode: null,
        timedOut: true,
        durationMs: 60000,
        output: 'x'.repeat(20_000),
      },
    },
  ];
  b.append(records.map((r) => toWire(r)).filter((r) => r !== null));
  const [ok, bad] = b.items;
  assert.equal(ok?.kind, 'hook');
  assert.equal(ok?.failed, false);
  assert.equal(bad?.failed, true);
  assert.ok(ok && describeItem(ok).startsWith('hook after_create passed (exit 0, '), ok && describeItem(ok));
  assert.ok(bad && describeItem(bad).startsWith('hook before_run failed (timed out, '));
  assert.equal(ok && itemDetail(ok), 'installed\n');
  assert.ok(bad && itemDetail(bad).length < 17_000, 'long hook output is clipped on the wire');
  assert.deepEqual(b.failedIndices, [1]);
});
