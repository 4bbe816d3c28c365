/**
 * The arms of the ImageNet comparison, in report order: zero-shot, a linear
 * probe, full fine-tuning, LoRA, quadratic adaptation (ours) and the two
 * from-scratch networks. The same method definitions as the default task
 * (adapters through `adapt()`, same parameter groups), written against this
 * task's settings so the two tasks can evolve apart.
 *
 * @example
 * ```ts
 * import type { tf } from "@quadranet/core";
 * import { type ArmSettings, IMAGENET_ARM_DEFS } from "./arms.ts";
 * declare const pretrained: tf.LayersModel, settings: ArmSettings;
 * const arm = IMAGENET_ARM_DEFS.find((a) => a.name === "linear-probe")!;
 * const { model, stages } = arm.build(pretrained, settings)!;
 * ```
 * @module
 */
import { adapt, cloneModel, type Stage, type tf } from "@quadranet/core";

/** The network family: how to build a fresh one, its adapter targets and head. */
export interface Architecture {
  name: string;
  /** Input side in pixels. */
  size: number;
  /** A freshly initialised first-order network, deterministic in `seed`. */
  build(seed: number): tf.LayersModel;
  /** Adapter targets for a built network. */
  targets(model: tf.LayersModel): string[];
  /** The classifier layer(s). */
  head: string[];
}

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
}

/** One method of the comparison; `build` returns null for the untrained zero-shot arm. */
export interface Arm {
  name: string;
  description: string;
  /** Starts from the comparison's starting network (pre-trained only when `--weights` was given). */
  fromPretrained: boolean;
  build(p: tf.LayersModel, s: ArmSettings): { model: tf.LayersModel; stages: Stage[] } | null;
}

const ALL: Stage["train"] = ["primary", "quadratic", "head", "norm"];

function quadratic(p: tf.LayersModel, s: ArmSettings, trainPrimary = false): tf.LayersModel {
  return adapt(p, {
    rank: s.rank,
    alpha: s.alpha,
    kernel: s.kernel,
    backprop: s.backprop,
    targets: s.arch.targets(p),
    seed: s.seed,
    ...(trainPrimary ? { trainPrimary } : {}),
  });
}

/** The arms, in report order. */
export const IMAGENET_ARM_DEFS: Arm[] = [
  {
    name: "zero-shot",
    description: "the pre-trained network as is",
    fromPretrained: true,
    build: () => null,
  },
  {
    name: "linear-probe",
    description: "train the classifier only (body and norms frozen)",
    fromPretrained: true,
    build: (p, s) => ({
      model: cloneModel(p),
      stages: [{ name: "probe", train: ["head"], epochs: s.epochs }],
    }),
  },
  {
    name: "finetune",
    description: "full fine-tuning of the first-order network",
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
        targets: s.arch.targets(p),
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
      model: quadratic(p, s),
      stages: [{ name: "quadratic", train: ["quadratic", "head", "norm"], epochs: s.epochs }],
    }),
  },
  {
    name: "quadratic-scratch",
    description: "the same quadratic network trained from scratch",
    fromPretrained: false,
    build: (_p, s) => ({
      model: quadratic(s.arch.build(s.seed + 1000), s, true),
      stages: [{ name: "scratch", train: ALL, epochs: s.scratchEpochs }],
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
];
