// A task's land as it happens: which kind and where, its status, the pull request (checks, reviews, fix turns), each step.

import type { ReactNode } from 'react';
import type { LandProgress, LandPullRequest, TaskSnapshot } from '../../shared/model';
import { canResolve } from '../../shared/attemptActions';
import {
  fixTurnsText,
  landHeadline,
  landStatusClass,
  landStatusLabel,
  prChecksText,
  prReviewsText,
  visibleSteps,
} from '../../shared/landView';
import { isOpenableUrl } from '../../shared/protocolGuards';
import { useActions } from '../usePanel';
import { ResolveButton } from './ResolveButton';

/** The PR as GitHub last reported it; its link goes to the host, which checks it again before opening anything. */
function PullRequestFacts({ pr }: { pr: LandPullRequest }): ReactNode {
  const actions = useActions();
  const checksClass = pr.checks.state === 'failure' ? 'error-text' : pr.checks.state === 'success' ? 'passed' : 'muted';
  return (
    <div className="row pr-facts" data-testid="landing-pr">
      {isOpenableUrl(pr.url) ? (
        <button
          type="button"
          className="link"
          title={pr.url}
          onClick={() => actions.openLink(pr.url)}
          data-testid="landing-pr-link"
        >
          Pull request #{pr.number}
        </button>
      ) : (
        <span>Pull request #{pr.number}</span>
      )}
      <span
        className={`flag ${pr.state === 'merged' ? 'passed' : pr.state === 'closed' ? 'error-text' : ''}`}
        data-testid="landing-pr-state"
      >
        {pr.state}
      </span>
      <span className={checksClass} data-testid="landing-pr-checks">
        {prChecksText(pr.checks)}
      </span>
      <span className="muted">·</span>
      <span data-testid="landing-pr-reviews">{prReviewsText(pr.reviews, pr.state)}</span>
      <span className="muted">·</span>
      <span className="muted" data-testid="landing-pr-fixes">
        {fixTurnsText(pr.fixes)}
      </span>
    </div>
  );
}

function LandSteps({ steps }: { steps: LandProgress['steps'] }): ReactNode {
  return (
    <ol className="land-steps" data-testid="landing-steps">
      {steps.map((s, i) => (
        <li key={`${i}-${s.step}`} className="land-step">
          <span className="land-step-name">{s.step}</span> <span className={landStatusClass(s.status)}>{s.status}</span>
          {s.detail ? <span className="muted land-step-detail"> — {s.detail}</span> : null}
        </li>
      ))}
    </ol>
  );
}

/** Shown on the board under its task and in the landing attempt's view; nothing when the task never tried to land. */
export function LandingPanel({ task }: { task: TaskSnapshot }): ReactNode {
  const l = task.landing;
  if (!l) return null;
  const attempt = task.attempts.find((a) => a.id === l.attemptId) ?? null;
  return (
    <section
      className={`landing landing-${l.status}`}
      data-testid={`landing-${task.id}`}
      aria-label={`Land of ${task.title}`}
    >
      <div className="row">
        <strong className="grow" data-testid="landing-headline">
          {landHeadline(l, task, attempt?.index ?? null)}
        </strong>
        <span className={`flag ${landStatusClass(l.status)}`} data-testid="landing-status">
          {landStatusLabel(l.status)}
          {l.status === 'running' ? `: ${l.step}` : ''}
        </span>
      </div>
      {/* While it runs, the steps tell the story; the message is the outcome. */}
      {l.message && l.status !== 'running' ? <div className="landing-message">{l.message}</div> : null}
      {l.pr ? <PullRequestFacts pr={l.pr} /> : null}
      {l.status === 'conflict' && l.conflictFiles.length ? (
        <div className="error-text">Conflicting files: {l.conflictFiles.join(', ')}</div>
      ) : null}
      {attempt && l.status === 'conflict' && canResolve(attempt, task.state === 'landed') ? (
        <div className="row">
          <ResolveButton attempt={attempt} />
          <span className="muted">
            Merges {task.baseRef} into attempt #{attempt.index}'s worktree; its agent resolves the conflicts, then
            Quartet lands it.
          </span>
        </div>
      ) : null}
      {l.steps.length ? <LandSteps steps={visibleSteps(l)} /> : null}
    </section>
  );
}
