// The verdict above Compare: confidence, why each attempt ranks where it does, and the cross-test matrix cell by cell.

import type { ReactNode } from 'react';
import type { AttemptSnapshot, CrossTestCellView, TaskSnapshot } from '../../shared/model';

const CONFIDENCE: Record<string, string> = { clear: 'clear winner', close: 'close call', none: 'no good attempt', waiting: 'judging…' };

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
  if (!authors.length) return <p className="muted">No attempt added or changed tests, so there was nothing to cross-run.</p>;
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
              if (code.id === t.id) return <td key={code.id} className="muted">own: {t.checks?.state ?? '—'}</td>;
              const c = cells.find((x) => x.tests === t.id && x.code === code.id);
              return c ? (
                <td key={code.id} className={c.ok ? 'pass' : 'fail'} title={cellTitle(c, num(t), num(code))} data-testid={`cell-${t.index}-${code.index}`}>
                  {cellText(c)}
                </td>
              ) : (
                <td key={code.id} className="muted">—</td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VerdictPanel({ task }: { task: TaskSnapshot }): ReactNode {
  const v = task.verdict;
  if (!v) return null;
  const judged = task.attempts.filter((a) => v.entries.some((e) => e.attemptId === a.id) || v.matrix.some((c) => c.code === a.id));
  return (
    <section className="verdict" data-testid="verdict" aria-label="Verdict">
      <h3>
        Verdict: {v.state === 'done' ? v.headline : CONFIDENCE[v.confidence] ?? v.confidence}
      </h3>
      <ul className="verdict-lines">
        {v.entries.map((e) => (
          <li key={e.attemptId} data-testid={`verdict-line-${e.attemptId}`}>
            {e.attemptId === v.recommended ? '★ ' : ''}
            {e.line}
          </li>
        ))}
      </ul>
      <Matrix attempts={judged.length ? judged : task.attempts} cells={v.matrix} />
    </section>
  );
}
