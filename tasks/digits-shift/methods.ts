/**
 * The arms of the digits-shift comparison: how each builds its model from
 * the pre-trained network (or from scratch) and which stages it trains.
 * Every arm shares the split, seed, loop, optimizer and schedule; adapters
 * share targets and rank.
 *
 * @example
 * ```ts
 * import type { tf } from "@quadranet/core";
 * import { ARMS, type ArmSettings } from "./methods.ts";
 * declare const pretrained: tf.LayersModel, settings: ArmSettings;
 * const arm = ARMS.find((a) => a.name === "quadratic")!;
 * const { model, stages } = arm.build(pretrained, settings)!; // null only for zero-shot
 * ```
 * @module
 */
import { adapt, cloneModel, type Stage, type tf } from "@quadranet/core";
import type { Architecture } from "./model.ts";

/** What the arms need from the resolved config. */
export interface ArmSettings {
  seed: number;
  arch: Architecture;
  epochs: number;
  scratchEpochs: number;
  lr: number;
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
  /** Null for zero-shot: evaluated, not trained. */
  build(
    pretrained: tf.LayersModel,
    s: ArmSettings,
  ): { model: tf.LayersModel; stages: Stage[] } | null;
}

const ALL = ["primary", "quadratic", "head", "norm"] as Stage["train"];

/** The six arms, in report order. */
export const ARMS: Arm[] = [
  {
    name: "zero-shot",
    description: "pre-trained network as is",
    fromPretrained: true,
    build: () => null,
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
    description: "LoRA (first-order adapter), norms and head",
    fromPretrained: true,
    build: (p, s) => ({
      model: adapt(p, {
        method: "lora",
        rank: s.rank,
        alpha: s.alpha,
        targets: targetsOf(s, p),
        seed: s.seed,
      }),
      stages: [{ name: "lora", train: ["quadratic", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "quadratic",
    description: "quadratic adaptation (ours): quadratic term, norms and head",
    fromPretrained: true,
    build: (p, s) => ({
      model: adapt(p, {
        rank: s.rank,
        alpha: s.alpha,
        kernel: s.kernel,
        backprop: s.backprop,
        targets: targetsOf(s, p),
        seed: s.seed,
      }),
      stages: [{ name: "quadratic", train: ["quadratic", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "quadratic-scratch",
    description: "the same quadratic network trained from scratch",
    fromPretrained: false,
    build: (_p, s) => {
      const fresh = s.arch.build(s.seed + 1000);
      return {
        model: adapt(fresh, {
          rank: s.rank,
          alpha: s.alpha,
          kernel: s.kernel,
          backprop: s.backprop,
          targets: targetsOf(s, fresh),
          seed: s.seed,
          trainPrimary: true,
        }),
        stages: [{ name: "scratch", train: ALL, epochs: s.scratchEpochs }],
      };
    },
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
];

/** Arm names, in report order. */
export const ARM_NAMES = ARMS.map((a) => a.name);
