/**
 * Options of the `coco` task, full-size defaults and the `--quick` sizes.
 * @module
 */
import type { TaskOption } from "@quadranet/core";
import { methodsOption, runIdOption, seedOption, workersOption } from "../shared/options.ts";
import { sizeOption, withSizes as withPresets } from "../shared/sizes.ts";

/** The comparison's arms. */
export const ARM_NAMES = ["frozen", "full", "lora", "quadratic"] as const;
/** One arm. */
export type ArmName = typeof ARM_NAMES[number];

/** Full-size defaults and what `--quick` uses where no value was given (`[full, quick]`). */
export const SIZES: Record<string, [number, number]> = {
  epochs: [10, 6],
  pretrainEpochs: [2, 1],
  pretrainSize: [4000, 300],
  trainImages: [1000, 96],
  valImages: [300, 24],
  inputSize: [64, 32],
  headWidth: [64, 8],
  maxTrainImages: [0, 0],
  maxValImages: [0, 0],
};

/** Defaults that differ between digits-detect and a user's COCO folder (`[digits, --data]`). */
export const BY_DATA: Record<string, [number, number]> = {
  flip: [0, 0.5],
};

/** The learning rate of every arm with `--data` (a user's COCO folder). */
export const COCO_LR = 3e-3;

/**
 * The learning rate of each arm on digits-detect, chosen per arm by AP on a validation split held
 * out of the train images (`--hold-out 200`, seed 1, 10 epochs, head width 64; never the reported
 * val split; 2026-11-27) from 0.001 / 0.003 / 0.01 / 0.03 / 0.1: every choice has a worse rate on
 * each side. Table and commands in the README's detection section. `--lr` overrides it for every
 * arm.
 */
export const DIGITS_ARM_LRS: Record<ArmName, number> = {
  frozen: 3e-3,
  full: 1e-2,
  lora: 3e-2,
  quadratic: 1e-2,
};

/**
 * The rate of every arm on digits-detect with `--quick` (6 epochs on 96 images: 0.003 leaves every
 * arm at 0 AP there, 0.01 gives AP50 0.6-2.8).
 */
export const QUICK_DIGITS_LR = 1e-2;

/** The learning rate `arm` trains with: `--lr` if given, else the dataset's default for the arm. */
export function armLr(config: Record<string, unknown>, arm: ArmName): number {
  if (typeof config.lr === "number") return config.lr;
  if (config.data) return COCO_LR;
  return config.quick ? QUICK_DIGITS_LR : DIGITS_ARM_LRS[arm];
}

const sized = (name: string, help: string, min = 0): TaskOption =>
  sizeOption(SIZES, name, help, min);

/** The options of `coco`. */
export const COCO_OPTIONS: TaskOption[] = [
  {
    name: "data",
    type: "string",
    default: "",
    help:
      "COCO folder (annotations/instances_SPLIT.json + SPLIT/); empty: the embedded digits-detect",
  },
  {
    name: "trainSplit",
    type: "string",
    default: "",
    help: "train split (default train2017, or train for digits-detect)",
  },
  {
    name: "valSplit",
    type: "string",
    default: "",
    help: "val split (default val2017, or val for digits-detect)",
  },
  {
    name: "digitsDir",
    type: "string",
    default: "data/digits-detect",
    help: "where digits-detect is generated",
  },
  {
    name: "backbone",
    type: "string",
    default: "resnet18_w8",
    help: "registered backbone (featuresOnly stages feed the head)",
  },
  {
    name: "weights",
    type: "string",
    default: "",
    help:
      "pre-trained backbone (.safetensors or model.json); empty: pre-train on MNIST digits (cached)",
  },
  {
    name: "head",
    type: "string",
    default: "centernet",
    choices: ["fcos", "centernet"],
    help: "detection head",
  },
  methodsOption(ARM_NAMES),
  seedOption("seed of data, init, order"),
  runIdOption("comparison id (default from head, seed, time)"),
  sized("epochs", "training epochs per arm", 1),
  sized("pretrainEpochs", "backbone pre-training epochs on MNIST classification", 1),
  sized("pretrainSize", "MNIST digits for pre-training", 10),
  sized("trainImages", "digits-detect train images generated", 1),
  sized("valImages", "digits-detect val images generated", 1),
  sized("inputSize", "network input side (letterbox; 512 for COCO)", 16),
  sized("headWidth", "channels of the head's convs", 4),
  sized("maxTrainImages", "use at most this many train images (0: all)"),
  sized("maxValImages", "evaluate at most this many val images (0: all)"),
  { name: "batchSize", type: "number", integer: true, min: 1, default: 16, help: "batch size" },
  {
    name: "lr",
    type: "number",
    min: 0,
    default: undefined,
    help: `base learning rate of every arm (AdamW, cosine; default: per arm on digits-detect, ${
      Object.entries(DIGITS_ARM_LRS).map(([a, v]) => `${a} ${v}`).join(", ")
    }, ${QUICK_DIGITS_LR} with --quick; ${COCO_LR} with --data)`,
  },
  {
    name: "holdOut",
    type: "number",
    integer: true,
    min: 0,
    default: 0,
    help: "train on all but the last N train images and evaluate on those N instead of the val " +
      "split (to choose settings without the reported split); 0: off",
  },
  { name: "weightDecay", type: "number", min: 0, default: 1e-4, help: "weight decay" },
  {
    name: "warmupSteps",
    type: "number",
    integer: true,
    min: 0,
    default: 20,
    help: "linear warmup steps",
  },
  {
    name: "clipNorm",
    type: "number",
    min: 0,
    default: 10,
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
    name: "flip",
    type: "number",
    min: 0,
    max: 1,
    default: undefined,
    help: `horizontal-flip probability in training (default ${
      BY_DATA.flip[0]
    } on digits-detect: a mirrored digit is no digit; ${BY_DATA.flip[1]} with --data)`,
  },
  workersOption(1, "decode workers (0: main thread)"),
  {
    name: "previewImages",
    type: "number",
    integer: true,
    min: 0,
    default: 4,
    help: "val images drawn in preview.svg",
  },
  {
    name: "scoreThreshold",
    type: "number",
    min: 0,
    max: 1,
    default: 0.05,
    help: "evaluation score threshold",
  },
];

/** Fills the size defaults (full or `--quick`) and those that depend on `--data`. */
export function withSizes(config: Record<string, unknown>): Record<string, unknown> {
  const out = withPresets(SIZES, config);
  for (const [k, [digits, data]] of Object.entries(BY_DATA)) {
    if (out[k] === undefined) out[k] = config.data ? data : digits;
  }
  return out;
}
