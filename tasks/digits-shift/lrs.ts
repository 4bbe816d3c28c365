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

/**
 * The grid `--lr-search` tries for every trained arm. Widened upward (1e-1
 * added, 1e-3 dropped: it was every arm's worst rate) after the first search
 * chose the old top, 3e-2, for seven of eight arms.
 */
export const LR_GRID = [3e-3, 1e-2, 3e-2, 1e-1];

/**
 * Chosen rates: `deno task train --lr-search` at the default sizes (seed 1,
 * validation top-1 after the full budget; grid {@link LR_GRID}; 2026-11-27,
 * table and cost in the README's "Results"). Three arms (norm-head,
 * quadratic-joint, first-order-scratch) still chose the grid's top, 1e-1;
 * lora-matched's choice is within half a point of its other rates (one seed).
 */
export const ARM_LRS: Record<string, number> = {
  "norm-head": 1e-1,
  "linear": 3e-2,
  "lora": 3e-2,
  "lora-matched": 3e-3,
  "quadratic": 3e-2,
  "quadratic-joint": 1e-1,
  "first-order-scratch": 1e-1,
  "quadratic-scratch": 3e-2,
};

/** The committed rate of `arm` (1e-2 for arms not in the table, e.g. from plugins). */
export function armLr(arm: string, table: Record<string, number> = ARM_LRS): number {
  return table[arm] ?? 1e-2;
}
