// Unit: per-skill outcomes (with / without in the same period) and the distill review's decisions and view.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { skillOutcomes } from '../../src/core/skills/outcomes';
import { applyDecisions, newReview, planDecisions, ReviewError, reviewView } from '../../src/core/distill/review';
import { formatOutcome, type AttemptSkill } from '../../src/shared/skills';
import type { AttemptSnapshot, CheckSummary } from '../../src/shared/model';
import type { EvidenceItem, Proposal } from '../../src/core/contract/distill';
import { attemptFixture, taskFixture } from '../webview/snapshotFixture';

const at = (min: number): string => new Date(Date.parse('2026-11-21T10:00:00Z') + min * 60_000).toISOString();
const checks = (state: CheckSummary['state']): CheckSummary => ({
  state,
  command: 'npm test',
  exitCode: state === 'passed' ? 0 : 1,
  durationMs: 1,
  summary: [],
  at: at(0),
});
const lint = (version: string): AttemptSkill => ({ name: 'lint-first', source: 'accepted', version });
const commit: AttemptSkill = { name: 'commit', source: 'builtin', version: 'c0ffee000000' };

function history() {
  const A = 't-aaaaaaaaaaaa';
  const B = 't-bbbbbbbbbbbb';
  const C = 't-cccccccccccc';
  const a = (task: string, k: number, patch: Partial<AttemptSnapshot>): AttemptSnapshot =>
    attemptFixture(task, k, { phase: 'finished', ...patch });
  return [
    // Before any attempt had lint-first: outside its period, counts on neither side.
    taskFixture(A, 'Early', [a(A, 1, { startedAt: at(0), skills: [commit], checks: checks('failed') })]),
    taskFixture(B, 'With the skill', [
      a(B, 1, {
        startedAt: at(10),
        skills: [commit, lint('v1')],
        checks: checks('passed'),
        landed: { at: at(20), commit: 'x', aside: null, message: '' },
      }),
      a(B, 2, {
        startedAt: at(11),
        skills: [commit, lint('v1')],
        checks: checks('failed'),
        archived: { at: at(15), reason: 'rework: it ignored lint', patch: '', postMortem: '' },
      }),
      a(B, 3, { startedAt: at(16), skills: [commit, lint('v2')], phase: 'failed', reworkOf: `${B}-2` }),
      // Never started: counts nowhere.
      a(B, 4, { startedAt: null, phase: 'queued', skills: [] }),
    ]),
    taskFixture(C, 'Without it', [
      a(C, 1, { startedAt: at(12), skills: [commit], checks: checks('passed') }),
      a(C, 2, { startedAt: at(13), skills: [commit], phase: 'stalled' }),
      a(C, 3, { startedAt: at(30), skills: [commit] }),
    ]),
  ];
}

test('outcomes group attempts by skill version and compare them with the other attempts of the same period', () => {
  const out = skillOutcomes(history());
  assert.deepEqual(
    out.map((o) => `${o.name}@${o.version}`),
    ['commit@c0ffee000000', 'lint-first@v2', 'lint-first@v1'],
  );
  const v1 = out.find((o) => o.version === 'v1')!;
  assert.equal(v1.source, 'accepted');
  assert.deepEqual(v1.period, { from: at(10), to: at(11) });
  assert.deepEqual(v1.with, {
    attempts: 2,
    finished: 2,
    failed: 0,
    stalled: 0,
    other: 0,
    checksPassed: 1,
    checksFailed: 1,
    reworked: 1,
    landed: 1,
  });
  // No attempt without lint-first started between 10 and 11 minutes.
  assert.equal(v1.without.attempts, 0);
  assert.deepEqual(
    v1.attempts.map((x) => [x.attemptId, x.checks, x.reworked, x.landed]),
    [
      ['t-bbbbbbbbbbbb-2', 'failed', true, false],
      ['t-bbbbbbbbbbbb-1', 'passed', false, true],
    ],
  );
  const commitOutcome = out.find((o) => o.name === 'commit')!;
  assert.equal(commitOutcome.with.attempts, 7, 'every started attempt had commit');
  assert.equal(commitOutcome.without.attempts, 0);
});

test('"without" counts attempts of the period that had no version of the skill, reworked via a newer attempt too', () => {
  const tasks = history();
  // Widen lint-first v1's period so attempts of task C fall inside it.
  tasks[1]!.attempts[1]!.startedAt = at(14);
  const v1 = skillOutcomes(tasks).find((o) => o.version === 'v1')!;
  assert.deepEqual(v1.period, { from: at(10), to: at(14) });
  assert.deepEqual(v1.without, {
    attempts: 2,
    finished: 1,
    failed: 0,
    stalled: 1,
    other: 0,
    checksPassed: 1,
    checksFailed: 0,
    reworked: 0,
    landed: 0,
  });
  // v2 attempts are "with" lint-first at another version: never counted as "without".
  const v2 = skillOutcomes(tasks).find((o) => o.version === 'v2')!;
  assert.equal(v2.with.failed, 1);
  assert.equal(v2.without.attempts, 0);
  assert.equal(formatOutcome(v1.with), '2 attempts · checks 1/2 passed · 1 reworked · 1 landed');
  assert.equal(formatOutcome(v2.with), '1 attempt · no checks ran · 0 reworked · 0 landed · 1 failed or stalled');
});

