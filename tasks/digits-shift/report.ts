/**
 * A comparison's `report.md`: the setting, the protocol table and its notes.
 *
 * @example
 * ```ts
 * import { buildComparison } from "../protocol/comparison.ts";
 * import { formatReport } from "./report.ts";
 * const comparison = buildComparison([], {
 *   target: { kind: "absolute", top1: 0.9 },
 *   pairedWith: "quadratic",
 * });
 * formatReport({ title: "t", setting: "s", comparison, config: { epochs: 3 } }).startsWith("# t");
 * ```
 * @module
 */
import type { Comparison } from "../protocol/comparison.ts";
import { formatComparisonNotes, formatComparisonTable } from "../protocol/comparison_table.ts";

/** Said under every `--quick` table: its sizes are far too small to compare methods. */
export const QUICK_NOTE =
  "note: --quick uses tiny sizes (1 epoch, a few hundred digits) to check that everything runs; " +
  "its numbers say nothing about the methods (trained arms may fall below zero-shot). " +
  "Run without --quick for the comparison.";

/** The Markdown report of one comparison (with {@link QUICK_NOTE} under a `--quick` table). */
export function formatReport(o: {
  title: string;
  setting: string;
  comparison: Comparison;
  config: Record<string, unknown>;
}): string {
  const c = o.config;
  return [
    `# ${o.title}`,
    "",
    o.setting,
    "",
    formatComparisonTable(o.comparison),
    "",
    ...(c.quick ? [QUICK_NOTE, ""] : []),
    ...formatComparisonNotes(o.comparison).map((n) => `- ${n}`),
    `- Budgets: ${c.epochs} epochs for the adapting arms, ${c.scratchEpochs} for the from-scratch ` +
    `arms; schedule ${c.schedule} (warmup ${c.warmupSteps} steps` +
    (c.schedule === "wcc"
      ? `, cooldown over the last ${100 * (c.cooldownFraction as number)}%`
      : "") +
    `); ${c.checksPerEpoch} validation checks per epoch; batch ${c.batchSize}; ${c.optimizer}.`,
    "",
  ].join("\n");
}
