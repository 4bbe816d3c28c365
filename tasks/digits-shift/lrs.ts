/**
 * The learning rate of each arm, chosen by `deno task train digits-shift
 * --lr-search` (a grid on the validation split, one seed, the default sizes)
 * and committed here; `--lr` overrides it for every arm.
 *
 * @example
 * ```ts
 * import { armLr } from "./lrs.ts";
 * armLr("quadratic"); // 0.03
 * ```
 * @module
 */

/** The grid `--lr-search` tries for every trained arm. */
export const LR_GRID = [1e-3, 3e-3, 1e-2, 3e-2];

/**
 * Chosen rates: `deno task train --lr-search` at the default sizes (seed 1,
 * validation top-1 after the full budget; 2026-11-27, table and cost in the
 * README's "Results"). Seven of eight arms chose the grid's top rate: a wider grid
 * might choose higher.
 */
export const ARM_LRS: Record<string, number> = {
  "norm-head": 3e-2,
  "linear": 1e-2,
  "lora": 3e-2,
  "lora-matched": 3e-2,
  "quadratic": 3e-2,
  "quadratic-joint": 3e-2,
  "first-order-scratch": 3e-2,
  "quadratic-scratch": 3e-2,
};

/** The committed rate of `arm` (1e-2 for arms not in the table, e.g. from plugins). */
export function armLr(arm: string, table: Record<string, number> = ARM_LRS): number {
  return table[arm] ?? 1e-2;
}
