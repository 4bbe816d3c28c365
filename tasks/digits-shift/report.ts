/**
 * The comparison table: method, top-1, trainable parameters, compute
 * (process CPU seconds), compute relative to the from-scratch quadratic
 * network and the savings `1 − C / C_scratch` (METHOD.md §3), as text for
 * the terminal and as `report.md`.
 *
 * @example
 * ```ts
 * import { formatTable, withSavings } from "./report.ts";
 * const row = { top1: 0.9, top5: 1, trainableParams: 4800, wallSeconds: 60, trainingFlops: 1e12 };
 * const rows = withSavings([
 *   { ...row, method: "quadratic", computeSeconds: 50 },
 *   { ...row, method: "quadratic-scratch", computeSeconds: 100 },
 * ]);
 * console.log(formatTable(rows)); // quadratic: 0.50x, savings 50.0%
 * ```
 * @module
 */
import type { ComparisonRow } from "@quadranet/core";

/** One row of the comparison (the records schema's). */
export type { ComparisonRow };

/** Relative compute and savings against `quadratic-scratch` (core's, shared by every task). */
export { withSavings } from "@quadranet/core";
/** Said under every `--quick` table: its sizes are far too small to compare methods. */
export const QUICK_NOTE =
  "note: --quick uses tiny sizes (1 epoch, a few hundred digits) to check that everything runs; " +
  "its numbers say nothing about the methods (trained arms may fall below zero-shot). " +
  "Run without --quick for the comparison.";

function fmtParams(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
}

/** A Markdown table of the rows. */
export function formatTable(rows: ComparisonRow[]): string {
  const head =
    "| method | top-1 | trainable params | compute (CPU s) | vs quadratic-scratch | savings |";
  const sep = "| --- | ---: | ---: | ---: | ---: | ---: |";
  const body = rows.map((r) =>
    `| ${r.method} | ${(100 * r.top1).toFixed(2)}% | ${fmtParams(r.trainableParams)} | ` +
    `${r.computeSeconds.toFixed(1)} | ` +
    `${r.relativeCompute === null ? "–" : `${r.relativeCompute.toFixed(2)}x`} | ` +
    `${r.savingsPercent === null ? "–" : `${r.savingsPercent.toFixed(1)}%`} |`
  );
  return [head, sep, ...body].join("\n");
}

/** The comparison's `report.md`. */
export function formatReport(
  o: {
    id: string;
    shift: string;
    backend: string;
    rows: ComparisonRow[];
    pretrain: { runId: string; computeSeconds: number; cleanTop1: number };
    config: Record<string, unknown>;
  },
): string {
  return [
    `# digits-shift comparison ${o.id}`,
    "",
    `Shift: **${o.shift}**. Backend: **${o.backend}**. Split: ${o.config.pretrainSize} clean digits ` +
    `for pre-training, ${o.config.trainSize} shifted for adaptation, ${o.config.testSize} shifted ` +
    `for test (disjoint, seed ${o.config.seed}).`,
    "",
    formatTable(o.rows),
    "",
    ...(o.config.quick ? [QUICK_NOTE, ""] : []),
    `Compute is process CPU seconds of each run (all cores). Pre-training the first-order ` +
    `network (run ${o.pretrain.runId}) cost ${
      o.pretrain.computeSeconds.toFixed(1)
    } CPU s and reached ` +
    `${
      (100 * o.pretrain.cleanTop1).toFixed(2)
    }% top-1 on the clean test digits; it is sunk cost, ` +
    `not counted in the arms that start from it.`,
    "",
  ].join("\n");
}
