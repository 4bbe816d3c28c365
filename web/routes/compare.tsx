/**
 * Route `/compare/<comparison-id>/` (and `/compare/?runs=a,b,…` on the live
 * server): two or more runs side by side, their curves overlaid. Detection
 * runs (tasks/coco, `final.AP`) show box AP columns and an AP plot instead
 * of top-1; ImageNet-21K-P runs add their semantic top-1.
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
import { ap } from "../components/detection_view.tsx";
import type { RunFolder } from "@quadranet/core/records";

/** The metric columns: label and cell text from a run's `final`. */
type Column = [string, (final: Record<string, number> | undefined) => string];

const CLASSIFICATION: Column[] = [["final top-1", (f) => pct(f?.top1)]];
const SEMANTIC: Column = ["semantic top-1", (f) => pct(f?.semanticTop1)];
const DETECTION: Column[] = [
  ["box AP", (f) => ap(f?.AP)],
  ["AP50", (f) => ap(f?.AP50)],
  ["AP75", (f) => ap(f?.AP75)],
];

/** The compare page body. */
export function ComparePage(
  { runs, base, title }: { runs: RunFolder[]; base: string; title: string },
) {
  const detection = runs.some((r) => typeof r.summary.final?.AP === "number");
  const semantic = runs.some((r) => typeof r.summary.final?.semanticTop1 === "number");
  const columns = detection ? DETECTION : [...CLASSIFICATION, ...(semantic ? [SEMANTIC] : [])];
  const series = (pick: "loss" | "top1" | "ap") =>
    runs.map((r) => ({ name: String(r.summary.method ?? r.id), points: curves(r.metrics)[pick] }))
      .filter((s) => s.points.length > 0);
  const plot = (title: string, pick: "loss" | "top1" | "ap", empty: string) => {
    const s = series(pick);
    return s.length > 0
      ? <Island name="InteractivePlot" props={{ title, series: s, xLabel: "step" }} />
      : <p class="notice" data-empty-plot={pick}>{title}: {empty}</p>;
  };
  return (
    <>
      <h1>Compare: {title}</h1>
      {runs.length < 2 && <p class="error">Pick two or more runs to compare.</p>}
      <table class="side-by-side">
        <thead>
          <tr>
            <th>run</th>
            <th>method</th>
            {columns.map(([label]) => <th key={label} class="num">{label}</th>)}
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
              {columns.map(([label, cell]) => (
                <td key={label} class="num">{cell(r.summary.final)}</td>
              ))}
              <td class="num">{params(r.summary.params?.trainable)}</td>
              <td class="num">{secs(r.summary.compute?.cpuSeconds)}</td>
              <td>{r.error ? `broken: ${r.error}` : String(r.summary.status ?? "–")}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {plot("training loss", "loss", "no training loss logged")}
      {detection
        ? plot("box AP (%) at each evaluation", "ap", "no evaluation logged")
        : plot("top-1 (%) at each evaluation", "top1", "no evaluation logged")}
    </>
  );
}
