/**
 * A comparison's rows as a sortable table island plus the accuracy-versus-
 * compute scatter plot (the paper's headline figure, in kind).
 *
 * @example
 * ```tsx
 * import type { RunFolder } from "@quadranet/core/records";
 * import { ComparisonView } from "./comparison_table.tsx";
 * declare const comparisonRun: RunFolder;
 * const view = <ComparisonView run={comparisonRun} base="./" />;
 * ```
 * @module
 */
import { Island } from "../lib/island.tsx";
import { params, pct, secs } from "../lib/format.ts";
import type { ComparisonRow, RunFolder } from "@quadranet/core/records";
import { ProtocolComparison } from "./protocol_comparison.tsx";
import { DetectionComparisonView, isDetectionComparison } from "./detection_view.tsx";

/** The table and the plot of one comparison record (`arms`: its runs, for detection previews). */
export function ComparisonView(
  { run, base, arms }: { run: RunFolder; base: string; arms?: RunFolder[] },
) {
  if (isDetectionComparison(run)) {
    return <DetectionComparisonView run={run} arms={arms} base={base} />;
  }
  if (run.summary.protocol) return <ProtocolComparison run={run} base={base} />;
  const rows = (run.summary.rows as (ComparisonRow & { semanticTop1?: number })[]) ?? [];
  // ImageNet-21K-P rows carry the semantic-softmax top-1 as well.
  const semantic = rows.some((r) => typeof r.semanticTop1 === "number");
  const tableRows = rows.map((r) => ({
    id: r.method,
    href: r.runId ? `${base}runs/${r.runId}/` : undefined,
    cells: {
      method: { text: r.method, value: r.method },
      top1: { text: pct(r.top1), value: r.top1 },
      semanticTop1: { text: pct(r.semanticTop1), value: r.semanticTop1 ?? null },
      params: { text: params(r.trainableParams), value: r.trainableParams },
      compute: { text: secs(r.computeSeconds), value: r.computeSeconds },
      relative: {
        text: r.relativeCompute === null ? "–" : `${r.relativeCompute.toFixed(2)}x`,
        value: r.relativeCompute,
      },
      savings: {
        text: r.savingsPercent === null ? "–" : `${r.savingsPercent.toFixed(1)}%`,
        value: r.savingsPercent,
      },
    },
  }));
  const series = rows.map((r) => ({ name: r.method, points: [[r.computeSeconds, 100 * r.top1]] }));
  return (
    <section class="comparison">
      <h2>
        <a href={`${base}runs/${run.id}/`}>{run.id}</a>{" "}
        <small>
          {String(run.summary.task ?? "")}
          {run.summary.shift ? ` · shift ${run.summary.shift}` : ""} · backend{" "}
          {String(run.summary.backend ?? "–")}
        </small>
      </h2>
      <Island
        name="SortableTable"
        props={{
          columns: [
            { key: "method", label: "method" },
            { key: "top1", label: "top-1", numeric: true },
            ...(semantic ? [{ key: "semanticTop1", label: "semantic top-1", numeric: true }] : []),
            { key: "params", label: "trainable params", numeric: true },
            { key: "compute", label: "compute (CPU s)", numeric: true },
            { key: "relative", label: "vs quadratic-scratch", numeric: true },
            { key: "savings", label: "savings", numeric: true },
          ],
          rows: tableRows,
        }}
      />
      <Island
        name="InteractivePlot"
        props={{
          title: "top-1 (%) versus compute (CPU s)",
          series,
          xLabel: "compute (CPU s)",
          yLabel: "top-1 %",
          scatter: true,
        }}
      />
      <p>
        <a href={`${base}compare/${run.id}/`}>Compare the arms' curves</a>
      </p>
    </section>
  );
}
