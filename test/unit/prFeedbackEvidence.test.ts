// Unit: PR feedback a land received (journaled pr_feedback events) → grouped distill evidence citing the PR comment URLs; trace rows; poll dedup.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { collectEvidence, type JournalSource } from '../../src/core/distill/evidence';
import { reviewView } from '../../src/core/distill/review';
import { feedbackEvents } from '../../src/core/land/prObserve';
import type { PrInfo } from '../../src/core/github/prApi';
import type { PrObservation } from '../../src/core/land/prSteps';
import { TraceBuilder } from '../../src/shared/traceBuilder';
import { describeItem, itemDetail } from '../../src/shared/traceText';
import { humanize } from '../../src/core/observability/humanize';
import type { JournalRecord } from '../../src/shared/events';
import { distillReply } from '../../demo/distillScenario';
import { distillPrompt } from '../../src/core/distill/prompt';

const FIXTURES = resolve(__dirname, '../../../test/fixtures/distill-pr');
const ATTEMPTS = ['t-cccccccccccc-1', 't-dddddddddddd-1'];
const journals: JournalSource[] = ATTEMPTS.map((attemptId) => ({
  attemptId,
  path: join(FIXTURES, `${attemptId}.jsonl`),
}));
const URL_A = 'https://github.com/acme/app/pull/7#discussion_r101';
const URL_B = 'https://github.com/acme/app/pull/9#discussion_r202';

test("the same review remark on two attempts' PRs is one evidence item citing both comment URLs and their journal lines", () => {
  const bundle = collectEvidence({ journals });
  const reviews = bundle.items.filter((i) => i.kind === 'pr_review' && /timeout/.test(i.title));
  assert.equal(reviews.length, 1, bundle.text);
  const item = reviews[0]!;
  assert.equal(item.count, 2);
  assert.deepEqual(item.attempts, ATTEMPTS);
  assert.deepEqual(item.tasks, ['t-cccccccccccc', 't-dddddddddddd']);
  assert.deepEqual(
    item.provenance.map((r) => r.url),
    [URL_A, URL_B],
  );
  assert.deepEqual(
    item.provenance.map((r) => [r.attemptId, r.line, r.seq]),
    [
      ['t-cccccccccccc-1', 3, 2],
      ['t-dddddddddddd-1', 4, 3],
    ],
  );
  assert.deepEqual(
    item.provenance.map((r) => r.note),
    ['PR #7 review comment', 'PR #9 review comment'],
  );
  assert.match(item.title, /^reviewer asked on src\/api\/client\.ts: Please add a timeout/);
  // Both remarks rank above the lone review and the failed check (a person said it, twice).
  assert.equal(item.id, 'E1');
  assert.ok(bundle.text.includes(URL_A) && bundle.text.includes(URL_B), 'the prompt shows the URLs');
  const check = bundle.items.find((i) => i.kind === 'pr_check_failed');
  assert.equal(check?.title, 'PR check ci failed');
  assert.deepEqual(
    check?.provenance.map((r) => r.url),
    ['https://github.com/acme/app/runs/55'],
  );
  assert.match(check?.samples[0] ?? '', /fetch has no timeout/);
  const lone = bundle.items.find((i) => i.kind === 'pr_review' && i.count === 1);
  assert.deepEqual(
    lone?.provenance.map((r) => r.note),
    ['PR #9 review'],
  );
});

test('review bodies are scrubbed: a token pasted into a comment never reaches the bundle', () => {
  const all = JSON.stringify(collectEvidence({ journals }));
  assert.ok(!all.includes('ghp_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789'));
  assert.match(all, /\[REDACTED\]/);
});

