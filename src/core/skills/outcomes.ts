// Skill outcomes (pure): per skill version, how the attempts that had it fared against the others of the same period.

import type { AttemptSnapshot, TaskSnapshot } from '../../shared/model';
import {
  EMPTY_STATS,
  type OutcomeAttempt,
  type OutcomeStats,
  type SkillOrigin,
  type SkillOutcome,
} from '../../shared/skills';

interface Row {
  attempt: AttemptSnapshot;
  task: TaskSnapshot;
  reworked: boolean;
}

/** Archived with a person's rework reason, or replaced by a newer attempt that reworks it. */
function reworkedIds(tasks: readonly TaskSnapshot[]): Set<string> {
  const out = new Set<string>();
  for (const a of tasks.flatMap((t) => t.attempts)) {
    if (a.archived?.reason.startsWith('rework:')) out.add(a.id);
    if (a.reworkOf) out.add(a.reworkOf);
  }
  return out;
}

function add(stats: OutcomeStats, row: Row): OutcomeStats {
  const a = row.attempt;
  return {
    attempts: stats.attempts + 1,
    finished: stats.finished + (a.phase === 'finished' ? 1 : 0),
    failed: stats.failed + (a.phase === 'failed' ? 1 : 0),
    stalled: stats.stalled + (a.phase === 'stalled' ? 1 : 0),
    other: stats.other + (['finished', 'failed', 'stalled'].includes(a.phase) ? 0 : 1),
    checksPassed: stats.checksPassed + (a.checks?.state === 'passed' ? 1 : 0),
    checksFailed: stats.checksFailed + (a.checks?.state === 'failed' ? 1 : 0),
    reworked: stats.reworked + (row.reworked ? 1 : 0),
    landed: stats.landed + (a.landed ? 1 : 0),
  };
}

function view(row: Row): OutcomeAttempt {
  const a = row.attempt;
  const checks = a.checks?.state === 'passed' || a.checks?.state === 'failed' ? a.checks.state : null;
  return {
    attemptId: a.id,
    taskId: row.task.id,
    taskTitle: row.task.title,
    index: a.index,
    phase: a.phase,
    startedAt: a.startedAt,
    checks,
    reworked: row.reworked,
    landed: !!a.landed,
  };
}

/**
 * One entry per (name, version) any attempt received, sorted by name then newest use. `without`
 * counts the attempts started within the same period that did not have that skill at any version —
 * attempts that never started (no `startedAt`) count on neither side. Not a controlled experiment.
 */
export function skillOutcomes(tasks: readonly TaskSnapshot[]): SkillOutcome[] {
  const reworked = reworkedIds(tasks);
  const rows: Row[] = tasks.flatMap((task) =>
    task.attempts.filter((a) => a.startedAt).map((attempt) => ({ attempt, task, reworked: reworked.has(attempt.id) })),
  );
  const groups = new Map<string, { name: string; version: string; source: SkillOrigin; rows: Row[] }>();
  for (const row of rows) {
    for (const s of row.attempt.skills ?? []) {
      const key = `${s.name}@${s.version}`;
      const g = groups.get(key) ?? { name: s.name, version: s.version, source: s.source, rows: [] };
      g.rows.push(row);
      groups.set(key, g);
    }
  }
  const out: SkillOutcome[] = [];
  for (const g of groups.values()) {
    const starts = g.rows.map((r) => r.attempt.startedAt as string).sort();
    const from = starts[0] as string;
    const to = starts[starts.length - 1] as string;
    const others = rows.filter((r) => {
      const at = r.attempt.startedAt as string;
      return at >= from && at <= to && !(r.attempt.skills ?? []).some((s) => s.name === g.name);
    });
    const sorted = [...g.rows].sort((a, b) =>
      (b.attempt.startedAt as string).localeCompare(a.attempt.startedAt as string),
    );
    out.push({
      name: g.name,
      version: g.version,
      source: g.source,
      with: g.rows.reduce(add, EMPTY_STATS),
      without: others.reduce(add, EMPTY_STATS),
      period: { from, to },
      attempts: sorted.map(view),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name) || (b.period?.to ?? '').localeCompare(a.period?.to ?? ''));
}
