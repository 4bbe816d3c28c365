/**
 * A comparison's `report.md`: the setting, the protocol table and its notes.
 *
 * @example
 * ```ts
 * const md = formatReport({ title, setting, comparison, config });
 * ```
 * @module
 */
import type { Comparison } from "../protocol/comparison.ts";
import { formatComparisonNotes, formatComparisonTable } from "../protocol/comparison_table.ts";

/** The Markdown report of one comparison. */
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
