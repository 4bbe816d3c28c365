/**
 * The arms of `digits-upgrade`: the converged first-order network as is;
 * its upgrade to quadratic (primary frozen, and everything trainable); a
 * control that keeps training the first-order network for the upgrade's
 * compute; and the quadratic network trained from scratch for the first-order
 * network's whole budget.
 *
 * @example
 * ```ts
 * const arms = upgradeArms();
 * arms.map((a) => a.name); // ["first-order", "upgrade", ...]
 * ```
 * @module
 */
import { adapt, cloneModel, type Stage, stageTrainingFlops, type tf } from "@quadranet/core";
import type { Arm, ArmSettings } from "../digits-shift/methods.ts";

const ALL = ["primary", "quadratic", "head", "norm"] as Stage["train"];
const FIRST_ORDER = ["primary", "head", "norm"] as Stage["train"];
const UPGRADE = ["quadratic", "head", "norm"] as Stage["train"];

function quadratic(p: tf.LayersModel, s: ArmSettings, trainPrimary = false) {
  return adapt(p, {
    rank: s.rank,
    alpha: s.alpha,
    kernel: s.kernel,
    backprop: s.backprop,
    targets: s.targets ?? s.arch.targets(p),
    seed: s.seed,
    ...(trainPrimary ? { trainPrimary } : {}),
  });
}

/**
 * Epochs of first-order training that cost what `epochs` of the upgrade
 * cost (analytic training FLOPs per example), at least 1.
 */
export function matchedEpochs(p: tf.LayersModel, s: ArmSettings, epochs: number): number {
  const q = quadratic(p, s);
  const upgrade = stageTrainingFlops(q, UPGRADE, s.arch.head).total;
  q.dispose();
  const first = stageTrainingFlops(p, FIRST_ORDER, s.arch.head).total;
  return Math.max(1, Math.round((epochs * upgrade) / first));
}

/** The arms, in report order; `scratchEpochs` is the converged network's budget. */
export function upgradeArms(): Arm[] {
  return [
    {
      name: "first-order",
      description: "the converged first-order network as is",
      fromPretrained: true,
      untrained: true,
      build: () => null,
    },
    {
      name: "upgrade",
      description: "upgrade to quadratic: quadratic term, norms and head; primary frozen",
      fromPretrained: true,
      build: (p, s) => ({
        model: quadratic(p, s),
        stages: [{ name: "upgrade", train: UPGRADE, epochs: s.epochs }],
      }),
    },
    {
      name: "upgrade-joint",
      description: "upgrade to quadratic with every weight trainable",
      fromPretrained: true,
      build: (p, s) => ({
        model: quadratic(p, s, true),
        stages: [{ name: "upgrade", train: ALL, epochs: s.epochs }],
      }),
    },
    {
      name: "first-order-continue",
      description: "keep training the first-order network for the upgrade's compute (FLOPs)",
      fromPretrained: true,
      build: (p, s) => ({
        model: cloneModel(p),
        stages: [{ name: "continue", train: FIRST_ORDER, epochs: matchedEpochs(p, s, s.epochs) }],
      }),
    },
    {
      name: "quadratic-scratch",
      description: "the quadratic network from scratch, for the first-order network's budget",
      fromPretrained: false,
      build: (_p, s) => ({
        model: quadratic(s.arch.build(s.seed + 1000), s, true),
        stages: [{ name: "scratch", train: ALL, epochs: s.scratchEpochs }],
      }),
    },
  ];
}

/** Which digits-shift arm's searched learning rate each upgrade arm uses. */
export const LR_FROM: Record<string, string> = {
  "upgrade": "quadratic",
  "upgrade-joint": "quadratic-joint",
  "first-order-continue": "linear",
  "quadratic-scratch": "quadratic-scratch",
};
