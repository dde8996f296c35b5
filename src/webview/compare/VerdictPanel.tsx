// The verdict above Compare: confidence, why each attempt ranks where it does, and the cross-test matrix cell by cell.

import type { ReactNode } from 'react';
import type {
  AttemptReviewView,
  AttemptSnapshot,
  CrossTestCellView,
  ReviewCitation,
  TaskSnapshot,
} from '../../shared/model';
import { useActions } from '../usePanel';

const CONFIDENCE: Record<string, string> = {
  clear: 'clear winner',
  close: 'close call',
  none: 'no good attempt',
  waiting: 'judging…',
};

function cellText(c: CrossTestCellView): string {
  const counts = c.total !== null ? ` ${c.passed}/${c.total}` : '';
  return `${c.ok ? '✓' : '✗'}${counts}`;
}

function cellTitle(c: CrossTestCellView, tests: string, code: string): string {
  const head = `${tests}'s tests on ${code}'s code: ${c.ok ? 'pass' : 'fail'}`;
  return c.failedTests.length ? `${head}\nfailing: ${c.failedTests.join('; ')}` : head;
}

/** Rows: the attempts whose tests ran; columns: the code they ran against (the diagonal is their own checks). */
function Matrix({ attempts, cells }: { attempts: AttemptSnapshot[]; cells: CrossTestCellView[] }): ReactNode {
  const authors = attempts.filter((a) => cells.some((c) => c.tests === a.id));
  if (!authors.length)
    return <p className="muted">No attempt added or changed tests, so there was nothing to cross-run.</p>;
  const num = (a: AttemptSnapshot): string => `#${a.index}`;
  return (
    <table className="matrix" data-testid="verdict-matrix">
      <thead>
        <tr>
          <th scope="col">tests of ↓ on code of →</th>
          {attempts.map((a) => (
            <th key={a.id} scope="col">
              {num(a)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {authors.map((t) => (
          <tr key={t.id}>
            <th scope="row">{num(t)}</th>
            {attempts.map((code) => {
              if (code.id === t.id)
                return (
                  <td key={code.id} className="muted">
                    own: {t.checks?.state ?? '—'}
                  </td>
                );
              const c = cells.find((x) => x.tests === t.id && x.code === code.id);
              return c ? (
                <td
                  key={code.id}
                  className={c.ok ? 'pass' : 'fail'}
                  title={cellTitle(c, num(t), num(code))}
                  data-testid={`cell-${t.index}-${code.index}`}
                >
                  {cellText(c)}
                </td>
              ) : (
                <td key={code.id} className="muted">
                  —
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** `file:line`, a link that opens the attempt's diff of that file at that line. */
function Cite({ attemptId, cite }: { attemptId: string; cite: ReviewCitation | null }): ReactNode {
  const actions = useActions();
  if (!cite) return <span className="muted"> (no line cited)</span>;
  return (
    <>
      {' '}
      <button
        type="button"
        className="link cite"
        title={cite.text}
        onClick={() => void actions.openDiff([attemptId], { file: cite.file, line: cite.line })}
      >
        {cite.file}:{cite.line}
      </button>
    </>
  );
}

const SEVERITY_ORDER = ['blocker', 'risk', 'unrelated', 'nit'];

function ReviewColumn({
  attempt,
  review,
}: {
  attempt: AttemptSnapshot;
  review: AttemptReviewView | undefined;
}): ReactNode {
  return (
    <article
      className="review-col"
      data-testid={`review-${attempt.index}`}
      aria-label={`Review of attempt ${attempt.index}`}
    >
      <h4>#{attempt.index}</h4>
      {!review ? (
        <p className="muted">not reviewed</p>
      ) : review.state === 'failed' ? (
        <p className="fail">review failed: {review.error}</p>
      ) : (
        <>
          <ul className="requirements">
            {review.requirements.map((r, k) => (
              <li key={k} className={r.met ? 'pass' : 'fail'}>
                {r.met ? '✓' : '✗'} {r.requirement}
                <Cite attemptId={attempt.id} cite={r.cite} />
              </li>
            ))}
          </ul>
          {review.findings.length === 0 ? (
            <p className="muted">no findings</p>
          ) : (
            <ul className="findings">
              {[...review.findings]
                .sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity))
                .map((f, k) => (
                  <li key={k} className={`finding ${f.severity}`}>
                    <strong>{f.severity}</strong>: {f.summary}
                    <Cite attemptId={attempt.id} cite={f.cite} />
                  </li>
                ))}
            </ul>
          )}
          {review.uncited > 0 ? (
            <p className="muted">{review.uncited} citation(s) pointed at no line of the diff and were dropped</p>
          ) : null}
        </>
      )}
    </article>
  );
}

/** The reviews side by side, one column per judged attempt. */
function Reviews({ attempts, reviews }: { attempts: AttemptSnapshot[]; reviews: AttemptReviewView[] }): ReactNode {
  return (
    <div className="reviews" data-testid="verdict-reviews">
      {attempts.map((a) => (
        <ReviewColumn key={a.id} attempt={a} review={reviews.find((r) => r.attemptId === a.id)} />
      ))}
    </div>
  );
}

export function VerdictPanel({ task }: { task: TaskSnapshot }): ReactNode {
  const v = task.verdict;
  if (!v) return null;
  const judged = task.attempts.filter(
    (a) => v.entries.some((e) => e.attemptId === a.id) || v.matrix.some((c) => c.code === a.id),
  );
  return (
    <section className="verdict" data-testid="verdict" aria-label="Verdict">
      <h3>Verdict: {v.state === 'done' ? v.headline : (CONFIDENCE[v.confidence] ?? v.confidence)}</h3>
      <ul className="verdict-lines">
        {v.entries.map((e) => (
          <li key={e.attemptId} data-testid={`verdict-line-${e.attemptId}`}>
            {e.attemptId === v.recommended ? '★ ' : ''}
            {e.line}
          </li>
        ))}
      </ul>
      <Matrix attempts={judged.length ? judged : task.attempts} cells={v.matrix} />
      {v.reviews ? <Reviews attempts={judged.length ? judged : task.attempts} reviews={v.reviews} /> : null}
    </section>
  );
}
