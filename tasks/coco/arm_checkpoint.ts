/**
 * An arm's checkpoint, at the end of an epoch or where an interrupted one stopped: every weight of
 * the detector (the backbone's, moving statistics and adapters included, and the head's), the
 * optimizer's moments and update count, and the loop's position (epoch and batch; the data order
 * and flips are drawn from the seed and the epoch, so the position is the whole RNG state) with the
 * epoch's loss so far. Written with the core's atomic checkpoint files under the arm's
 * `checkpoints/`, keeping only the latest.
 *
 * @example
 * ```ts
 * import { loadCheckpoint, Optimizer } from "@quadranet/core";
 * import { restoreArm, saveArmCheckpoint } from "./arm_checkpoint.ts";
 * import type { Detector } from "./detector.ts";
 * declare const detector: Detector;
 * const dir = "runs/cmp-lora/checkpoints";
 * const opt = new Optimizer({ kind: "adamw", weightDecay: 1e-4 });
 * await saveArmCheckpoint(dir, detector, opt, {
 *   epoch: 1, batch: 0, step: 6, epochLoss: { sum: 0, batches: 0 }, examples: 48, seed: 1,
 *   compute: { wallSeconds: 2, cpuSeconds: 3, trainingFlops: 1e9 },
 * });
 * const at = restoreArm(detector, opt, await loadCheckpoint(dir), dir); // { epoch: 1, batch: 0, ... }
 * ```
 * @module
 */
import {
  type CheckpointData,
  CheckpointError,
  type Compute,
  type Optimizer,
  Rng,
  saveCheckpoint,
  tf,
} from "@quadranet/core";
import type { Detector } from "./detector.ts";

/** Where an arm stands. */
export interface ArmPosition {
  /** The epoch it is in (0-based; epochs done when `batch` is 0). */
  epoch: number;
  /** The next batch of that epoch. */
  batch: number;
  /** Optimizer steps done. */
  step: number;
  /** The training loss summed over the epoch's batches done, and their count. */
  epochLoss: { sum: number; batches: number };
  /** Training images seen. */
  examples: number;
  /** Compute spent so far (training, with evaluation and checkpoint seconds apart). */
  compute: Compute;
}

/** Where an arm starts: nothing done. */
export function startPosition(): ArmPosition {
  return {
    epoch: 0,
    batch: 0,
    step: 0,
    epochLoss: { sum: 0, batches: 0 },
    examples: 0,
    compute: { wallSeconds: 0, cpuSeconds: 0, trainingFlops: 0 },
  };
}

/** The Rng seed that draws epoch `epoch`'s image order. */
export const orderSeed = (seed: number, epoch: number): number => seed * 131 + epoch;

/** The detector's weights by key: `backbone/I:NAME` and `head/I:NAME` (moving statistics too). */
function detectorWeights(d: Detector): Map<string, tf.LayerVariable> {
  const out = new Map<string, tf.LayerVariable>();
  d.backbone.weights.forEach((w, i) => out.set(`backbone/${i}:${w.originalName}`, w));
  d.head.model.weights.forEach((w, i) => out.set(`head/${i}:${w.originalName}`, w));
  return out;
}

/**
 * Writes the checkpoint of `d` and `opt` at `at` under `dir` (atomically; the previous one is
 * removed once this one is in place). Returns its folder.
 */
export function saveArmCheckpoint(
  dir: string,
  d: Detector,
  opt: Optimizer,
  at: ArmPosition & { seed: number },
): Promise<string> {
  const weights = Object.fromEntries([...detectorWeights(d)].map(([k, w]) => [k, w.read()]));
  return saveCheckpoint(dir, {
    weights,
    slots: opt.slots(),
    state: {
      step: at.step,
      next: { stage: 0, epoch: at.epoch, batch: at.batch },
      rng: new Rng(orderSeed(at.seed, at.epoch)).state,
      optimizerT: opt.t,
      examples: at.examples,
      // the manifest keeps numeric extras of `compute`: the epoch's loss so far rides along
      compute: {
        ...at.compute,
        epochLossSum: at.epochLoss.sum,
        epochLossBatches: at.epochLoss.batches,
      } as Compute,
    },
  }, 1);
}

/**
 * Puts checkpoint `ck` into `d` and `opt` (the checkpoint's tensors are disposed) and returns the
 * position it was taken at. A checkpoint of another model (weights missing or extra, shapes
 * differing) is a `CheckpointError` naming the checkpoint.
 */
export function restoreArm(
  d: Detector,
  opt: Optimizer,
  ck: CheckpointData,
  where: string,
): ArmPosition {
  try {
    const vars = detectorWeights(d);
    const missing = [...vars.keys()].filter((k) => !(k in ck.weights));
    const extra = Object.keys(ck.weights).filter((k) => !vars.has(k));
    const shape = [...vars].filter(([k, w]) =>
      k in ck.weights && ck.weights[k].shape.join("x") !== w.shape.join("x")
    ).map(([k]) => k);
    if (missing.length || extra.length || shape.length) {
      const list = (a: string[]) => a.slice(0, 3).join(", ") || "none";
      throw new CheckpointError(
        `Checkpoint ${where} does not fit this arm's detector (missing ${list(missing)}; ` +
          `unexpected ${list(extra)}; other shape ${list(shape)}): it was written by another ` +
          `config or version. Delete it to train the arm from its start`,
      );
    }
    for (const [k, w] of vars) w.write(ck.weights[k]);
    opt.restore(ck.slots, ck.state.optimizerT);
    const { epochLossSum, epochLossBatches, ...compute } = (ck.state.compute ??
      { wallSeconds: 0, cpuSeconds: 0, trainingFlops: 0 }) as Compute & Record<string, number>;
    return {
      epoch: ck.state.next.epoch,
      batch: ck.state.next.batch,
      step: ck.state.step,
      epochLoss: { sum: epochLossSum ?? 0, batches: epochLossBatches ?? 0 },
      examples: ck.state.examples,
      compute,
    };
  } finally {
    tf.dispose([...Object.values(ck.weights), ...Object.values(ck.slots)]);
  }
}
