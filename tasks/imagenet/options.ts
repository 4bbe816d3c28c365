/**
 * Options of the `imagenet-1k` and `imagenet-21k-p` tasks, with full-size
 * defaults and the tiny sizes `--quick` uses where no value was given.
 *
 * @example
 * ```ts
 * import { withSizes } from "./options.ts";
 * const config = withSizes({ quick: true }); // backbone resnet18_w4, 32 px, ...
 * ```
 * @module
 */
import { adapterTaskOption, loopTaskOption, type TaskOption } from "@quadranet/core";

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
export const DEFAULT_ARMS = ["zero-shot", "linear-probe", "finetune", "lora", "quadratic"];

/** [full, --quick] defaults of the size options. */
const SIZES: Record<string, [unknown, unknown]> = {
  backbone: ["resnet50", "resnet18_w4"],
  imageSize: [undefined, 32],
  epochs: [5, 1],
  scratchEpochs: [10, 1],
  batchSize: [64, 8],
  perClass: [0, 0],
  valPerClass: [0, 0],
  warmupSteps: [100, 1],
};

const sized = (o: Omit<TaskOption, "default">): TaskOption => ({
  ...o,
  default: undefined,
  help: `${o.help} (default ${SIZES[o.name][0] ?? "the backbone's"}; --quick: ${SIZES[o.name][1]})`,
});

const int = (name: string, help: string, min = 0): TaskOption =>
  sized({ name, type: "number", integer: true, min, help });

/** The options of both ImageNet tasks. */
export const IMAGENET_OPTIONS: TaskOption[] = [
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
  sized({ name: "backbone", type: "string", help: "registered backbone" }),
  { name: "weights", type: "string", default: undefined, help: "pre-trained .safetensors" },
  int("imageSize", "input side in pixels", 8),
  int("perClass", "training images per class (0: all)"),
  int("valPerClass", "validation images per class (0: all)"),
  {
    name: "methods",
    type: "list",
    default: DEFAULT_ARMS,
    choices: [...IMAGENET_ARMS],
    help: "arms to run",
  },
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
  {
    name: "targets",
    type: "list",
    default: undefined,
    help: "layers to adapt (default: the backbone's)",
  },
  {
    name: "workers",
    type: "number",
    integer: true,
    min: 0,
    default: undefined,
    help: "decode worker threads (default: cores − 1, at least 1; 0 decodes on the main thread)",
  },
  {
    name: "prefetch",
    type: "number",
    integer: true,
    min: 1,
    default: 4,
    help: "batches decoded ahead of training",
  },
  { name: "seed", type: "number", integer: true, min: 0, default: 1, help: "seed" },
  { name: "runId", type: "string", default: undefined, help: "comparison id" },
  {
    name: "checkpointEvery",
    type: "number",
    integer: true,
    min: 0,
    default: 0,
    help: "also checkpoint every N steps",
  },
];

/** Fills the size defaults (full or `--quick`) and the worker count. */
export function withSizes(config: Record<string, unknown>): Record<string, unknown> {
  const out = { ...config };
  for (const [k, [full, quick]] of Object.entries(SIZES)) {
    if (out[k] === undefined && (config.quick ? quick : full) !== undefined) {
      out[k] = config.quick ? quick : full;
    }
  }
  out.workers ??= Math.max(1, Math.min(8, (navigator.hardwareConcurrency ?? 2) - 1));
  return out;
}
