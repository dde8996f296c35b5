// Ranks a task's attempts for "which one should I land" (pure), plus the diff stat an entry needs.

import { describeTests, type AttemptSnapshot, type CheckTests, type Phase } from '../../shared/model';
import { formatTokens } from '../../shared/tokenFormat';
import { git } from '../git/git';

export interface ScoreInput {
  attemptId: string;
  phase: Phase;
  /** Result of the repo's checks on the attempt; null when no checks ran. */
  checks: { ok: boolean; tests?: CheckTests | null } | null;
  conflictsWithBase: boolean;
  filesChanged: number;
  linesAdded: number;
  linesRemoved: number;
  tokensTotal: number;
  durationMs: number | null;
}

/** An attempt's record as the scorecard (and the verdict) reads it: one mapping for both. */
export function scoreInputOf(
  a: Pick<
    AttemptSnapshot,
    'id' | 'phase' | 'checks' | 'conflicts' | 'diffStat' | 'filesChanged' | 'tokens' | 'startedAt' | 'endedAt'
  >,
): ScoreInput {
  return {
    attemptId: a.id,
    phase: a.phase,
    checks:
      a.checks && (a.checks.state === 'passed' || a.checks.state === 'failed')
        ? { ok: a.checks.state === 'passed', tests: a.checks.tests ?? null }
        : null,
    conflictsWithBase: a.conflicts?.withBase ?? false,
    filesChanged: a.diffStat?.files ?? a.filesChanged,
    linesAdded: a.diffStat?.added ?? 0,
    linesRemoved: a.diffStat?.removed ?? 0,
    tokensTotal: a.tokens.total,
    durationMs: a.startedAt && a.endedAt ? Date.parse(a.endedAt) - Date.parse(a.startedAt) : null,
  };
}

export interface ScoredAttempt {
  attemptId: string;
  eligible: boolean;
  /** 0–100, consistent with the order of `ranked`; 0 for attempts that are not finished. */
  score: number;
  reasons: string[];
}

export interface Scorecard {
  ranked: ScoredAttempt[];
  recommended: string | null;
}

/** Ids end in the attempt number: compare numerically so `-10` sorts after `-2`. */
const byId = (a: string, b: string): number =>
  a.localeCompare(b, 'en', { numeric: true }) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * Powers of two: a 12-line and a 13-line diff are "the same size", so the decision falls through to
 * the next criterion instead of hanging on noise.
 */
const bucket = (n: number): number => Math.floor(Math.log2(1 + Math.max(0, n)));

const checksTier = (c: ScoreInput['checks']): number => (c === null ? 1 : c.ok ? 2 : 0);

/** The finer criteria, in order: some change at all, smaller diff, fewer files, fewer tokens, faster, id. */
export function compareFine(a: ScoreInput, b: ScoreInput): number {
  const la = a.linesAdded + a.linesRemoved;
  const lb = b.linesAdded + b.linesRemoved;
  const emptyA = la === 0 && a.filesChanged === 0 ? 1 : 0;
  const emptyB = lb === 0 && b.filesChanged === 0 ? 1 : 0;
  return (
    emptyA - emptyB ||
    bucket(la) - bucket(lb) ||
    a.filesChanged - b.filesChanged ||
    bucket(a.tokensTotal / 1000) - bucket(b.tokensTotal / 1000) ||
    (a.durationMs ?? Number.MAX_SAFE_INTEGER) - (b.durationMs ?? Number.MAX_SAFE_INTEGER) ||
    byId(a.attemptId, b.attemptId)
  );
}

/** Orders finished attempts: passing checks dominate, then no conflict with the base, then the finer criteria. */
export function scoreAttempts(inputs: ScoreInput[], opts: { baseLabel?: string } = {}): Scorecard {
  const base = opts.baseLabel ?? 'the base';
  const eligible = inputs.filter((i) => i.phase === 'finished');
  const group = (i: ScoreInput): string => `${checksTier(i.checks)}|${i.conflictsWithBase}`;
  const ranked: ScoredAttempt[] = [...eligible]
    .sort(
      (a, b) =>
        checksTier(b.checks) - checksTier(a.checks) ||
        Number(a.conflictsWithBase) - Number(b.conflictsWithBase) ||
        compareFine(a, b),
    )
    .map((i, _, all) => {
      // Finer criteria earn 0–15 points by position among attempts with the same checks and conflict status.
      const peers = all.filter((p) => group(p) === group(i));
      const pos = peers.indexOf(i);
      const fine = peers.length > 1 ? Math.round((15 * (peers.length - 1 - pos)) / (peers.length - 1)) : 15;
      // Tiers weigh more than everything below them together (64 > 32+16+15, 16 > 15), so score order = rank order.
      const score = 5 + checksTier(i.checks) * 32 + (i.conflictsWithBase ? 0 : 16) + fine;
      return { attemptId: i.attemptId, eligible: true, score, reasons: reasonsFor(i, base) };
    });
  const rest = inputs
    .filter((i) => i.phase !== 'finished')
    .sort((a, b) => byId(a.attemptId, b.attemptId))
    .map((i) => ({ attemptId: i.attemptId, eligible: false, score: 0, reasons: [`not finished (${i.phase})`] }));
  return { ranked: [...ranked, ...rest], recommended: ranked[0]?.attemptId ?? null };
}

function reasonsFor(i: ScoreInput, base: string): string[] {
  const tests = i.checks?.tests ? ` (${describeTests(i.checks.tests)})` : '';
  const out = [i.checks === null ? 'no checks' : `${i.checks.ok ? 'checks pass' : 'checks fail'}${tests}`];
  out.push(i.conflictsWithBase ? `conflicts with ${base}` : `merges cleanly into ${base}`);
  const files = `${i.filesChanged} file${i.filesChanged === 1 ? '' : 's'}`;
  out.push(
    i.filesChanged === 0 && i.linesAdded + i.linesRemoved === 0
      ? 'no changes'
      : `+${i.linesAdded} −${i.linesRemoved} in ${files}`,
  );
  out.push(`${formatTokens(i.tokensTotal)} tokens`);
  if (i.durationMs !== null) out.push(formatDuration(i.durationMs));
  return out;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${s % 60}s`;
}

export interface DiffStat {
  files: number;
  added: number;
  removed: number;
}

/** What `branch` changed since it left `base` (three-dot: base commits made since do not count). */
export async function diffStat(repo: string, base: string, branch: string): Promise<DiffStat> {
  const out = await git(repo, ['diff', '--numstat', `${base}...${branch}`, '--']);
  return parseNumstat(out);
}

/** Parses `git diff --numstat`; binary files count as a file with no lines (`-\t-\tpath`). */
export function parseNumstat(out: string): DiffStat {
  const stat: DiffStat = { files: 0, added: 0, removed: 0 };
  for (const line of out.split('\n')) {
    const m = /^(-|\d+)\t(-|\d+)\t/.exec(line);
    if (!m) continue;
    stat.files++;
    stat.added += m[1] === '-' ? 0 : Number(m[1]);
    stat.removed += m[2] === '-' ? 0 : Number(m[2]);
  }
  return stat;
}
