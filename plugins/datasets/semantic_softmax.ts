/**
 * The semantic softmax of ImageNet-21K-P (Ridnik et al., "ImageNet-21K
 * Pretraining for the Masses", 2021): the classes split by hierarchy level,
 * one softmax over each level's classes, a sample's target on level l being
 * its class's ancestor-or-self there (levels deeper than its class are
 * skipped). Level l's loss is weighted by `N / N_{≥l}` (all classes over the
 * classes at level l or deeper, capped at 20, as the paper's code does) so
 * the few deep levels are not drowned by the shallow ones. Semantic top-1 is
 * the mean over levels of the top-1 within each level's softmax, counted
 * over the samples that have a target on that level.
 *
 * Levels with a single class are left out of loss and metric (their softmax
 * is constant), as in the paper's code. Differences from it: the deepest
 * level takes part (theirs drops it); the loss is the mean over the batch
 * (theirs a sum).
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { SemanticSoftmax } from "@quadranet/datasets";
 * const logits = tf.randomNormal([2, 3]); // 2 examples, 3 classes
 * const s = new SemanticSoftmax({ levels: [[0, 1], [2]], parent: [-1, -1, 0] });
 * const loss = s.loss(logits, new Int32Array([2, 1])); // scalar
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { ClassHierarchy } from "./types.ts";

/** Per-level softmax, loss weights, targets and accuracy for a class hierarchy. */
export class SemanticSoftmax {
  /** Each class's level. */
  readonly depth: Int32Array;
  /** Position of each class within its level. */
  readonly position: Int32Array;
  /** Loss weight of each level. */
  readonly weights: number[];
  readonly #levelIndex: tf.Tensor1D[];

  /** The semantic softmax of `hierarchy`, level weights capped at `maxWeight`. */
  constructor(readonly hierarchy: ClassHierarchy, maxWeight = 20) {
    const n = hierarchy.parent.length;
    this.depth = new Int32Array(n).fill(-1);
    this.position = new Int32Array(n).fill(-1);
    hierarchy.levels.forEach((cs, l) =>
      cs.forEach((c, p) => {
        this.depth[c] = l;
        this.position[c] = p;
      })
    );
    const missing = this.depth.findIndex((d) => d < 0);
    if (missing >= 0) throw new RangeError(`class ${missing} is on no level of the hierarchy`);
    const atOrBelow = hierarchy.levels.map((_, l) =>
      hierarchy.levels.slice(l).reduce((a, cs) => a + cs.length, 0)
    );
    this.weights = atOrBelow.map((k) => Math.min(maxWeight, n / k));
    this.#levelIndex = hierarchy.levels.map((cs) => tf.keep(tf.tensor1d(cs, "int32")));
  }

  /** Number of levels. */
  get levels(): number {
    return this.hierarchy.levels.length;
  }

  /** Targets per level: the position of the label's ancestor-or-self on level l, or −1. */
  targets(labels: Int32Array): Int32Array[] {
    const out = this.hierarchy.levels.map(() => new Int32Array(labels.length).fill(-1));
    labels.forEach((label, b) => {
      for (let c = label; c >= 0; c = this.hierarchy.parent[c]) {
        out[this.depth[c]][b] = this.position[c];
      }
    });
    return out;
  }

  /**
   * The weighted per-level cross-entropy, averaged over the batch. `logits`: [B, classes].
   * Intermediate tensors are left to the caller's `tf.tidy` (a training step's gradient scope).
   */
  loss(logits: tf.Tensor, labels: Int32Array, smoothing = 0): tf.Scalar {
    const targets = this.targets(labels);
    const terms: tf.Tensor[] = [];
    this.#levelIndex.forEach((idx, l) => {
      const n = idx.shape[0];
      if (n < 2) return; // a one-class softmax is constant
      const sub = tf.gather(logits, idx, 1); // [B, n_l]
      const t = targets[l];
      const mask = tf.tensor1d(Array.from(t, (v) => (v >= 0 ? 1 : 0)), "float32");
      const onehot = tf.oneHot(tf.tensor1d(Array.from(t, (v) => Math.max(v, 0)), "int32"), n);
      const soft = smoothing > 0 ? tf.add(tf.mul(onehot, 1 - smoothing), smoothing / n) : onehot;
      const ce = tf.neg(tf.sum(tf.mul(soft, tf.logSoftmax(sub)), 1)); // [B]
      terms.push(tf.mul(tf.sum(tf.mul(ce, mask)), this.weights[l]));
    });
    if (terms.length === 0) return tf.scalar(0);
    return tf.div(tf.addN(terms), labels.length) as tf.Scalar;
  }

  /** Hits and counts per level from logits ([B × classes], row-major). */
  levelHits(logits: Float32Array, labels: Int32Array): { hits: number[]; counts: number[] } {
    const classes = this.depth.length;
    const targets = this.targets(labels);
    const hits = this.hierarchy.levels.map(() => 0), counts = hits.slice();
    labels.forEach((_, b) => {
      const row = logits.subarray(b * classes, (b + 1) * classes);
      this.hierarchy.levels.forEach((cs, l) => {
        const t = targets[l][b];
        if (t < 0 || cs.length < 2) return;
        counts[l]++;
        let best = 0;
        for (let p = 1; p < cs.length; p++) if (row[cs[p]] > row[cs[best]]) best = p;
        if (best === t) hits[l]++;
      });
    });
    return { hits, counts };
  }

  /** Semantic top-1 from accumulated per-level hits and counts (levels with no samples left out). */
  static semanticTop1(hits: number[], counts: number[]): number {
    const acc = hits.map((h, l) => (counts[l] ? h / counts[l] : NaN)).filter((a) => !isNaN(a));
    return acc.length ? acc.reduce((a, b) => a + b, 0) / acc.length : 0;
  }

  /** Frees the index tensors. */
  dispose(): void {
    tf.dispose(this.#levelIndex);
  }
}
