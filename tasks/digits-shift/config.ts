/**
 * The options of `digits-shift` and its config type, derived from them: the
 * flags, `--help`, validation and the typed config all come from
 * {@link DIGITS_SHIFT_OPTIONS} (the adapter flags from core's adapter option
 * table).
 *
 * @example
 * ```ts
 * import { resolveSizes } from "./config.ts";
 * const c = resolveSizes({ epochs: undefined, quick: true }); // c.epochs === 1
 * ```
 * @module
 */
import { adapterTaskOption, type ConfigOf, loopTaskOption, taskOptions } from "@quadranet/core";
import { ARM_NAMES } from "./methods.ts";
import { DEFAULT_TARGETS } from "./model.ts";
import { SHIFT_NAMES } from "./shifts.ts";

/** Full-size defaults, and what `--quick` uses instead where no value was given. */
export const SIZES = {
  epochs: [4, 1],
  scratchEpochs: [6, 1],
  pretrainEpochs: [3, 1],
  pretrainSize: [4000, 600],
  trainSize: [3000, 400],
  testSize: [3000, 400],
  width: [16, 8],
  warmupSteps: [20, 2],
} as const satisfies Record<string, readonly [number, number]>;

type SizeName = keyof typeof SIZES;

const size = <const N extends SizeName>(name: N, help: string, min = 0, max?: number) => ({
  name,
  type: "number" as const,
  integer: true,
  min,
  ...(max !== undefined ? { max } : {}),
  default: undefined,
  help: `${help} (default ${SIZES[name][0]}; --quick: ${SIZES[name][1]})`,
});

/** The options of `digits-shift`. */
export const DIGITS_SHIFT_OPTIONS = taskOptions([
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
  size("epochs", "adaptation epochs per arm", 1),
  size("scratchEpochs", "epochs of the from-scratch arms", 1),
  size("pretrainEpochs", "pre-training epochs on clean digits", 1),
  // Bounds that keep a run within reach: fail while parsing, not after records exist.
  size("pretrainSize", "clean digits for pre-training", 10, 10_000),
  size("trainSize", "shifted digits for adaptation", 10, 10_000),
  size("testSize", "shifted digits for test", 10, 10_000),
  size("width", "channels of the first conv (then 2×, 4×)", 1, 512),
  { name: "batchSize", type: "number", integer: true, min: 1, default: 64, help: "batch size" },
  loopTaskOption("lr", 3e-3),
  loopTaskOption("optimizer", "adamw"),
  loopTaskOption("schedule", "cosine"), // step: ×0.1 at 50% and 75%
  size("warmupSteps", "linear warmup steps"),
  loopTaskOption("weightDecay", 1e-4),
  loopTaskOption("labelSmoothing", 0),
  loopTaskOption("clipNorm", 0),
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
]);

/** The config as resolved from the options (sizes still unset where not given). */
export type DigitsShiftOptions = ConfigOf<typeof DIGITS_SHIFT_OPTIONS> & { quick?: boolean };

/** The config a comparison runs with: every size filled in. */
export type DigitsShiftConfig = Omit<DigitsShiftOptions, SizeName> & { [K in SizeName]: number };

/** Fills the size defaults (full or `--quick`). */
export function resolveSizes<C extends Partial<Record<SizeName, number>> & { quick?: boolean }>(
  config: C,
): Omit<C, SizeName> & { [K in SizeName]: number } {
  const sizes = Object.fromEntries(
    (Object.keys(SIZES) as SizeName[]).map((k) => [k, config[k] ?? SIZES[k][config.quick ? 1 : 0]]),
  ) as { [K in SizeName]: number };
  return { ...config, ...sizes };
}
