/**
 * Comparison tables: each arm's compute relative to a reference arm (by
 * default the from-scratch quadratic network) and the savings `1 − C / C_ref`
 * (METHOD.md §3), the same for every task.
 *
 * @example
 * ```ts
 * import { withSavings } from "@quadranet/core/records";
 * const base = { top1: 0.9, top5: 1, trainableParams: 10, wallSeconds: 1, trainingFlops: 1 };
 * const rows = withSavings([
 *   { ...base, method: "quadratic", computeSeconds: 30 },
 *   { ...base, method: "quadratic-scratch", computeSeconds: 120 },
 * ]);
 * console.log(rows[0].relativeCompute, rows[0].savingsPercent); // 0.25 75
 * ```
 * @module
 */
import type { ComparisonRow } from "./schema.ts";

/** A row before its relative compute is known. */
export type RowWithoutSavings = Omit<ComparisonRow, "relativeCompute" | "savingsPercent">;

/**
 * Fills `relativeCompute` (compute / the `reference` arm's) and
 * `savingsPercent` (`100 · (1 − relativeCompute)`); both null when the
 * reference arm is missing or took no compute.
 */
export function withSavings<R extends RowWithoutSavings>(
  rows: readonly R[],
  reference = "quadratic-scratch",
): (R & Pick<ComparisonRow, "relativeCompute" | "savingsPercent">)[] {
  const ref = rows.find((r) => r.method === reference)?.computeSeconds;
  return rows.map((r) => {
    const rel = ref ? r.computeSeconds / ref : null;
    return { ...r, relativeCompute: rel, savingsPercent: rel === null ? null : 100 * (1 - rel) };
  });
}
