/**
 * The arms of a comparison: how each builds its model from the pre-trained
 * network (or from scratch) and which parameter groups it trains. Every arm
 * shares the split, seeds, loop, optimizer and schedule; adapters share
 * targets; each arm has its own learning rate (searched on the validation
 * split, `lrs.ts`).
 *
 * @example
 * ```ts
 * import { ARM_NAMES } from "./methods.ts";
 * ARM_NAMES.includes("lora-matched"); // true
 * ```
 * @module
 */
import { adapt, adapterSummary, cloneModel, type Stage, type tf } from "@quadranet/core";
import type { Architecture } from "./model.ts";

/** What the arms need from the resolved config. */
export interface ArmSettings {
  seed: number;
  arch: Architecture;
  epochs: number;
  scratchEpochs: number;
  rank: number;
  alpha?: number;
  kernel: string;
  backprop: string;
  /** Adapter targets (null: the architecture's defaults). */
  targets: string[] | null;
}

function targetsOf(s: ArmSettings, model: tf.LayersModel): string[] {
  return s.targets ?? s.arch.targets(model);
}

/** One method of the comparison. */
export interface Arm {
  name: string;
  description: string;
  /** Whether it starts from the pre-trained network (its compute excludes pre-training). */
  fromPretrained: boolean;
  /** Evaluated as is, never trained (one run, shared by every seed). */
  untrained?: boolean;
  /** Null for zero-shot: evaluated, not trained. */
  build(
    pretrained: tf.LayersModel,
    s: ArmSettings,
  ): { model: tf.LayersModel; stages: Stage[] } | null;
}

const ALL = ["primary", "quadratic", "head", "norm"] as Stage["train"];

function quadratic(p: tf.LayersModel, s: ArmSettings, trainPrimary = false) {
  return adapt(p, {
    rank: s.rank,
    alpha: s.alpha,
    kernel: s.kernel,
    backprop: s.backprop,
    targets: targetsOf(s, p),
    seed: s.seed,
    ...(trainPrimary ? { trainPrimary } : {}),
  });
}

function lora(p: tf.LayersModel, s: ArmSettings, rank: number) {
  // alpha scales with the rank so that s = alpha / rank matches the equal-rank arm's scale
  const alpha = (s.alpha ?? s.rank) * rank / s.rank;
  return adapt(p, { method: "lora", rank, alpha, targets: targetsOf(s, p), seed: s.seed });
}

/**
 * The LoRA rank whose adapter has about as many parameters as the quadratic
 * adapter of rank `s.rank` on the same targets (U and V and P against A and B).
 */
export function matchedLoraRank(p: tf.LayersModel, s: ArmSettings): number {
  const count = (m: tf.LayersModel) => {
    const n = adapterSummary(m).adapterParams;
    m.dispose();
    return n;
  };
  const quad = count(quadratic(p, s));
  const perRank = count(lora(p, s, 1));
  return Math.max(1, Math.round(quad / perRank));
}

/** The arms, in report order. */
export const ARMS: Arm[] = [
  {
    name: "zero-shot",
    description: "pre-trained network as is",
    fromPretrained: true,
    untrained: true,
    build: () => null,
  },
  {
    name: "norm-head",
    description: "BatchNorm scale/offset and the head only",
    fromPretrained: true,
    build: (p, s) => ({
      model: cloneModel(p),
      stages: [{ name: "norm-head", train: ["head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "linear",
    description: "fine-tune all weights of the first-order network",
    fromPretrained: true,
    build: (p, s) => ({
      model: cloneModel(p),
      stages: [{ name: "finetune", train: ["primary", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "lora",
    description: "LoRA at the quadratic adapter's rank, with norms and head",
    fromPretrained: true,
    build: (p, s) => ({
      model: lora(p, s, s.rank),
      stages: [{ name: "lora", train: ["quadratic", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "lora-matched",
    description: "LoRA with as many adapter parameters as the quadratic adapter",
    fromPretrained: true,
    build: (p, s) => ({
      model: lora(p, s, matchedLoraRank(p, s)),
      stages: [{ name: "lora", train: ["quadratic", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "quadratic",
    description: "quadratic adaptation (ours): quadratic term, norms and head; primary frozen",
    fromPretrained: true,
    build: (p, s) => ({
      model: quadratic(p, s),
      stages: [{ name: "quadratic", train: ["quadratic", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "quadratic-joint",
    description: "quadratic adaptation with the primary weights trainable too",
    fromPretrained: true,
    build: (p, s) => ({
      model: quadratic(p, s, true),
      stages: [{ name: "joint", train: ALL, epochs: s.epochs }],
    }),
  },
  {
    name: "first-order-scratch",
    description: "the first-order network trained from scratch",
    fromPretrained: false,
    build: (_p, s) => ({
      model: s.arch.build(s.seed + 1000),
      stages: [{ name: "scratch", train: ["primary", "head", "norm"], epochs: s.scratchEpochs }],
    }),
  },
  {
    name: "quadratic-scratch",
    description: "the same quadratic network trained from scratch",
    fromPretrained: false,
    build: (_p, s) => {
      const fresh = s.arch.build(s.seed + 1000);
      return {
        model: quadratic(fresh, s, true),
        stages: [{ name: "scratch", train: ALL, epochs: s.scratchEpochs }],
      };
    },
  },
];

/** Arm names, in report order. */
export const ARM_NAMES = ARMS.map((a) => a.name);
