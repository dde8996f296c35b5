// Tokens over time: downsampling the running totals and scaling them to an SVG polyline.

import type { TokenPoint } from './traceModel';

/** At most `max` points, always keeping the first and last (bucket maxima keep the shape of a rising total). */
export function downsample(points: readonly TokenPoint[], max: number): TokenPoint[] {
  if (points.length <= max) return points.slice();
  if (max < 3) return [points[0] as TokenPoint, points[points.length - 1] as TokenPoint].slice(0, Math.max(max, 0));
  const out: TokenPoint[] = [points[0] as TokenPoint];
  const inner = max - 2;
  const step = (points.length - 2) / inner;
  for (let b = 0; b < inner; b++) {
    const from = 1 + Math.floor(b * step);
    const to = Math.max(from + 1, 1 + Math.floor((b + 1) * step));
    // Totals only grow, so the last point of a bucket is its maximum.
    out.push(points[Math.min(to, points.length - 1) - 1] as TokenPoint);
  }
  out.push(points[points.length - 1] as TokenPoint);
  return out;
}

export interface StripGeometry {
  /** `x,y x,y …` for the total line. */
  total: string;
  /** `x,y …` for the output line (its own scale would hide it; same scale keeps proportions honest). */
  output: string;
  maxTotal: number;
  spanMs: number;
}

export function stripGeometry(
  points: readonly TokenPoint[],
  width: number,
  height: number,
  maxPoints = 240,
): StripGeometry | null {
  if (points.length === 0) return null;
  const pts = downsample(points, maxPoints);
  const t0 = (pts[0] as TokenPoint).t;
  const t1 = (pts[pts.length - 1] as TokenPoint).t;
  const span = Math.max(1, t1 - t0);
  const maxTotal = Math.max(1, ...pts.map((p) => p.total));
  const x = (p: TokenPoint): string => (((p.t - t0) / span) * width).toFixed(1);
  const y = (v: number): string => (height - (v / maxTotal) * height).toFixed(1);
  // A single point still draws: a flat line across the strip.
  const line = (v: (p: TokenPoint) => number): string =>
    pts.length === 1
      ? `0,${y(v(pts[0] as TokenPoint))} ${width},${y(v(pts[0] as TokenPoint))}`
      : pts.map((p) => `${x(p)},${y(v(p))}`).join(' ');
  return { total: line((p) => p.total), output: line((p) => p.output), maxTotal, spanMs: t1 - t0 };
}
