/**
 * Evaluation: top-1, top-5 and mean cross-entropy of a classifier over an
 * in-memory dataset, in batches, in inference mode.
 *
 * @example
 * ```ts
 * import { evaluate, tf } from "@quadranet/core";
 * const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] });
 * const x = tf.randomNormal([8, 4]), y = Int32Array.from([0, 1, 2, 0, 1, 2, 0, 1]);
 * const m = await evaluate(model, { x, y }, 256); // { top1, top5, loss, count: 8 }
 * ```
 * @module
 */
import { tf } from "../tf.ts";

/** Images (or features) and integer labels, first axis = examples. */
export interface Dataset {
  /** Inputs `[N, ...]`. */
  x: tf.Tensor;
  /** Class labels, length N. */
  y: Int32Array;
}

/** Classification metrics; accuracies in [0, 1]. */
export interface EvalMetrics {
  /** Top-1 accuracy in [0, 1]. */
  top1: number;
  /** Top-5 accuracy in [0, 1]. */
  top5: number;
  /** Mean cross-entropy. */
  loss: number;
  /** Examples evaluated. */
  count: number;
}

/**
 * Counts of examples whose label is the arg-max (`top1`) or among the `k`
 * largest logits (`topk`). Ties rank the lower class index first, as arg-max
 * does; a NaN logit for the label never counts as a hit.
 */
export function topKCounts(
  logits: Float32Array,
  classes: number,
  labels: Int32Array,
  k: number,
): { top1: number; topk: number } {
  let top1 = 0, topk = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = logits.subarray(i * classes, (i + 1) * classes);
    const own = row[labels[i]];
    if (Number.isNaN(own)) continue;
    let higher = 0;
    for (let c = 0; c < classes; c++) {
      if (row[c] > own || (row[c] === own && c < labels[i])) higher++;
    }
    if (higher === 0) top1++;
    if (higher < k) topk++;
  }
  return { top1, topk };
}

/** Mean cross-entropy of softmax(`logits`) against integer labels. */
export function crossEntropy(logits: tf.Tensor2D, labels: Int32Array): tf.Scalar {
  return tf.tidy(() => {
    const onehot = tf.oneHot(tf.tensor1d(labels, "int32"), logits.shape[1]);
    return tf.losses.softmaxCrossEntropy(onehot, logits) as tf.Scalar;
  });
}

/**
 * Evaluates `model` (logits output) on `data`. Async: results are read with
 * `await data()`, which GPU backends in Deno need.
 */
export async function evaluate(
  model: tf.LayersModel,
  data: Dataset,
  batchSize = 256,
): Promise<EvalMetrics> {
  const n = data.y.length;
  let top1 = 0, top5 = 0, lossSum = 0;
  for (let s = 0; s < n; s += batchSize) {
    const e = Math.min(n, s + batchSize);
    const labels = data.y.subarray(s, e);
    const [out, lossT] = tf.tidy(() => {
      const xb = tf.slice(data.x, [s], [e - s]);
      const out = model.apply(xb, { training: false }) as tf.Tensor2D;
      return [out, crossEntropy(out, labels)];
    });
    const logits = await out.data() as Float32Array;
    const loss = (await lossT.data())[0];
    tf.dispose([out, lossT]);
    const classes = logits.length / (e - s);
    const c = topKCounts(logits, classes, labels, Math.min(5, classes));
    top1 += c.top1;
    top5 += c.topk;
    lossSum += loss * (e - s);
  }
  return { top1: top1 / n, top5: top5 / n, loss: lossSum / n, count: n };
}
