// The follow-up turns an attempt ran on its own thread (resolve conflicts, pull request fixes), oldest first.

import type { ReactNode } from 'react';
import type { AttemptSnapshot } from '../../shared/model';
import { followUpOutcomeClass, followUpReasonLabel } from '../../shared/landView';
import { formatClock } from '../../shared/panelFormat';

export function FollowUpList({ attempt }: { attempt: Pick<AttemptSnapshot, 'id' | 'followUps'> }): ReactNode {
  if (!attempt.followUps.length) return null;
  return (
    <section className="follow-ups" data-testid={`follow-ups-${attempt.id}`}>
      <h3>Follow-up turns</h3>
      <ul>
        {attempt.followUps.map((f, i) => (
          <li key={`${i}-${f.at}`} className="follow-up">
            <span>{followUpReasonLabel(f.reason)}</span>{' '}
            <span className={followUpOutcomeClass(f.outcome)}>{f.outcome}</span>{' '}
            <span className="muted">
              {formatClock(f.at)}
              {f.endedAt ? ` – ${formatClock(f.endedAt)}` : ''}
            </span>
            {f.message ? <div className="muted follow-up-message">{f.message}</div> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
