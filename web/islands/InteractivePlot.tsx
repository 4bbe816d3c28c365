/**
 * Island: a {@link LinePlot} whose series toggle on click of their legend
 * entry and whose points show their values on hover.
 *
 * @example
 * ```tsx
 * import InteractivePlot from "./InteractivePlot.tsx";
 * const series = [{ name: "quadratic", points: [[0, 10], [100, 80]] as [number, number][] }];
 * const plot = <InteractivePlot title="top-1" series={series} xLabel="step" />;
 * ```
 * @module
 */
import { useEffect, useState } from "preact/hooks";
import { COLORS, LinePlot, type LinePlotProps } from "../components/line_plot.tsx";

/** Props: those of the plot, without the interaction state. */
export type InteractivePlotProps = Omit<LinePlotProps, "hidden" | "hover" | "onHover">;

export default function InteractivePlot(p: InteractivePlotProps) {
  const [hidden, setHidden] = useState<string[]>([]);
  const [hover, setHover] = useState<[number, number] | null>(null);
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  const toggle = (name: string) =>
    setHidden((h) => (h.includes(name) ? h.filter((n) => n !== name) : [...h, name]));
  return (
    <figure class="interactive-plot" data-hydrated={ready ? "" : undefined}>
      <LinePlot {...p} hidden={hidden} hover={hover} onHover={setHover} />
      <figcaption class="legend">
        {p.series.map((s, i) => (
          <button
            type="button"
            class={hidden.includes(s.name) ? "off" : "on"}
            aria-pressed={!hidden.includes(s.name)}
            data-series-toggle={s.name}
            onClick={() => toggle(s.name)}
          >
            <span class="swatch" style={{ background: COLORS[i % COLORS.length] }} /> {s.name}
          </button>
        ))}
      </figcaption>
    </figure>
  );
}
