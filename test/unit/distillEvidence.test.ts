// Unit: distill evidence from journal fixtures — grouping, ranking, budget, provenance, scrubbing, empty history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectEvidence, taskOf, type EvidenceNote, type JournalSource } from '../../src/core/distill/evidence';
import { errorLines, normalizeVolatile } from '../../src/core/distill/scrub';
import { makeScrubber } from '../../src/core/config/scrubber';
import type { JournalRecord } from '../../src/shared/events';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/distill');
const ATTEMPTS = ['t-aaaaaaaaaaaa-1', 't-aaaaaaaaaaaa-2', 't-bbbbbbbbbbbb-1'];
const journals: JournalSource[] = ATTEMPTS.map((attemptId) => ({
  attemptId,
  path: join(FIXTURES, `${attemptId}.jsonl`),
}));
const notes = JSON.parse(readFileSync(join(FIXTURES, 'rework-reasons.json'), 'utf8')) as EvidenceNote[];
const env = { QUARTET_GITHUB_TOKEN: 's3cr3t-value-from-env', PATH: '/usr/bin' };

function lineOf(path: string, line: number): JournalRecord {
  return JSON.parse(readFileSync(path, 'utf8').split('\n')[line - 1] ?? '') as JournalRecord;
}

test('normalizing volatile bits makes the same error from different worktrees identical', () => {
  const a =
    'Error: fetch() in /home/dev/.quartet/worktrees/app-1a2b/fix-aaaa/1/src/api/client.ts:88:12 has no timeout; waited 5003 ms (run 01a1fd7a-0000-7000-8000-00000000a001, commit 9c1e0a7b3f)';
  const b =
    'Error: fetch() in /tmp/wt/other/3/src/api/client.ts:91:12 has no timeout; waited 4999 ms (run 01a1fd7a-0000-7000-8000-00000000b001, commit 77aa00bb11)';
  assert.equal(normalizeVolatile(a), normalizeVolatile(b));
  assert.equal(normalizeVolatile('n/a and/or 1/2 at facade'), 'n/a and/or <n>/<n> at facade');
  assert.deepEqual(errorLines('ok\nstill ok\n'), ['still ok']);
  assert.deepEqual(errorLines('\u2139 tests 12\n\u2139 fail 1\nnpm ERR! code E401\nTests: 1 failed\n'), [
    'npm ERR! code E401',
  ]);
  assert.deepEqual(errorLines('\u001b[31mTypeError: x is undefined\u001b[0m\nmore\n'), ['TypeError: x is undefined']);
});

test('the recurring "no timeout" failure groups across three attempts of two tasks and ranks first', () => {
  const bundle = collectEvidence({ journals, notes, env, noProgressTokens: 30_000 });
  const top = bundle.items[0];
  assert.ok(top, bundle.text);
  assert.equal(top.id, 'E1');
  assert.equal(top.kind, 'failing_command');
  assert.equal(top.count, 4, 'attempt 1 hit it twice');
  assert.deepEqual(top.attempts, ATTEMPTS);
  assert.deepEqual(top.tasks, ['t-aaaaaaaaaaaa', 't-bbbbbbbbbbbb']);
  assert.equal(top.samples.length, 1, 'the four variants differ only in volatile bits');
  assert.match(top.samples[0] ?? '', /has no timeout/);
  assert.match(top.title, /^`npm test` exited 1$/);
  // Every other group scores lower, ids follow the rank, and the order is stable.
  for (const [i, item] of bundle.items.entries()) assert.equal(item.id, `E${i + 1}`);
  for (let i = 1; i < bundle.items.length; i++)
    assert.ok((bundle.items[i - 1]?.score ?? 0) >= (bundle.items[i]?.score ?? 0));
  assert.deepEqual(collectEvidence({ journals, notes, env }).text, collectEvidence({ journals, notes, env }).text);
  const kinds = bundle.items.map((i) => i.kind).sort();
  assert.deepEqual(kinds, [
    'approval_declined',
    'failing_command',
    'failing_command',
    'no_progress',
    'no_progress',
    'note',
    'stall',
    'stall',
  ]);
  assert.equal(taskOf('t-aaaaaaaaaaaa-12'), 't-aaaaaaaaaaaa');
});

