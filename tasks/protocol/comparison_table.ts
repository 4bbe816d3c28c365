/**
 * A protocol comparison as Markdown: mean ± std over seeds, the paired
 * difference to the quadratic arm with its verdict, compute and savings at
 * equal accuracy ("not reached" where an arm missed the target), the
 * inference overhead, and the sunk pre-training once, with a total column.
 *
 * @example
 * ```ts
 * import { formatFlops } from "./comparison_table.ts";
 * formatFlops(2.5e9); // "2.50 GFLOP"
 * ```
 * @module
 */
import type { Comparison, ComparisonRow } from "./comparison.ts";
import { describeTarget } from "./equal_accuracy.ts";
import { formatMeanStd, type MeanStd } from "./seed_stats.ts";

/** FLOPs with an SI prefix: `1.23 GFLOP`. */
export function formatFlops(n: number, std?: number): string {
  if (n === 0 && !std) return "0 FLOP";
  const units: [number, string][] = [[1e15, "P"], [1e12, "T"], [1e9, "G"], [1e6, "M"], [1e3, "k"]];
  const [scale, p] = units.find(([s]) => Math.abs(n) >= s) ?? [1, ""];
  const f = (v: number) => (v / scale).toFixed(n / scale >= 100 ? 0 : 2);
  return `${f(n)}${std ? ` ± ${f(std)}` : ""} ${p}FLOP`;
}

function fmtParams(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

const pct = (m: MeanStd) => formatMeanStd(m, 2, 100);

function paired(r: ComparisonRow, c: Comparison): string {
  if (r.method === c.pairedWith) return "(reference)";
  if (!r.paired) return "–";
  const sign = r.paired.mean >= 0 ? "+" : "";
  const body = `${sign}${formatMeanStd(r.paired, 2, 100)}`;
  return r.paired.verdict === "single seed" ? `${body} (1 seed)` : `${body} (${r.paired.verdict})`;
}

function toTarget(r: ComparisonRow, unit: "flops" | "seconds"): string {
  const t = r.toTarget;
  if (!t) return "–";
  if (t.reached === 0) return "not reached";
  const m = t[unit]!;
  const v = unit === "flops"
    ? formatFlops(m.mean, m.n > 1 ? m.std : undefined)
    : formatMeanStd(m, 1);
  return t.reached < t.n
    ? `${v} (${t.reached}/${t.n} seeds; not reached in ${t.n - t.reached})`
    : v;
}

function savings(r: ComparisonRow, unit: "savingsFlops" | "savingsSeconds"): string {
  const t = r.toTarget;
  if (!t) return "–";
  const s = t[unit];
  if (!s) return t.reached < t.n ? "not reached" : "–";
  return `${formatMeanStd(s, 1, 100)}%`;
}

function total(r: ComparisonRow, c: Comparison): string {
  const t = r.toTarget;
  if (!t || !t.flops) return t && t.reached === 0 ? "not reached" : "–";
  const sunk = r.fromPretrained && c.pretrain ? c.pretrain.flops : 0;
  return formatFlops(t.flops.mean + sunk);
}

/** The Markdown table. */
export function formatComparisonTable(c: Comparison): string {
  const head = [
    "arm",
    "lr",
    "test top-1 %",
    `Δ vs ${c.pairedWith} (pts, paired)`,
    "trainable",
    "inference FLOPs",
    "train FLOPs to target",
    "savings (FLOPs)",
    "CPU s to target",
    "savings (CPU s)",
    "total incl. pre-training",
  ];
  const rows = c.rows.map((r) => [
    r.method,
    r.lr === undefined ? "–" : String(r.lr),
    pct(r.test),
    paired(r, c),
    fmtParams(r.trainableParams),
    formatFlops(r.inferenceFlops) +
    (r.inferenceOverhead ? ` (+${(100 * r.inferenceOverhead).toFixed(0)}%)` : ""),
    toTarget(r, "flops"),
    savings(r, "savingsFlops"),
    toTarget(r, "seconds"),
    savings(r, "savingsSeconds"),
    total(r, c),
  ]);
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [
    line(head),
    line(head.map((_, i) => (i < 2 ? "---" : "---:"))),
    ...rows.map(line),
  ].join("\n");
}

/** The notes under the table: target, seeds, tie rule, sunk pre-training. */
export function formatComparisonNotes(c: Comparison): string[] {
  const notes = [
    `Seeds: ${c.seeds.join(", ")} (mean ± std over ${c.seeds.length}). Paired difference to ` +
    `${c.pairedWith} seed by seed; "tie" when |mean| < 2 std of the differences.`,
    c.target
      ? `Target (declared before the run): ${describeTarget(c.target.rule)} = ` +
        `${c.target.perSeed.map((t) => (100 * t).toFixed(2) + "%").join(", ")} per seed. ` +
        `Compute to target is the training compute until the first validation check at or above ` +
        `it; savings = 1 − C_arm / C_reference per seed; "not reached" never becomes a number.`
      : `No savings: ${c.targetNote ?? "no target"}.`,
    `Compute: analytic training FLOPs (forward, input gradients along the backward path, weight ` +
    `gradients of trained tensors); CPU s = process CPU seconds of the training steps ` +
    `(evaluation and checkpoints excluded).`,
  ];
  if (c.pretrain) {
    notes.push(
      `Sunk pre-training (run ${c.pretrain.runId}): ${formatFlops(c.pretrain.flops)}, ` +
        `${c.pretrain.cpuSeconds.toFixed(1)} CPU s, ${(100 * c.pretrain.top1).toFixed(2)}% on ` +
        `${c.pretrain.on}; "total" adds it to the arms that start from it.`,
    );
  }
  return notes;
}
