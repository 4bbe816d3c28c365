/**
 * A comparison recorded under the protocol (`summary.protocol`): mean ± std
 * over seeds, the paired difference to the reference arm with its verdict,
 * the declared target, compute to target and savings — "not reached" where
 * an arm missed the target — and test accuracy versus training FLOPs.
 *
 * @example
 * ```tsx
 * import { meanStd } from "./protocol_comparison.tsx";
 * meanStd({ mean: 0.9, std: 0.01, n: 3 }); // "90.00 ± 1.00"
 * ```
 * @module
 */
import { Island } from "../lib/island.tsx";
import { flops, params } from "../lib/format.ts";
import {
  goodRows,
  isProtocolRow,
  type MeanStd,
  type ProtocolRow,
  type RunFolder,
} from "@quadranet/core/records";

const COLS = ["method", "lr", "top1", "paired", "params", "inference", "toTarget", "savings"];

/** `mean ± std` (std omitted for one seed), scaled. */
export function meanStd(m: MeanStd | undefined, scale = 100, digits = 2): string {
  if (!m || !Number.isFinite(m.mean)) return "–";
  const v = (m.mean * scale).toFixed(digits);
  return m.n > 1 ? `${v} ± ${(m.std * scale).toFixed(digits)}` : v;
}

function toTargetText(t: ProtocolRow["toTarget"]): string {
  if (!t) return "–";
  if (t.reached === 0 || !t.flops) return "not reached";
  const v = flops(t.flops.mean);
  return t.reached < t.n ? `${v} (${t.reached}/${t.n} seeds)` : v;
}

function savingsText(t: ProtocolRow["toTarget"]): string {
  if (!t) return "–";
  if (!t.savingsFlops) return t.reached < t.n ? "not reached" : "–";
  return `${meanStd(t.savingsFlops, 100, 1)}%`;
}

function brokenRow(index: number, why: string) {
  return {
    id: `broken-${index}`,
    className: "broken",
    cells: Object.fromEntries(
      COLS.map((k) => [k, { text: k === "method" ? `broken: ${why}` : "–", value: null }]),
    ),
  };
}

function protocolTableRow(r: ProtocolRow, base: string, pairedWith: string) {
  return {
    id: r.method,
    href: r.runIds?.[0] ? `${base}runs/${r.runIds[0]}/` : undefined,
    cells: {
      method: { text: r.method, value: r.method },
      lr: { text: r.lr === undefined ? "–" : String(r.lr), value: r.lr ?? null },
      top1: { text: meanStd(r.test), value: r.test.mean },
      paired: {
        text: r.method === pairedWith
          ? "(reference)"
          : r.paired
          ? `${r.paired.mean >= 0 ? "+" : ""}${meanStd(r.paired)} (${r.paired.verdict})`
          : "–",
        value: r.paired?.mean ?? null,
      },
      params: { text: params(r.trainableParams), value: r.trainableParams },
      inference: {
        text: flops(r.inferenceFlops) +
          (r.inferenceOverhead ? ` (+${(100 * r.inferenceOverhead).toFixed(0)}%)` : ""),
        value: r.inferenceFlops,
      },
      toTarget: {
        text: toTargetText(r.toTarget),
        value: r.toTarget?.reached ? r.toTarget.flops?.mean ?? null : null,
      },
      savings: { text: savingsText(r.toTarget), value: r.toTarget?.savingsFlops?.mean ?? null },
    },
  };
}

/**
 * The table, the target line and the plot of one protocol comparison; a
 * broken row shows as such.
 */
export function ProtocolComparison({ run, base }: { run: RunFolder; base: string }) {
  const s = run.summary;
  const rows = goodRows(run).filter(isProtocolRow);
  const pairedWith = String(s.pairedWith ?? "quadratic");
  const target = s.target as { rule?: Record<string, unknown>; perSeed?: number[] } | null;
  const seeds = (s.seeds as number[] | undefined) ?? [];
  const pretrain = s.pretrain as { flops: number; top1: number; runId: string } | undefined;
  const tableRows = (run.rows ?? []).map((row, i) =>
    "broken" in row
      ? brokenRow(row.index, row.broken)
      : isProtocolRow(row)
      ? protocolTableRow(row, base, pairedWith)
      : brokenRow(i, `row ${i + 1}: ${row.method}: not a protocol row (no runIds)`)
  );
  const series = rows.map((r) => ({
    name: r.method,
    points: [[r.budgetFlops.mean / 1e9, 100 * r.test.mean]],
  }));
  const rule = target?.rule;
  const ruleText = !rule
    ? String(s.targetNote ?? "no target")
    : rule.kind === "absolute"
    ? `validation top-1 ≥ ${(100 * (rule.top1 as number)).toFixed(2)}%`
    : `${
      (100 * (rule.fraction as number)).toFixed(0)
    }% of ${rule.reference}'s final validation top-1`;
  return (
    <section class="comparison">
      <h2>
        <a href={`${base}runs/${run.id}/`}>{run.id}</a>{" "}
        <small>
          {String(s.task ?? "")}
          {s.shift ? ` · shift ${s.shift}` : ""} · backend {String(s.backend ?? "–")} · seeds{" "}
          {seeds.join(", ")}
        </small>
      </h2>
      <p class="target">
        Target: {ruleText}
        {target?.perSeed
          ? ` = ${target.perSeed.map((t) => `${(100 * t).toFixed(2)}%`).join(", ")}`
          : ""}
        . Test top-1 is mean ± std over seeds; Δ is paired with {pairedWith}{" "}
        ("tie": |Δ| under two std); compute is analytic training FLOPs to the first validation check
        at the target.
        {pretrain
          ? ` Sunk pre-training: ${flops(pretrain.flops)} (${(100 * pretrain.top1).toFixed(2)}%).`
          : ""}
      </p>
      <Island
        name="SortableTable"
        props={{
          columns: [
            { key: "method", label: "arm" },
            { key: "lr", label: "lr", numeric: true },
            { key: "top1", label: "test top-1 %", numeric: true },
            { key: "paired", label: `Δ vs ${pairedWith} (pts)`, numeric: true },
            { key: "params", label: "trainable", numeric: true },
            { key: "inference", label: "inference FLOPs", numeric: true },
            { key: "toTarget", label: "FLOPs to target", numeric: true },
            { key: "savings", label: "savings (FLOPs)", numeric: true },
          ],
          rows: tableRows,
        }}
      />
      <Island
        name="InteractivePlot"
        props={{
          title: "test top-1 (%) versus training GFLOPs (whole budget)",
          series,
          xLabel: "training GFLOPs",
          yLabel: "test top-1 %",
          scatter: true,
        }}
      />
      <p>
        <a href={`${base}compare/${run.id}/`}>Compare the arms' curves</a>
      </p>
    </section>
  );
}
