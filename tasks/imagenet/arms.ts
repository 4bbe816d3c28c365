/**
 * The arms of the ImageNet comparison: the default task's arms (reused from
 * digits-shift) plus a linear probe, with full fine-tuning named `finetune`.
 *
 * @example
 * ```ts
 * const arm = IMAGENET_ARM_DEFS.find((a) => a.name === "linear-probe")!;
 * const { model, stages } = arm.build(pretrained, settings)!;
 * ```
 * @module
 */
import { cloneModel } from "@quadranet/core";
import { type Arm, ARMS } from "../digits-shift/methods.ts";

function arm(name: string): Arm {
  return ARMS.find((a) => a.name === name)!;
}

/** The arms, in report order. */
export const IMAGENET_ARM_DEFS: Arm[] = [
  arm("zero-shot"),
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
    ...arm("linear"),
    name: "finetune",
    description: "full fine-tuning of the first-order network",
  },
  arm("lora"),
  arm("quadratic"),
  arm("quadratic-scratch"),
  arm("first-order-scratch"),
];
