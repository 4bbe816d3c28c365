/**
 * Options of the `imagenet-1k` and `imagenet-21k-p` tasks, with full-size
 * defaults and the tiny sizes `--quick` uses where no value was given.
 *
 * @example
 * ```ts
 * import { imagenetConfig } from "./options.ts";
 * const config = imagenetConfig({ quick: true, data: "/data/imagenet" });
 * config.backbone; // "resnet18_w4" (typed: string)
 * ```
 * @module
 */
import {
  adapterTaskOption,
  checkTaskConfig,
  type ConfigOf,
  loopTaskOption,
  taskOptions,
} from "@quadranet/core";
import {
  checkpointEveryOption,
  methodsOption,
  runIdOption,
  seedOption,
  targetsOption,
  workersOption,
} from "../shared/options.ts";
import { type QuickSizes, sizedOption, sizeOption, withSizes } from "../shared/sizes.ts";

/** Arms of the ImageNet comparison, in report order. */
export const IMAGENET_ARMS = [
  "zero-shot",
  "linear-probe",
  "finetune",
  "lora",
  "quadratic",
  "quadratic-scratch",
  "first-order-scratch",
] as const;

/** Arms run unless `--methods` says otherwise (from-scratch arms only when asked). */
export const DEFAULT_ARMS: readonly ImagenetArm[] = [
  "zero-shot",
  "linear-probe",
  "finetune",
  "lora",
  "quadratic",
];

/** One arm's name. */
export type ImagenetArm = typeof IMAGENET_ARMS[number];

/** [full, --quick] defaults of the size options (undefined: the backbone's own). */
const SIZES: QuickSizes = {
  backbone: ["resnet50", "resnet18_w4"],
  imageSize: [undefined, 32],
  epochs: [5, 1],
  scratchEpochs: [10, 1],
  batchSize: [64, 8],
  perClass: [0, 0],
  valPerClass: [0, 0],
  warmupSteps: [100, 1],
};

const int = <const N extends string>(name: N, help: string, min = 0) =>
  sizeOption(SIZES, name, help, min);

/** The options of both ImageNet tasks. */
export const IMAGENET_OPTIONS = taskOptions([
  { name: "data", type: "string", default: undefined, help: "dataset root folder (required)" },
  {
    name: "layout",
    type: "string",
    default: "auto",
    choices: ["auto", "image-folder", "ilsvrc2012", "imagenet-21k-p"],
    help: "dataset layout (auto: detected from the folder)",
  },
  { name: "labels", type: "string", default: undefined, help: "label file for a flat val/" },
  { name: "metaMat", type: "string", default: undefined, help: "the devkit's meta.mat" },
  {
    name: "wordnet",
    type: "string",
    default: undefined,
    help: "WordNet 3.0 data.noun for 21K-P (default /usr/share/wordnet/data.noun)",
  },
  sizedOption(SIZES, { name: "backbone", type: "string", help: "registered backbone" }),
  { name: "weights", type: "string", default: undefined, help: "pre-trained .safetensors" },
  sizedOption(
    SIZES,
    { name: "imageSize", type: "number", integer: true, min: 8, help: "input side in pixels" },
    "the backbone's",
  ),
  int("perClass", "training images per class (0: all)"),
  int("valPerClass", "validation images per class (0: all)"),
  methodsOption(IMAGENET_ARMS, DEFAULT_ARMS),
  int("epochs", "epochs per adapted arm", 1),
  int("scratchEpochs", "epochs of the from-scratch arms", 1),
  int("batchSize", "batch size", 1),
  loopTaskOption("lr", 1e-3),
  loopTaskOption("optimizer", "adamw"),
  loopTaskOption("schedule", "cosine"),
  int("warmupSteps", "linear warmup steps"),
  loopTaskOption("weightDecay", 0.05),
  loopTaskOption("labelSmoothing", 0.1),
  loopTaskOption("clipNorm", 0),
  adapterTaskOption("rank", 8),
  adapterTaskOption("alpha", undefined),
  adapterTaskOption("kernel", "quadratic"),
  adapterTaskOption("backprop", "autodiff"),
  targetsOption("layers to adapt (default: the backbone's)"),
  workersOption(
    undefined,
    "decode worker threads (default: cores − 1, at least 1; 0 decodes on the main thread)",
  ),
  {
    name: "prefetch",
    type: "number",
    integer: true,
    min: 1,
    default: 4,
    help: "batches decoded ahead of training",
  },
  seedOption("seed"),
  runIdOption("comparison id"),
  checkpointEveryOption("also checkpoint every N steps"),
]);

/** The options' values as given (size options and workers may be unset). */
type GivenConfig = ConfigOf<typeof IMAGENET_OPTIONS>;

/** Options {@link imagenetConfig} always fills. */
type Filled =
  | "backbone"
  | "epochs"
  | "scratchEpochs"
  | "batchSize"
  | "perClass"
  | "valPerClass"
  | "warmupSteps"
  | "workers";

/**
 * The resolved config of an ImageNet task: every option typed, the sizes and
 * the worker count filled; `quick` as given; `runId` the comparison's id.
 */
export type ImagenetConfig =
  & Omit<GivenConfig, Filled>
  & { [K in Filled]: NonNullable<GivenConfig[K]> }
  & { quick?: boolean };

/**
 * Fills the size defaults (full or `--quick`) and the worker count, and
 * checks every option's value (a stored config read back on `--resume`
 * too); keys that are not options are kept.
 */
export function imagenetConfig(config: Readonly<Record<string, unknown>>): ImagenetConfig {
  const out = withSizes(SIZES, config);
  out.workers ??= Math.max(1, Math.min(8, (navigator.hardwareConcurrency ?? 2) - 1));
  return {
    ...out,
    ...checkTaskConfig(IMAGENET_OPTIONS, out),
    quick: Boolean(out.quick),
  } as ImagenetConfig; // the sizes and workers are filled above
}
