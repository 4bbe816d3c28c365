/**
 * The arms of the ImageNet comparison, in report order: zero-shot, a linear
 * probe, full fine-tuning, LoRA, quadratic adaptation (ours) and the two
 * from-scratch networks. The same method definitions as the default task:
 * the task layer's arm constructors (`tasks/shared/arms.ts`; adapters through
 * `adapt()`, same parameter groups).
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
import {
  type Arm,
  cloneArm,
  loraArm,
  quadraticArm,
  scratchArm,
  TRAIN_FIRST_ORDER,
  untrainedArm,
} from "../shared/arms.ts";

export type { Architecture, Arm, ArmSettings } from "../shared/arms.ts";

/** The arms, in report order. */
export const IMAGENET_ARM_DEFS: Arm[] = [
  untrainedArm("zero-shot", "the pre-trained network as is"),
  cloneArm("linear-probe", "train the classifier only (body and norms frozen)", "probe", ["head"]),
  cloneArm(
    "finetune",
    "full fine-tuning of the first-order network",
    "finetune",
    TRAIN_FIRST_ORDER,
  ),
  loraArm("lora", "LoRA (first-order adapter), norms and head"),
  quadraticArm(
    "quadratic",
    "quadratic adaptation (ours): quadratic term, norms and head",
    "quadratic",
  ),
  scratchArm("quadratic-scratch", "the same quadratic network trained from scratch", {
    quadratic: true,
  }),
  scratchArm("first-order-scratch", "the first-order network trained from scratch", {
    quadratic: false,
  }),
];
