// The latest distill review as a list: per proposal its rationale, cited evidence (click opens the source), Accept / Reject / Edit.

import { useState, type ReactNode } from 'react';
import type { DistillReviewView, EvidenceView, ProposalView } from '../../shared/skills';
import { clipLine, formatClock } from '../../shared/panelFormat';
import { Button } from '../ui/elements';
import { useActions } from '../usePanel';

function refLabel(r: EvidenceView['refs'][number]): string {
  if (r.url) return `${r.attemptId} · ${r.note ?? 'comment'}`;
  if (r.line !== null) return `${r.attemptId} · journal line ${r.line}`;
  return `${r.attemptId} · ${r.note ?? 'note'}`;
}

function Evidence({ reviewId, item }: { reviewId: string; item: EvidenceView }): ReactNode {
  const actions = useActions();
  return (
    <li className="evidence" data-testid={`evidence-${item.id}`}>
      <div>
        <strong>{item.id}</strong>{' '}
        <span className="muted">
          {item.kind.replace(/_/g, ' ')} ×{item.count}
        </span>{' '}
        {clipLine(item.title, 200)}
      </div>
      {item.samples.slice(0, 2).map((s, i) => (
        <pre key={i} className="output evidence-sample">
          {clipLine(s, 300)}
        </pre>
      ))}
      <div className="row evidence-refs">
        {item.refs.map((r, i) =>
          r.openable ? (
            <button
              key={i}
              type="button"
              className="link"
              data-testid={`evidence-ref-${item.id}-${i}`}
              onClick={() => void actions.openEvidence(reviewId, item.id, i)}
              title="Open where this came from"
            >
              {refLabel(r)}
            </button>
          ) : (
            <span key={i} className="muted">
              {refLabel(r)}
            </span>
          ),
        )}
      </div>
    </li>
  );
}

function Proposal({ review, p }: { review: DistillReviewView; p: ProposalView }): ReactNode {
  const actions = useActions();
  const [busy, setBusy] = useState(false);
  const cited = review.evidence.filter((e) => p.provenance.includes(e.id));
  const decide = async (decision: 'accept' | 'reject'): Promise<void> => {
    setBusy(true);
    await actions.decideProposal(review.id, p.id, decision);
    setBusy(false);
  };
  return (
    <li className={`proposal proposal-${p.state}`} data-testid={`proposal-${p.id}`}>
      <div className="row">
        <strong>{p.name}</strong>
        <span className="muted">{p.kind.replace(/_/g, ' ')}</span>
        <span className="path muted">{p.path}</span>
        <span className={`flag state-${p.state}`} data-testid={`proposal-state-${p.id}`}>
          {p.state}
          {p.state === 'accepted' && p.branch ? ` on ${p.branch}` : ''}
        </span>
      </div>
      <div className="proposal-rationale">{p.rationale}</div>
      <ul className="evidence-list">
        {cited.map((e) => (
          <Evidence key={e.id} reviewId={review.id} item={e} />
        ))}
      </ul>
      {p.state === 'accepted' ? null : (
        <div className="row">
          <Button
            onClick={() => void decide('accept')}
            disabled={busy}
            testId={`proposal-accept-${p.id}`}
            title="Write it on the review's skills branch; new attempts get it at once"
          >
            Accept
          </Button>
          {p.state === 'pending' ? (
            <Button secondary onClick={() => void decide('reject')} disabled={busy} testId={`proposal-reject-${p.id}`}>
              Reject
            </Button>
          ) : null}
          <Button
            secondary
            onClick={() => void actions.editProposal(review.id, p.id)}
            disabled={busy}
            testId={`proposal-edit-${p.id}`}
            title="Open the proposal as an editable diff; Accept writes the edited text"
          >
            Edit
          </Button>
        </div>
      )}
    </li>
  );
}

export function ProposalList({ review }: { review: DistillReviewView | null }): ReactNode {
  if (!review)
    return (
      <p className="muted">
        No distill review yet. Run “Quartet: Distill Skills” to get proposals from the attempts’ history.
      </p>
    );
  return (
    <div data-testid="proposal-list">
      <p className="muted">
        Review {review.id} of {formatClock(review.createdAt)} on {review.base}
        {review.branch ? ` · accepted proposals go to ${review.branch}` : ''}
      </p>
      <ul className="proposals">
        {review.proposals.map((p) => (
          <Proposal key={p.id} review={review} p={p} />
        ))}
      </ul>
    </div>
  );
}
