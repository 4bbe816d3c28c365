/**
 * The arms of `digits-upgrade`: the converged first-order network as is;
 * its upgrade to quadratic (primary frozen, and everything trainable); a
 * control that keeps training the first-order network for the upgrade's
 * compute; and the quadratic network trained from scratch for the first-order
 * network's whole budget. Built from the task layer's arm constructors
 * (`tasks/shared/arms.ts`).
 *
 * @example
 * ```ts
 * const arms = upgradeArms();
 * arms.map((a) => a.name); // ["first-order", "upgrade", ...]
 * ```
 * @module
 */
import { stageTrainingFlops, type tf } from "@quadranet/core";
import {
  type Arm,
  type ArmSettings,
  cloneArm,
  quadraticArm,
  quadraticModel,
  scratchArm,
  TRAIN_ADAPTER,
  TRAIN_FIRST_ORDER,
  untrainedArm,
} from "../shared/arms.ts";

/**
 * Epochs of first-order training that cost what `epochs` of the upgrade
 * cost (analytic training FLOPs per example), at least 1.
 */
export function matchedEpochs(p: tf.LayersModel, s: ArmSettings, epochs: number): number {
  const q = quadraticModel(p, s);
  const upgrade = stageTrainingFlops(q, TRAIN_ADAPTER, s.arch.head).total;
  q.dispose();
  const first = stageTrainingFlops(p, TRAIN_FIRST_ORDER, s.arch.head).total;
  return Math.max(1, Math.round((epochs * upgrade) / first));
}

/** The arms, in report order; `scratchEpochs` is quadratic-scratch's budget. */
export function upgradeArms(): Arm[] {
  return [
    untrainedArm("first-order", "the converged first-order network as is"),
    quadraticArm(
      "upgrade",
      "upgrade to quadratic: quadratic term, norms and head; primary frozen",
      "upgrade",
    ),
    quadraticArm("upgrade-joint", "upgrade to quadratic with every weight trainable", "upgrade", {
      joint: true,
    }),
    cloneArm(
      "first-order-continue",
      "keep training the first-order network for the upgrade's compute (FLOPs)",
      "continue",
      TRAIN_FIRST_ORDER,
      (p, s) => matchedEpochs(p, s, s.epochs),
    ),
    scratchArm(
      "quadratic-scratch",
      "the quadratic network from scratch, for --scratch-epochs epochs",
      { quadratic: true },
    ),
  ];
}

/** Which digits-shift arm's searched learning rate each upgrade arm uses. */
export const LR_FROM: Record<string, string> = {
  "upgrade": "quadratic",
  "upgrade-joint": "quadratic-joint",
  "first-order-continue": "linear",
  "quadratic-scratch": "quadratic-scratch",
};
