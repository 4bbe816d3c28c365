/**
 * The options of `digits-shift` (flags, `--help`, validation; the adapter
 * flags from core's adapter option table) and its size presets: the default
 * run (≤ 10 min on 2 cores), `--full` and `--quick`.
 *
 * @example
 * ```ts
 * import { SIZES } from "./config.ts";
 * SIZES.seeds; // [3, 5, 2]: default, --full, --quick
 * ```
 * @module
 */
import { adapterTaskOption, type TaskOption, taskOptions } from "@quadranet/core";
import { ARM_NAMES } from "./methods.ts";
import { DEFAULT_TARGETS } from "./model.ts";
import { SHIFT_NAMES } from "./shifts.ts";
import {
  checkpointEveryOption,
  methodsOption,
  runIdOption,
  seedOption,
  targetsOption,
} from "../shared/options.ts";
import { sizeOption, type Sizes } from "../shared/sizes.ts";

/**
 * Sizes: the default run (≤ 10 min on 2 cores), `--full` (the whole protocol
 * with 5 seeds and larger splits at the default width: ~600 CPU s of training
 * steps; README "Results"), and `--quick`.
 */
export const SIZES: Sizes = {
  seeds: [3, 5, 2],
  epochs: [3, 3, 1],
  scratchEpochs: [6, 6, 2],
  pretrainEpochs: [3, 3, 1],
  pretrainSize: [4000, 4000, 600],
  trainSize: [1600, 2000, 300],
  validationSize: [400, 500, 100],
  testSize: [2000, 3000, 300],
  width: [8, 8, 4],
  warmupSteps: [10, 10, 2],
};

const int = (name: string, help: string, min = 0, max?: number): TaskOption =>
  sizeOption(SIZES, name, help, min, max);

/** The options of `digits-shift`. */
export const DIGITS_SHIFT_OPTIONS = taskOptions([
  {
    name: "shift",
    type: "string",
    default: "solarize",
    help: `domain shift: a registered shift plugin (built in: ${SHIFT_NAMES.join(", ")}; ` +
      "--plugin FILE adds more)",
  },
  methodsOption(ARM_NAMES),
  seedOption("seed of the split and pre-training; the first replicate seed"),
  int("seeds", "replicate seeds (seed, seed+1, …): init and batch order", 1),
  {
    name: "onlySeeds",
    type: "list",
    default: undefined,
    help: "train only these replicate seeds' runs of --run-id, no comparison record (parallel " +
      "processes; then run without it to assemble)",
  },
  {
    name: "full",
    type: "boolean",
    default: false,
    help: "the full protocol's sizes (wider network, more seeds and epochs; see README)",
  },
  {
    name: "lrSearch",
    type: "boolean",
    default: false,
    help: "run the per-arm learning-rate grid on the validation split (one seed) instead",
  },
  {
    name: "lrGrid",
    type: "list",
    default: undefined,
    help: "the rates --lr-search tries (default 0.003,0.01,0.03,0.1; a subset splits a search " +
      "over processes)",
  },
  {
    name: "target",
    type: "string",
    default: undefined,
    help: "target validation top-1 for savings: 0.9 (absolute) or 98% (of quadratic-scratch's " +
      "final; the default)",
  },
  runIdOption("comparison id (default from shift, seed, time)"),
  int("epochs", "adaptation epochs per arm", 1),
  int("scratchEpochs", "epochs of the from-scratch arms", 1),
  int("pretrainEpochs", "pre-training epochs on clean digits", 1),
  // Bounds that keep a run within reach: fail while parsing, not after records exist.
  int("pretrainSize", "clean digits for pre-training", 10, 10_000),
  int("trainSize", "shifted digits for adaptation", 10, 10_000),
  int(
    "validationSize",
    "shifted digits for validation, carved from the adaptation side",
    10,
    10_000,
  ),
  int("testSize", "shifted digits for test (read once, at the end)", 10, 10_000),
  int("width", "channels of the first conv (then 2×, 4×)", 1, 512),
  { name: "batchSize", type: "number", integer: true, min: 1, default: 64, help: "batch size" },
  {
    name: "lr",
    type: "number",
    min: 0,
    exclusiveMin: true, // --lr 0 fails while parsing, before any record
    default: undefined,
    help: "learning rate of every arm, above 0 (default: each arm's searched rate, " +
      "tasks/digits-shift/lrs.ts)",
  },
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
    default: "wcc",
    choices: ["wcc", "cosine", "constant", "step"],
    help: "learning-rate schedule (wcc: warmup–constant–cooldown; step: ×0.1 at 50% and 75%)",
  },
  int("warmupSteps", "linear warmup steps"),
  {
    name: "cooldownFraction",
    type: "number",
    min: 0,
    max: 1,
    default: 0.2,
    help: "wcc: the last fraction of steps that cools down",
  },
  {
    name: "checksPerEpoch",
    type: "number",
    integer: true,
    min: 1,
    default: 2,
    help: "validation checks per epoch (the points compute-to-target is read at)",
  },
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
  { ...adapterTaskOption("rank", 4), max: 256 }, // LoRA and ours; bounded: fails while parsing
  adapterTaskOption("alpha", undefined),
  adapterTaskOption("kernel", "quadratic"),
  adapterTaskOption("backprop", "autodiff"),
  {
    name: "backbone",
    type: "string",
    default: "digits_cnn",
    help:
      "first-order network: digits_cnn, or a registered backbone (e.g. resnet18_w8; digits padded to 32×32)",
  },
  targetsOption(
    `layers to adapt (default: the network's own: ${DEFAULT_TARGETS.join(",")} for digits_cnn)`,
  ),
  checkpointEveryOption(),
]);
