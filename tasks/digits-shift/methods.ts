/**
 * The arms of a comparison: how each builds its model from the pre-trained
 * network (or from scratch) and which parameter groups it trains. Every arm
 * shares the split, seeds, loop, optimizer and schedule; adapters share
 * targets; each arm has its own learning rate (searched on the validation
 * split, `lrs.ts`). The arm constructors are the task layer's
 * (`tasks/shared/arms.ts`).
 *
 * @example
 * ```ts
 * import { ARM_NAMES } from "./methods.ts";
 * ARM_NAMES.includes("lora-matched"); // true
 * ```
 * @module
 */
import { adapterSummary, type tf } from "@quadranet/core";
import {
  type Arm,
  type ArmSettings,
  cloneArm,
  loraArm,
  loraModel,
  quadraticArm,
  quadraticModel,
  scratchArm,
  TRAIN_FIRST_ORDER,
  untrainedArm,
} from "../shared/arms.ts";

export type { Arm, ArmSettings } from "../shared/arms.ts";

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
  const quad = count(quadraticModel(p, s));
  const perRank = count(loraModel(p, s, 1));
  return Math.max(1, Math.round(quad / perRank));
}

/** The arms, in report order. */
export const ARMS: Arm[] = [
  untrainedArm("zero-shot", "pre-trained network as is"),
  cloneArm("norm-head", "BatchNorm scale/offset and the head only", "norm-head", ["head", "norm"]),
  cloneArm(
    "linear",
    "fine-tune all weights of the first-order network",
    "finetune",
    TRAIN_FIRST_ORDER,
  ),
  loraArm("lora", "LoRA at the quadratic adapter's rank, with norms and head"),
  loraArm(
    "lora-matched",
    "LoRA with as many adapter parameters as the quadratic adapter",
    matchedLoraRank,
  ),
  quadraticArm(
    "quadratic",
    "quadratic adaptation (ours): quadratic term, norms and head; primary frozen",
    "quadratic",
  ),
  quadraticArm(
    "quadratic-joint",
    "quadratic adaptation with the primary weights trainable too",
    "joint",
    { joint: true },
  ),
  scratchArm("first-order-scratch", "the first-order network trained from scratch", {
    quadratic: false,
  }),
  scratchArm("quadratic-scratch", "the same quadratic network trained from scratch", {
    quadratic: true,
  }),
];

/** Arm names, in report order. */
export const ARM_NAMES = ARMS.map((a) => a.name);
