/**
 * An SVG line plot rendered on the server (readable with JavaScript off);
 * the `InteractivePlot` island re-renders it with hidden series and a hover
 * readout.
 *
 * @example
 * ```tsx
 * <LinePlot title="loss" series={[{ name: "ours", points: [[0, 2.3], [10, 0.4]] }]} />
 * ```
 * @module
 */

/** One series: `[x, y]` points. */
export interface Series {
  name: string;
  points: [number, number][];
}

/** Series colours (colour-blind-safe palette). */
export const COLORS = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#000000"];

const W = 560, H = 260, M = { l: 56, r: 12, t: 24, b: 36 };

function ticks(lo: number, hi: number, n = 5): number[] {
  if (hi <= lo) return [lo];
  const step = (hi - lo) / (n - 1);
  return Array.from({ length: n }, (_, i) => lo + i * step);
}

function fmt(v: number): string {
  const a = Math.abs(v);
  return a !== 0 && (a < 0.01 || a >= 1e4)
    ? v.toExponential(1)
    : Number(v.toPrecision(3)).toString();
}

/** Props of {@link LinePlot}. */
export interface LinePlotProps {
  title: string;
  series: Series[];
  xLabel?: string;
  yLabel?: string;
  hidden?: string[];
  /** A highlighted point, `[series, index]`. */
  hover?: [number, number] | null;
  onHover?: (at: [number, number] | null) => void;
  /** Draw points only (a scatter plot), with labels. */
  scatter?: boolean;
}

/** The plot. */
export function LinePlot(p: LinePlotProps) {
  const visible = p.series.filter((s) => !p.hidden?.includes(s.name));
  // Loops, not Math.min(...xs): spreading 125k arguments overflows the stack.
  let x0 = 0, xMax = 1, y0 = Infinity, y1 = -Infinity;
  for (const s of visible) {
    for (const [x, y] of s.points) {
      if (x < x0) x0 = x;
      if (x > xMax) xMax = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const x1 = p.scatter ? xMax + 0.05 * (xMax - x0) : xMax; // room for the right-most point
  if (!Number.isFinite(y0)) [y0, y1] = [0, 1];
  if (y0 === y1) [y0, y1] = [y0 - 0.5, y1 + 0.5];
  const sx = (x: number) => M.l + (x - x0) / (x1 - x0 || 1) * (W - M.l - M.r);
  const sy = (y: number) => H - M.b - (y - y0) / (y1 - y0) * (H - M.t - M.b);
  const hovered = p.hover ? p.series[p.hover[0]]?.points[p.hover[1]] : undefined;
  return (
    <svg
      class="plot"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={p.title}
      onMouseLeave={() => p.onHover?.(null)}
    >
      <text x={W / 2} y={14} text-anchor="middle" class="plot-title">{p.title}</text>
      {ticks(y0, y1).map((t) => (
        <g>
          <line x1={M.l} x2={W - M.r} y1={sy(t)} y2={sy(t)} class="grid" />
          <text x={M.l - 6} y={sy(t) + 4} text-anchor="end" class="tick">{fmt(t)}</text>
        </g>
      ))}
      {ticks(x0, x1).map((t) => (
        <text x={sx(t)} y={H - M.b + 16} text-anchor="middle" class="tick">{fmt(t)}</text>
      ))}
      {p.xLabel && <text x={W - M.r} y={H - 4} text-anchor="end" class="axis">{p.xLabel}</text>}
      {p.yLabel && <text x={4} y={M.t - 8} class="axis">{p.yLabel}</text>}
      {p.series.map((s, si) => {
        if (p.hidden?.includes(s.name)) return null;
        const color = COLORS[si % COLORS.length];
        const d = s.points.map((q, i) =>
          `${i ? "L" : "M"}${sx(q[0]).toFixed(1)},${sy(q[1]).toFixed(1)}`
        )
          .join(" ");
        return (
          <g data-series={s.name}>
            {!p.scatter && <path d={d} fill="none" stroke={color} stroke-width="2" />}
            {s.points.map((q, i) => (
              <circle
                cx={sx(q[0])}
                cy={sy(q[1])}
                r={p.scatter ? 5 : 3}
                fill={color}
                onMouseEnter={() => p.onHover?.([si, i])}
              >
                <title>{`${s.name}: (${fmt(q[0])}, ${fmt(q[1])})`}</title>
              </circle>
            ))}
            {p.scatter &&
              s.points.map((q) => (
                <text x={sx(q[0]) + 7} y={sy(q[1]) - 6} class="point-label">{s.name}</text>
              ))}
          </g>
        );
      })}
      {hovered && (
        <text x={W - M.r} y={14} text-anchor="end" class="readout" data-readout="">
          {`${p.series[p.hover![0]].name}: ${fmt(hovered[0])}, ${fmt(hovered[1])}`}
        </text>
      )}
    </svg>
  );
}
