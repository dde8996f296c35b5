// The skills new attempts get, each with how the attempts that had it fared; a click lists those attempts.

import { useState, type ReactNode } from 'react';
import { formatOutcome, type CatalogSkill, type SkillOutcome } from '../../shared/skills';
import { clipLine, formatClock } from '../../shared/panelFormat';
import { usePanel } from '../usePanel';

interface Row {
  name: string;
  skill: CatalogSkill | null;
  /** Every version's outcome, the catalog's current version first. */
  outcomes: SkillOutcome[];
}

/** Accepted skills first (the newest decisions), then the repository's, the built-ins, and those no longer offered. */
const RANK = { accepted: 0, repo: 1, builtin: 2 } as const;

/** Catalog skills, plus skills attempts had that are no longer offered (their outcomes still count). */
export function skillRows(skills: readonly CatalogSkill[], outcomes: readonly SkillOutcome[]): Row[] {
  const names = [...new Set([...skills.map((s) => s.name), ...outcomes.map((o) => o.name)])];
  const rows = names.map((name) => {
    const skill = skills.find((s) => s.name === name) ?? null;
    const mine = outcomes.filter((o) => o.name === name);
    return {
      name,
      skill,
      outcomes: [
        ...mine.filter((o) => o.version === skill?.version),
        ...mine.filter((o) => o.version !== skill?.version),
      ],
    };
  });
  const rank = (r: Row): number => (r.skill ? RANK[r.skill.source] : 3);
  return rows.sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function Attempts({ outcomes }: { outcomes: SkillOutcome[] }): ReactNode {
  const store = usePanel();
  const list = outcomes.flatMap((o) => o.attempts.map((a) => ({ ...a, version: o.version })));
  if (!list.length) return <p className="muted">No attempt has had this skill yet.</p>;
  return (
    <ul className="skill-attempts">
      {list.map((a) => (
        <li key={`${a.attemptId}@${a.version}`} data-testid={`skill-attempt-${a.attemptId}`}>
          <button
            type="button"
            className="link"
            onClick={() => store.showAttempt(a.attemptId)}
            title="Open this attempt"
          >
            {clipLine(a.taskTitle, 60)} #{a.index}
          </button>{' '}
          <span className={`phase phase-${a.phase}`}>{a.phase}</span>
          {a.checks ? (
            <span className={a.checks === 'passed' ? 'passed' : 'error-text'}> checks {a.checks}</span>
          ) : null}
          {a.reworked ? <span className="muted"> · reworked</span> : null}
          {a.landed ? <span className="passed"> · landed</span> : null}
          <span className="muted">
            {' '}
            · {a.startedAt ? formatClock(a.startedAt) : ''} · version {a.version}
          </span>
        </li>
      ))}
    </ul>
  );
}

function SkillRow({ row }: { row: Row }): ReactNode {
  const [open, setOpen] = useState(false);
  const current = row.outcomes[0] && row.outcomes[0].version === row.skill?.version ? row.outcomes[0] : null;
  const older = row.outcomes.filter((o) => o !== current);
  return (
    <li className="skill" data-testid={`skill-${row.name}`}>
      <div className="row">
        <button
          type="button"
          className="link skill-name"
          onClick={() => setOpen(!open)}
          aria-expanded={open}
          data-testid={`skill-toggle-${row.name}`}
        >
          {open ? '▾' : '▸'} {row.name}
        </button>
        <span className={`flag source-${row.skill?.source ?? 'gone'}`}>
          {row.skill ? row.skill.source : 'no longer offered'}
        </span>
        {row.skill?.branch ? <span className="muted path">{row.skill.branch}</span> : null}
        {row.skill ? <span className="muted">version {row.skill.version}</span> : null}
      </div>
      {row.skill ? <div className="skill-description">{row.skill.description}</div> : null}
      <div className="skill-stats" data-testid={`skill-stats-${row.name}`}>
        <div>
          <span className="muted">with it: </span>
          {current ? formatOutcome(current.with) : 'no attempts yet'}
        </div>
        {current ? (
          <div>
            <span className="muted">without it, same period: </span>
            {formatOutcome(current.without)}
          </div>
        ) : null}
        {older.length ? (
          <div className="muted">
            earlier versions: {older.map((o) => `${o.version} (${o.with.attempts})`).join(', ')}
          </div>
        ) : null}
      </div>
      {open ? <Attempts outcomes={row.outcomes} /> : null}
    </li>
  );
}

export function SkillList({
  skills,
  outcomes,
}: {
  skills: readonly CatalogSkill[];
  outcomes: readonly SkillOutcome[];
}): ReactNode {
  const rows = skillRows(skills, outcomes);
  if (!rows.length) return <p className="empty">No skills yet.</p>;
  return (
    <ul className="skills" data-testid="skill-list">
      {rows.map((r) => (
        <SkillRow key={r.name} row={r} />
      ))}
    </ul>
  );
}
