// Tokens over time as a small inline SVG: running total and output, themed by VS Code chart colors.

import { memo, type ReactNode } from 'react';
import { formatDuration } from '../../shared/panelFormat';
import { formatTokens } from '../../shared/tokenFormat';
import { stripGeometry } from '../../shared/tokenSeries';
import type { TokenPoint } from '../../shared/traceModel';

const WIDTH = 600;
const HEIGHT = 36;

export const TokenStrip = memo(function TokenStrip({
  points,
}: {
  points: readonly TokenPoint[];
  version: number;
}): ReactNode {
  const g = stripGeometry(points, WIDTH, HEIGHT);
  if (!g) return null;
  return (
    <figure className="token-strip" aria-label="Tokens over time">
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`Tokens over time: ${formatTokens(g.maxTotal)} total`}
      >
        <polyline className="strip-total" points={g.total} fill="none" vectorEffect="non-scaling-stroke" />
        <polyline className="strip-output" points={g.output} fill="none" vectorEffect="non-scaling-stroke" />
      </svg>
      <figcaption className="muted">
        tokens over {formatDuration(g.spanMs)}:{' '}
        <span className="strip-total-key">total {formatTokens(g.maxTotal)}</span> ·{' '}
        <span className="strip-output-key">output</span>
      </figcaption>
    </figure>
  );
});