test('state written before skills were recorded (no `skills` field) counts as attempts without any skill', () => {
  const tasks = history();
  delete (tasks[2]!.attempts[0] as Partial<AttemptSnapshot>).skills;
  const commitOutcome = skillOutcomes(tasks).find((o) => o.name === 'commit')!;
  assert.equal(commitOutcome.with.attempts, 6);
  assert.equal(commitOutcome.without.attempts, 1);
});

const evidence: EvidenceItem[] = [
  {
    id: 'E1',
    kind: 'failing_command',
    title: 'npm test: widget missing',
    samples: ['Error: widget missing'],
    count: 3,
    attempts: ['t-a-1'],
    tasks: ['t-a'],
    score: 9,
    provenance: [{ attemptId: 't-a-1', journal: '/j/t-a-1.jsonl', seq: 4, line: 5 }, { attemptId: 't-a-2' }],
  },
  {
    id: 'E2',
    kind: 'note',
    title: 'review comment',
    samples: ['x'],
    count: 1,
    attempts: ['t-a-1'],
    tasks: ['t-a'],
    score: 2,
    provenance: [
      { attemptId: 't-a-1', note: 'review_comment', url: 'https://github.com/o/r/pull/1#c' },
      { attemptId: 't-a-1', note: 'review_comment', url: 'javascript:alert(1)' },
    ],
  },
];
const proposal = (name: string): Proposal => ({
  kind: 'new_skill',
  name,
  path: `.agents/skills/${name}/SKILL.md`,
  content: `---\nname: ${name}\ndescription: d\n---\nbody\n`,
  rationale: 'why',
  provenance: ['E1'],
});

test('a review numbers its proposals; decisions are checked as a batch; accepted ones are final', () => {
  const r = newReview({
    id: 'rev1',
    now: new Date(at(0)),
    base: 'main',
    proposals: [proposal('a'), proposal('b'), proposal('c')],
    evidence,
  });
  assert.deepEqual(
    r.proposals.map((p) => [p.id, p.state]),
    [
      ['p1', 'pending'],
      ['p2', 'pending'],
      ['p3', 'pending'],
    ],
  );
  const plan = planDecisions(r, [
    { proposalId: 'p1', decision: 'accept', content: 'edited' },
    { proposalId: 'p2', decision: 'reject' },
  ]);
  assert.deepEqual([plan.accept.map((p) => [p.id, p.content]), plan.reject], [[['p1', 'edited']], ['p2']]);
  const next = applyDecisions(r, plan.accept, plan.reject, { branch: 'quartet/skills/2026-11-21', commit: 'abc' });
  assert.deepEqual(
    next.proposals.map((p) => [p.id, p.state, p.branch, p.content.slice(0, 6)]),
    [
      ['p1', 'accepted', 'quartet/skills/2026-11-21', 'edited'],
      ['p2', 'rejected', null, '---\nna'],
      ['p3', 'pending', null, '---\nna'],
    ],
  );
  assert.equal(next.branch, 'quartet/skills/2026-11-21');
  // A rejected proposal can still be accepted; an accepted one cannot change; unknown ids refuse the whole batch.
  assert.equal(planDecisions(next, [{ proposalId: 'p2', decision: 'accept' }]).accept.length, 1);
  assert.throws(() => planDecisions(next, [{ proposalId: 'p1', decision: 'reject' }]), ReviewError);
  assert.throws(
    () =>
      planDecisions(next, [
        { proposalId: 'p3', decision: 'accept' },
        { proposalId: 'p9', decision: 'reject' },
      ]),
    /no proposal p9/,
  );
  assert.throws(
    () =>
      planDecisions(next, [
        { proposalId: 'p3', decision: 'accept' },
        { proposalId: 'p3', decision: 'reject' },
      ]),
    /twice/,
  );
  assert.throws(() => planDecisions(next, []), ReviewError);
});

test('the review view marks which evidence sources can be opened (journal lines, http(s) links only)', () => {
  const v = reviewView(
    newReview({ id: 'rev1', now: new Date(at(0)), base: 'main', proposals: [proposal('a')], evidence }),
  );
  assert.deepEqual(
    v.evidence.map((e) => e.refs.map((r) => r.openable)),
    [
      [true, false],
      [true, false],
    ],
  );
  assert.equal(v.evidence[0]!.refs[0]!.line, 5);
  assert.equal(v.proposals[0]!.state, 'pending');
});
