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
import {
  type ComparisonRow,
  goodRows,
  isDetectionRow,
  isProtocolRow,
  type RunFolder,
} from "@quadranet/core/records";
import { ProtocolComparison } from "./protocol_comparison.tsx";
import { DetectionComparisonView, isDetectionComparison } from "./detection_view.tsx";

const COLS = ["method", "top1", "semanticTop1", "params", "compute", "relative", "savings"];

/**
 * The table and the plot of one comparison record (`arms`: its runs, for
 * detection previews); a broken row shows as such.
 */
export function ComparisonView(
  { run, base, arms }: { run: RunFolder; base: string; arms?: RunFolder[] },
) {
  if (isDetectionComparison(run)) {
    return <DetectionComparisonView run={run} arms={arms} base={base} />;
  }
  if (run.summary.protocol !== undefined || goodRows(run).some(isProtocolRow)) {
    return <ProtocolComparison run={run} base={base} />;
  }
  // ImageNet-21K-P rows carry the semantic-softmax top-1 as well.
  const semantic = goodRows(run).some((r) =>
    typeof (r as { semanticTop1?: unknown }).semanticTop1 === "number"
  );
  const tableRows = (run.rows ?? []).map((row) => {
    if ("broken" in row) {
      const r = row;
      return {
        id: `broken-${r.index}`,
        className: "broken",
        cells: Object.fromEntries(
          COLS.map((k) => [k, { text: k === "method" ? `broken: ${r.broken}` : "–", value: null }]),
        ),
      };
    }
    // A detection row here would be shown by DetectionComparisonView above.
    const r = row as ComparisonRow & { semanticTop1?: number };
    return {
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
    };
  });
  const series = goodRows(run).filter((r): r is ComparisonRow =>
    !isProtocolRow(r) && !isDetectionRow(r)
  ).map((r) => ({
    name: r.method,
    points: [[r.computeSeconds, 100 * r.top1]],
  }));
  const quick = run.config?.quick === true;
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
      {quick && (
        <p class="notice" data-quick="">
          A --quick run: tiny sizes for a smoke test; these numbers say nothing about the methods.
        </p>
      )}
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