test('provenance points at exactly the journal lines that hold the evidence', () => {
  const bundle = collectEvidence({ journals, notes, env });
  const top = bundle.items[0];
  assert.ok(top);
  assert.deepEqual(
    top.provenance.map((r) => [r.attemptId, r.seq, r.line]),
    [
      ['t-aaaaaaaaaaaa-1', 6, 7],
      ['t-aaaaaaaaaaaa-1', 10, 11],
      ['t-aaaaaaaaaaaa-2', 3, 4],
      ['t-bbbbbbbbbbbb-1', 2, 3],
    ],
  );
  for (const ref of top.provenance) {
    const rec = lineOf(ref.journal ?? '', ref.line ?? 0);
    assert.equal(rec.seq, ref.seq);
    assert.ok(
      rec.kind === 'event' && rec.event.type === 'command' && rec.event.outputTail.includes('has no timeout'),
      JSON.stringify(rec),
    );
  }
  const stall = bundle.items.find((i) => i.kind === 'stall' && i.title === 'stalled (stall_timeout)');
  assert.deepEqual(
    stall?.provenance.map((r) => [r.attemptId, r.line]),
    [['t-bbbbbbbbbbbb-1', 5]],
  );
  const note = bundle.items.find((i) => i.kind === 'note');
  assert.deepEqual(note?.provenance, [{ attemptId: 't-aaaaaaaaaaaa-1', note: 'rework_reason' }]);
  const wasted = bundle.items.filter((i) => i.kind === 'no_progress').map((i) => [i.title, i.provenance[0]?.line]);
  assert.deepEqual(wasted.sort(), [
    ['45000 tokens without changing a file', 4],
    ['48000 tokens after the last file change, then no result', 12],
  ]);
  assert.match(bundle.text, /t-aaaaaaaaaaaa-1 t-aaaaaaaaaaaa-1\.jsonl:7 \(seq 6\)/);
});

test('secrets are scrubbed: declared values and token-looking strings', () => {
  const bundle = collectEvidence({ journals, notes, env });
  const all = JSON.stringify(bundle);
  for (const leak of ['s3cr3t-value-from-env', 'ghp_AbCdEf', 'npm_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa'])
    assert.ok(!all.includes(leak), leak);
  assert.match(all, /Authorization: token \[REDACTED\]/);
  assert.match(all, /token=\[REDACTED\]/);

  const scrub = makeScrubber({ GITHUB_TOKEN: 'abc123secretvalue' });
  const cases: [string, string][] = [
    ['value abc123secretvalue here', 'value [REDACTED] here'],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123', '[REDACTED]'],
    ['github_pat_11ABCDEFG0123456789_abcdefghijkl', '[REDACTED]'],
    ['key sk-proj-abcdefghijklmnop1234', 'key [REDACTED]'],
    ['xoxb-123456789012-abcdefabcdef', '[REDACTED]'],
    ['curl -H "Authorization: Bearer eyJhbGciOi.payload.sig"', 'curl -H "Authorization: Bearer [REDACTED]"'],
    ['PASSWORD="p@ssw0rdlong" next', 'PASSWORD="[REDACTED]" next'],
    ['api_key: 0123456789abcdef0123', 'api_key: [REDACTED]'],
    ['https://bob:s3cr3tpw@github.com/x.git', 'https://bob:[REDACTED]@github.com/x.git'],
    ['token: short', 'token: short'],
    ['npm test exited 1 after 5000 ms', 'npm test exited 1 after 5000 ms'],
  ];
  for (const [input, want] of cases) assert.equal(scrub(input), want, input);
});

test('the budget bounds the bundle: lower-ranked groups are left out and counted', () => {
  const full = collectEvidence({ journals, notes, env });
  const small = collectEvidence({ journals, notes, env, budgetTokens: 200 });
  assert.ok(
    small.items.length >= 1 && small.items.length < full.items.length,
    `${small.items.length} of ${full.items.length}`,
  );
  assert.ok(small.estimatedTokens <= 200, String(small.estimatedTokens));
  assert.equal(small.omitted, full.items.length + full.omitted - small.items.length);
  assert.equal(small.items[0]?.kind, 'failing_command');
  assert.ok(full.estimatedTokens <= full.budgetTokens);
  assert.equal(collectEvidence({ journals, notes, env, budgetTokens: 5 }).items.length, 0);
});

test('empty or missing history gives an empty bundle, not an error', () => {
  const empty = collectEvidence({
    journals: [{ attemptId: 't-cccccccccccc-1', path: join(FIXTURES, 'missing.jsonl') }],
  });
  assert.deepEqual(empty, { items: [], omitted: 0, estimatedTokens: 0, budgetTokens: 6000, text: '' });
  assert.equal(
    collectEvidence({ journals: [], notes: [{ attemptId: 'x-1', kind: 'review_comment', text: '   ' }] }).items.length,
    0,
  );
});
