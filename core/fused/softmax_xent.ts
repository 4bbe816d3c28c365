/**
 * Softmax cross-entropy with label smoothing, mean over the batch, as one
 * kernel forward and one backward where the backend has them, else
 * `tf.losses.softmaxCrossEntropy` (the same value).
 *
 * @example
 * ```ts
 * import { softmaxCrossEntropy, tf } from "@quadranet/core";
 * const loss = softmaxCrossEntropy(tf.tensor2d([[1, 0]]), tf.tensor2d([[0, 0]]));
 * // ln 2 ≈ 0.6931
 * ```
 * @module
 */
import { tf } from "../tf.ts";
import { FUSED, fusedKernelAvailable, runFused } from "./fused_ops.ts";

/**
 * Mean over the batch of `−Σ_j t_j log softmax(logits)_j` with smoothed
 * targets `t = labels·(1 − ls) + ls/C`; `labels` and `logits` are `[B, C]`.
 */
export function softmaxCrossEntropy(
  labels: tf.Tensor,
  logits: tf.Tensor,
  labelSmoothing = 0,
): tf.Scalar {
  if (labels.rank !== 2 || logits.rank !== 2 || !tf.util.arraysEqual(labels.shape, logits.shape)) {
    throw new Error(
      `softmaxCrossEntropy: labels [${labels.shape}] and logits [${logits.shape}] must both be [B, C]`,
    );
  }
  if (
    fusedKernelAvailable(FUSED.softmaxXent) && labels.dtype === "float32" &&
    logits.dtype === "float32"
  ) {
    const [loss, probs] = runFused(FUSED.softmaxXent, { labels, logits }, { labelSmoothing });
    probs.dispose();
    return loss as tf.Scalar;
  }
  return tf.losses.softmaxCrossEntropy(labels, logits, undefined, labelSmoothing) as tf.Scalar;
}

/** The gradient of {@link FUSED}.softmaxXent (registered by `installFusedOps`). @internal */
export const softmaxXentGradient: tf.GradConfig = {
  kernelName: FUSED.softmaxXent,
  inputsToSave: ["labels", "logits"],
  outputsToSave: [false, true],
  gradFunc: (dys, saved, attrs) => {
    const [dloss, dprobs] = dys as tf.Tensor[];
    const [labels, logits, probs] = saved;
    const ls = (attrs as unknown as { labelSmoothing: number }).labelSmoothing;
    return {
      logits: () =>
        runFused(FUSED.softmaxXentGrad, { dy: dloss, dprobs, probs, labels }, attrs!)[0],
      // −(1 − ls)·log softmax / B, times dloss (labels rarely need it).
      labels: () =>
        tf.mul(
          tf.logSoftmax(logits),
          tf.mul(dloss, -(1 - ls) / labels.shape[0]),
        ),
    };
  },
};
