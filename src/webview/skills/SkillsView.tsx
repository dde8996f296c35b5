// The Skills view: what new attempts get and how attempts with each skill fared, skills branches, the latest distill proposals.

import { useEffect, type ReactNode } from 'react';
import type { Snapshot } from '../../shared/model';
import type { SkillsBranch } from '../../shared/skills';
import { Button } from '../ui/elements';
import { useActions, usePanel } from '../usePanel';
import { ProposalList } from './ProposalList';
import { SkillList } from './SkillList';

/** Changes only when something outcomes count changes (not on every token update), so the view re-asks rarely. */
export function outcomeKey(snapshot: Snapshot | null): string {
  return (snapshot?.tasks ?? [])
    .flatMap((t) =>
      t.attempts.map(
        (a) =>
          `${a.id}:${a.phase}:${a.checks?.state ?? ''}:${a.landed ? 1 : 0}:${a.archived ? 1 : 0}:${(a.skills ?? []).length}`,
      ),
    )
    .join('|');
}

function Branches({ branches }: { branches: SkillsBranch[] }): ReactNode {
  const actions = useActions();
  const open = branches.filter((b) => !b.merged);
  if (!open.length) return null;
  return (
    <section aria-label="Skills branches" data-testid="skills-branches">
      <h3>Skills branches not yet landed</h3>
      <ul className="skills-branches">
        {open.map((b) => (
          <li key={b.branch} className="row">
            <span className="path">{b.branch}</span>
            <span className="muted">{b.skills.join(', ')}</span>
            <Button
              secondary
              onClick={() => void actions.landSkills(b.branch)}
              testId={`land-${b.branch}`}
              title="Squash it onto the current branch, like an attempt's land"
            >
              Land
            </Button>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function SkillsView(): ReactNode {
  const store = usePanel();
  const actions = useActions();
  const key = outcomeKey(store.snapshot);
  useEffect(() => {
    void actions.loadSkills();
  }, [actions, key]);
  const o = store.skills;
  if (!o) return <p className="empty">Loading skills…</p>;
  return (
    <div className="skills-view" data-testid="skills-view">
      {o.problems.map((p, i) => (
        <div key={i} className="warning-bar" role="status">
          {p}
        </div>
      ))}
      <section aria-label="Skills">
        <h3>Skills new attempts get{o.base ? ` (on ${o.base})` : ''}</h3>
        <p className="muted">
          With / without compares the attempts that had a skill with the other attempts started in the same period. It
          is not a controlled experiment: the tasks differ.
        </p>
        <SkillList skills={o.skills} outcomes={o.outcomes} />
      </section>
      <Branches branches={o.branches} />
      <section aria-label="Distill proposals">
        <h3>Latest distill proposals</h3>
        <ProposalList review={o.review} />
      </section>
    </div>
  );
}
