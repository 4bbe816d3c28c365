/**
 * The training loop's task options (`--lr`, `--optimizer`, `--schedule`,
 * ...), defined once: every task that exposes them gets the same flags,
 * checks and help, with its own defaults.
 *
 * @example
 * ```ts
 * import { type ConfigOf, loopTaskOption, taskOptions } from "@quadranet/core";
 * const options = taskOptions([loopTaskOption("lr", 3e-3), loopTaskOption("optimizer", "adamw")]);
 * type Config = ConfigOf<typeof options>; // { lr: number; optimizer: "adamw" | "sgd" }
 * ```
 * @module
 */
import type { OptionValue, TaskOption } from "../plugins/task.ts";
import { OPTIMIZER_KINDS } from "./optimizers.ts";
import { SCHEDULE_KINDS } from "./schedules.ts";

/** The loop options: type, checks and help of each. */
export const LOOP_OPTIONS = {
  lr: { type: "number", min: 0, exclusiveMin: true, help: "base learning rate (above 0)" },
  optimizer: { type: "string", choices: OPTIMIZER_KINDS, help: "optimizer" },
  schedule: { type: "string", choices: SCHEDULE_KINDS, help: "learning-rate schedule" },
  weightDecay: { type: "number", min: 0, help: "weight decay" },
  labelSmoothing: { type: "number", min: 0, max: 0.99, help: "label smoothing" },
  clipNorm: { type: "number", min: 0, help: "global gradient-norm clip (0: off)" },
} as const satisfies Record<string, Omit<TaskOption, "name" | "default">>;

/** A loop option's name. */
export type LoopOptionName = keyof typeof LOOP_OPTIONS;

/** The task option `name` of {@link LOOP_OPTIONS} with the task's default. */
export function loopTaskOption<
  const N extends LoopOptionName,
  const D extends OptionValue<(typeof LOOP_OPTIONS)[N]["type"]>,
>(name: N, defaultValue: D): (typeof LOOP_OPTIONS)[N] & { name: N; default: D } {
  return { ...LOOP_OPTIONS[name], name, default: defaultValue };
}
