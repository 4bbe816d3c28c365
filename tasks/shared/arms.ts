/**
 * The building blocks of a comparison's arms, shared by every classification
 * task (digits-shift, digits-upgrade, imagenet): the network family an arm
 * rebuilds ({@link Architecture}), what the arms read from a task's config
 * ({@link ArmSettings}), the adapted models (quadratic through `adapt()`, LoRA
 * with the scale of the equal-rank arm) and one constructor per kind of arm
 * (untrained, fine-tuned copy, quadratic, LoRA, from scratch), so a task lists
 * its arms by name, description and parameter groups only.
 *
 * @example
 * ```ts
 * import { cloneArm, quadraticArm, TRAIN_FIRST_ORDER } from "./arms.ts";
 * const arms = [
 *   cloneArm("linear", "fine-tune every weight", "finetune", TRAIN_FIRST_ORDER),
 *   quadraticArm("quadratic", "quadratic term, norms and head", "quadratic"),
 * ];
 * arms.map((a) => a.name); // ["linear", "quadratic"]
 * ```
 * @module
 */
import { adapt, cloneModel, type Stage, type tf } from "@quadranet/core";

/** The network family of a run: how to build a fresh one, its adapter targets and head. */
export interface Architecture {
  /** "digits_cnn" or a backbone name. */
  name: string;
  /** Input side in pixels. */
  size: number;
  /** A freshly initialised first-order network, deterministic in `seed`. */
  build(seed: number): tf.LayersModel;
  /** Default adapter targets for a built network. */
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
  /** Adapter targets (null or absent: the architecture's defaults). */
  targets?: string[] | null;
}

/** One method of the comparison. */
export interface Arm {
  name: string;
  description: string;
  /** Whether it starts from the pre-trained network (its compute excludes pre-training). */
  fromPretrained: boolean;
  /** Evaluated as is, never trained (one run, shared by every seed). */
  untrained?: boolean;
  /** Null for an untrained arm: evaluated, not trained. */
  build(
    pretrained: tf.LayersModel,
    s: ArmSettings,
  ): { model: tf.LayersModel; stages: Stage[] } | null;
}

/** Every parameter group (joint and from-scratch quadratic networks). */
export const TRAIN_ALL: Stage["train"] = ["primary", "quadratic", "head", "norm"];
/** The first-order network's weights, norms and head (fine-tuning, first-order from scratch). */
export const TRAIN_FIRST_ORDER: Stage["train"] = ["primary", "head", "norm"];
/** The adapter (quadratic or LoRA), norms and head; primary frozen. */
export const TRAIN_ADAPTER: Stage["train"] = ["quadratic", "head", "norm"];

/** The adapter targets of `model`: the settings' own, else the architecture's defaults. */
export function adapterTargets(s: ArmSettings, model: tf.LayersModel): string[] {
  return s.targets ?? s.arch.targets(model);
}

/** `p` with the quadratic adapter (a new model); `trainPrimary` leaves the primary weights trainable. */
export function quadraticModel(
  p: tf.LayersModel,
  s: ArmSettings,
  trainPrimary = false,
): tf.LayersModel {
  return adapt(p, {
    rank: s.rank,
    alpha: s.alpha,
    kernel: s.kernel,
    backprop: s.backprop,
    targets: adapterTargets(s, p),
    seed: s.seed,
    ...(trainPrimary ? { trainPrimary } : {}),
  });
}

/**
 * `p` with LoRA of `rank` (a new model). Alpha scales with the rank, so that
 * `alpha / rank` is the equal-rank arm's scale (alpha defaults to the rank).
 */
export function loraModel(p: tf.LayersModel, s: ArmSettings, rank = s.rank): tf.LayersModel {
  const alpha = (s.alpha ?? s.rank) * rank / s.rank;
  return adapt(p, { method: "lora", rank, alpha, targets: adapterTargets(s, p), seed: s.seed });
}

/** The pre-trained (or converged) network evaluated as is. */
export function untrainedArm(name: string, description: string): Arm {
  return { name, description, fromPretrained: true, untrained: true, build: () => null };
}

/** Per-arm count (epochs, rank) from the starting network and the settings. */
export type ArmCount = (p: tf.LayersModel, s: ArmSettings) => number;

/**
 * An arm that starts from the pre-trained network: `model(p, s)` trained in
 * the parameter groups `train`, one stage `stage` of `epochs(p, s)` epochs.
 */
function pretrainedArm(
  name: string,
  description: string,
  stage: string,
  train: Stage["train"],
  model: (p: tf.LayersModel, s: ArmSettings) => tf.LayersModel,
  epochs: ArmCount = (_p, s) => s.epochs,
): Arm {
  return {
    name,
    description,
    fromPretrained: true,
    build: (p, s) => ({
      model: model(p, s),
      stages: [{ name: stage, train, epochs: epochs(p, s) }],
    }),
  };
}

/**
 * A copy of the starting network trained in the parameter groups `train`
 * (stage `stage`) for `s.epochs`, or for `epochs(p, s)` when given.
 */
export function cloneArm(
  name: string,
  description: string,
  stage: string,
  train: Stage["train"],
  epochs?: ArmCount,
): Arm {
  return pretrainedArm(name, description, stage, train, (p) => cloneModel(p), epochs);
}

/** Quadratic adaptation of the starting network: primary frozen, or (`joint`) trainable too. */
export function quadraticArm(
  name: string,
  description: string,
  stage: string,
  { joint = false }: { joint?: boolean } = {},
): Arm {
  const train = joint ? TRAIN_ALL : TRAIN_ADAPTER;
  return pretrainedArm(name, description, stage, train, (p, s) => quadraticModel(p, s, joint));
}

/** LoRA on the starting network, at the settings' rank or at `rank(p, s)`. */
export function loraArm(
  name: string,
  description: string,
  rank: ArmCount = (_p, s) => s.rank,
): Arm {
  return pretrainedArm(
    name,
    description,
    "lora",
    TRAIN_ADAPTER,
    (p, s) => loraModel(p, s, rank(p, s)),
  );
}

/**
 * A fresh network (seed `s.seed + 1000`), first-order or with the quadratic
 * adapter and every weight trainable, trained for `s.scratchEpochs`.
 */
export function scratchArm(
  name: string,
  description: string,
  { quadratic }: { quadratic: boolean },
): Arm {
  return {
    name,
    description,
    fromPretrained: false,
    build: (_p, s) => {
      const fresh = s.arch.build(s.seed + 1000);
      return quadratic
        ? {
          model: quadraticModel(fresh, s, true),
          stages: [{ name: "scratch", train: TRAIN_ALL, epochs: s.scratchEpochs }],
        }
        : {
          model: fresh,
          stages: [{ name: "scratch", train: TRAIN_FIRST_ORDER, epochs: s.scratchEpochs }],
        };
    },
  };
}
