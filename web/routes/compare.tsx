/**
 * Route `/compare/<comparison-id>/` (and `/compare/?runs=a,b,…` on the live
 * server): two or more runs side by side, their curves overlaid.
 *
 * @example
 * ```tsx
 * import type { RunFolder } from "@quadranet/core/records";
 * import { ComparePage } from "./compare.tsx";
 * declare const a: RunFolder, b: RunFolder;
 * const page = <ComparePage runs={[a, b]} base="../../" title="a vs b" />;
 * ```
 * @module
 */
import { Island } from "../lib/island.tsx";
import { curves } from "../lib/curves.ts";
import { params, pct, secs } from "../lib/format.ts";
import type { RunFolder } from "@quadranet/core/records";

/** The compare page body. */
export function ComparePage(
  { runs, base, title }: { runs: RunFolder[]; base: string; title: string },
) {
  const series = (pick: "loss" | "top1") =>
    runs.map((r) => ({ name: String(r.summary.method ?? r.id), points: curves(r.metrics)[pick] }))
      .filter((s) => s.points.length > 0);
  return (
    <>
      <h1>Compare: {title}</h1>
      {runs.length < 2 && <p class="error">Pick two or more runs to compare.</p>}
      <table class="side-by-side">
        <thead>
          <tr>
            <th>run</th>
            <th>method</th>
            <th class="num">final top-1</th>
            <th class="num">trainable</th>
            <th class="num">CPU s</th>
            <th>status</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr data-row={r.id}>
              <td>
                <a href={`${base}runs/${r.id}/`}>{r.id}</a>
              </td>
              <td>{String(r.summary.method ?? "–")}</td>
              <td class="num">{pct(r.summary.final?.top1)}</td>
              <td class="num">{params(r.summary.params?.trainable)}</td>
              <td class="num">{secs(r.summary.compute?.cpuSeconds)}</td>
              <td>{r.error ? `broken: ${r.error}` : String(r.summary.status ?? "–")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Island
        name="InteractivePlot"
        props={{ title: "training loss", series: series("loss"), xLabel: "step" }}
      />
      <Island
        name="InteractivePlot"
        props={{ title: "top-1 (%) at each evaluation", series: series("top1"), xLabel: "step" }}
      />
    </>
  );
}