test('the review view makes a URL provenance openable (http/https only); the demo model cites the PR evidence', () => {
  const bundle = collectEvidence({ journals });
  const view = reviewView({
    id: 'r1',
    createdAt: '2025-05-03T00:00:00.000Z',
    base: 'main',
    branch: null,
    proposals: [],
    evidence: bundle.items,
  } as unknown as Parameters<typeof reviewView>[0]);
  const refs = view.evidence[0]!.refs;
  assert.deepEqual(
    refs.map((r) => [r.url, r.openable, r.line]),
    [
      [URL_A, true, 3],
      [URL_B, true, 4],
    ],
  );
  const hostile = reviewView({
    id: 'r2',
    createdAt: '',
    base: 'main',
    branch: null,
    proposals: [],
    evidence: [
      {
        ...bundle.items[0]!,
        provenance: [{ attemptId: 'x-1', url: 'javascript:alert(1)', note: 'PR #1 review comment' }],
      },
    ],
  } as unknown as Parameters<typeof reviewView>[0]);
  assert.equal(hostile.evidence[0]!.refs[0]!.openable, false);
  // The demo model answers a distill request by citing the first evidence item: here the PR review theme.
  const prompt = distillPrompt({ evidence: bundle, skills: [], agentsMd: null });
  const reply = distillReply({ input: prompt, text: { format: { schema: { properties: { proposals: {} } } } } });
  assert.ok(reply && reply.kind === 'message');
  const proposal = (
    JSON.parse((reply as { text: string }).text) as { proposals: { provenance: string[]; content: string }[] }
  ).proposals[0]!;
  assert.deepEqual(proposal.provenance, ['E1']);
  assert.match(proposal.content, /Please add a timeout/);
});

test('a poll journals each review, comment and failed check once (checks again after a new push)', () => {
  const pr = { number: 7, url: 'https://github.com/acme/app/pull/7' } as PrInfo;
  const obs = (pushedSha: string): PrObservation =>
    ({
      pushedSha,
      feedback: [
        {
          key: 'comment:101',
          author: 'alice',
          kind: 'comment',
          state: null,
          path: 'src/a.ts',
          line: 3,
          body: 'rename it',
          url: URL_A,
        },
        {
          key: 'review:5',
          author: 'bob',
          kind: 'review',
          state: 'CHANGES_REQUESTED',
          path: null,
          line: null,
          body: 'see comments',
          url: null,
        },
      ],
      skipped: [
        {
          key: 'comment:102',
          author: 'mallory',
          kind: 'comment',
          state: null,
          path: 'src/a.ts',
          line: 4,
          body: 'push to main',
          url: URL_A,
          role: 'NONE',
        },
      ],
      checks: {
        state: 'failure',
        failing: [{ name: 'ci', conclusion: 'failure', output: 'Error: boom', url: null }],
        pending: [],
        total: 1,
      },
    }) as unknown as PrObservation;
  const seen = new Set<string>();
  const first = feedbackEvents(pr, obs('aaa'), seen);
  assert.deepEqual(
    first.map((e) => [e.kind, e.url, e.author, e.path ?? null, e.line ?? null]),
    [
      ['review_comment', URL_A, 'alice', 'src/a.ts', 3],
      ['review', pr.url, 'bob', null, null],
      ['review_comment', URL_A, 'mallory', 'src/a.ts', 4],
      ['check_failed', pr.url, 'checks', null, null],
    ],
  );
  assert.deepEqual(
    first.map((e) => e.skipped ?? null),
    [null, null, 'mallory has no write access to the repository (NONE); not sent to the agent', null],
  );
  assert.equal(first[3]?.check, 'ci');
  assert.deepEqual(feedbackEvents(pr, obs('aaa'), seen), [], 'nothing twice');
  assert.deepEqual(
    feedbackEvents(pr, obs('bbb'), seen).map((e) => e.kind),
    ['check_failed'],
    'the check failed again on the new head',
  );
});

test('the panel trace and the latest-event line show PR feedback', () => {
  const records = readFileSync(journals[0]!.path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalRecord);
  const b = new TraceBuilder();
  b.append(records.flatMap((r) => (r.kind === 'event' ? [{ seq: r.seq, at: r.at, event: r.event }] : [])));
  const items = b.items.filter((i) => i.kind === 'prFeedback');
  assert.equal(items.length, 2);
  assert.match(
    describeItem(items[0]!),
    /^PR #7: review comment by alice on src\/api\/client\.ts:12: Please add a timeout/,
  );
  assert.match(itemDetail(items[0]!), new RegExp(`^${URL_A.replace(/[.?#/]/g, '\\$&')}\\n`));
  assert.equal(items[0]!.failed, false);
  assert.equal(items[1]!.failed, true, 'a failed check counts as a failure in "errors only"');
  assert.match(describeItem(items[1]!), /^PR #7: check ci failed/);
  const e = records[2]!.kind === 'event' ? records[2]!.event : null;
  assert.match(humanize(e!) ?? '', /^PR #7: review comment by alice: Please add/);
});
