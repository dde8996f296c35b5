// The verdict (pure): rank finished attempts by evidence tiers — own checks, cross-tests, review, conflicts — then size and cost.

import { compareFine, type ScoreInput } from './scorecard';
import { describeTests } from '../../shared/model';
import type { CrossTestCell } from './crossTest';

export type Confidence = 'clear' | 'close' | 'none' | 'waiting';

export interface VerdictInput extends ScoreInput {
  /** 1-based attempt number, for sentences ("#2"). */
  index: number;
  /** True while the attempt runs or its checks have not reported yet. */
  pending: boolean;
  /** Blocking findings of the attempt's review, each one line with its citation. */
  reviewBlockers?: string[];
  /** How many test files the attempt added or changed: a change backed by its own tests ranks above one without. */
  testFiles?: number;
}

export interface VerdictEntry {
  attemptId: string;
  /** Evidence against the attempt, in the order it counts; empty for a clean record. */
  against: string[];
  /** Evidence for it. */
  support: string[];
  /** One line: why this attempt is (not) the pick. */
  line: string;
}

export interface Verdict {
  confidence: Confidence;
  recommended: string | null;
  /** A sentence for the tree row and the panel ("clear winner: #1 — passes the tests #2 and #3 wrote"). */
  headline: string;
  ranked: VerdictEntry[];
}

interface Evidence {
  input: VerdictInput;
  checksFail: boolean;
  /** Other attempts (whose own checks pass) whose tests this attempt's code fails. */
  failsTestsOf: CrossTestCell[];
  /** Other attempts whose tests this attempt's code passes. */
  passesTestsOf: CrossTestCell[];
  blockers: string[];
}

/** The first tiers are evidence about correctness; the ones after them only order attempts with the same evidence. */
const STRONG_TIERS = 4;

/** Lower is better: the tier decides before anything finer does. */
function tier(e: Evidence): number[] {
  return [
    e.checksFail ? 1 : 0,
    e.failsTestsOf.length,
    e.blockers.length,
    e.input.conflictsWithBase ? 1 : 0,
    (e.input.testFiles ?? 0) > 0 ? 0 : 1,
  ];
}

function compareTiers(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++)
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) - (b[i] as number);
  return 0;
}

const num = (e: { index: number }): string => `#${e.index}`;

export function decideVerdict(inputs: VerdictInput[], cells: CrossTestCell[]): Verdict {
  const waiting = inputs.filter((i) => i.pending);
  if (waiting.length) {
    const names = waiting.map(num).join(', ');
    return { confidence: 'waiting', recommended: null, headline: `waiting for ${names}`, ranked: [] };
  }
  const finished = inputs.filter((i) => i.phase === 'finished');
  const byId = new Map(finished.map((i) => [i.attemptId, i]));
  const ownPass = (id: string): boolean => byId.get(id)?.checks?.ok !== false;
  const evidence: Evidence[] = finished.map((input) => {
    // Only tests that pass on their author's own code count as evidence against someone else's.
    const onMe = cells.filter((c) => c.code === input.attemptId && byId.has(c.tests) && ownPass(c.tests));
    return {
      input,
      checksFail: input.checks?.ok === false,
      failsTestsOf: onMe.filter((c) => !c.ok),
      passesTestsOf: onMe.filter((c) => c.ok),
      blockers: input.reviewBlockers ?? [],
    };
  });
  evidence.sort((a, b) => compareTiers(tier(a), tier(b)) || compareFine(a.input, b.input));
  const ranked = evidence.map((e) => entry(e, byId));
  const top = evidence[0];
  if (!top || top.checksFail || top.failsTestsOf.length || top.blockers.length) {
    const why = top ? (ranked[0]?.against[0] ?? '') : 'no attempt finished';
    return { confidence: 'none', recommended: null, headline: `no good attempt: ${why}`, ranked };
  }
  const second = evidence[1];
  // Clear only when strong evidence separates the top two (own checks, the others' tests, review, conflicts):
  // "adds its own tests" and size only break a tie, and a tie is a close call, said so with its tie-breaker.
  const strong = (e: Evidence): number[] => tier(e).slice(0, STRONG_TIERS);
  const close = second !== undefined && compareTiers(strong(top), strong(second)) === 0;
  const support = ranked[0]?.support[0];
  const confidence: Confidence = close ? 'close' : 'clear';
  const tieBreak =
    second && (top.input.testFiles ?? 0) > 0 && (second.input.testFiles ?? 0) === 0
      ? 'adds its own tests'
      : 'is smaller';
  const headline = close
    ? `close call: ${num(top.input)} and ${num(second.input)} have the same evidence; ${num(top.input)} ${tieBreak}`
    : `clear winner: ${num(top.input)}${support ? ` — ${support}` : ''}`;
  return { confidence, recommended: top.input.attemptId, headline, ranked };
}

function entry(e: Evidence, byId: Map<string, VerdictInput>): VerdictEntry {
  const ref = (id: string): string => {
    const i = byId.get(id);
    return i ? num(i) : id;
  };
  const against: string[] = [];
  const tests = e.input.checks?.tests ? ` (${describeTests(e.input.checks.tests)})` : '';
  if (e.checksFail) against.push(`its own checks fail${tests}`);
  for (const c of e.failsTestsOf) {
    const names = c.failedTests.length ? ` (${c.failedTests.slice(0, 2).join('; ')})` : '';
    against.push(`fails ${ref(c.tests)}'s tests${names}`);
  }
  against.push(...e.blockers.map((b) => `review: ${b}`));
  if (e.input.conflictsWithBase) against.push('conflicts with the base');
  const support: string[] = [];
  if (e.passesTestsOf.length)
    support.push(`passes the tests ${e.passesTestsOf.map((c) => ref(c.tests)).join(', ')} wrote`);
  if (e.input.checks?.ok) support.push(`checks pass${tests}`);
  if ((e.input.testFiles ?? 0) > 0) support.push('adds its own tests');
  const line = `${num(e.input)}: ${against.length ? against.join('; ') : support.join('; ') || 'no evidence either way'}`;
  return { attemptId: e.input.attemptId, against, support, line };
}
