/**
 * Detection losses as plain, differentiable tfjs ops (elementwise; callers
 * weight, sum and normalise): sigmoid focal loss (RetinaNet/FCOS), GIoU loss
 * on `(l, t, r, b)` distances (FCOS), binary cross-entropy with logits
 * (centerness), the Gaussian-heatmap focal loss of CenterNet and masked L1.
 * Logs are taken through `softplus` so that large logits stay finite.
 *
 * @example
 * ```ts
 * import { tf } from "@quadranet/core";
 * import { sigmoidFocalLoss } from "./losses.ts";
 * const l = tf.sum(sigmoidFocalLoss(tf.tensor1d([0, 2]), tf.tensor1d([1, 0])));
 * ```
 * @module
 */
import { tf } from "@quadranet/core";

/** `−log σ(x)` and `−log(1 − σ(x))`, finite for any x. */
function negLogSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.softplus(tf.neg(x));
}

/**
 * Binary cross-entropy with logits, elementwise:
 * `t·softplus(−x) + (1 − t)·softplus(x)`.
 */
export function bceWithLogits(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor {
  return tf.tidy(() =>
    tf.add(
      tf.mul(targets, negLogSigmoid(logits)),
      tf.mul(tf.sub(1, targets), tf.softplus(logits)),
    )
  );
}

/**
 * Sigmoid focal loss (Lin et al., 2017), elementwise:
 * `α_t (1 − p_t)^γ · BCE(x, t)` with `p_t = p t + (1−p)(1−t)`,
 * `α_t = α t + (1−α)(1−t)`. Targets are 0/1 (one-hot over classes).
 */
export function sigmoidFocalLoss(
  logits: tf.Tensor,
  targets: tf.Tensor,
  { alpha = 0.25, gamma = 2 }: { alpha?: number; gamma?: number } = {},
): tf.Tensor {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits);
    const pt = tf.add(tf.mul(p, targets), tf.mul(tf.sub(1, p), tf.sub(1, targets)));
    const alphaT = tf.add(tf.mul(targets, alpha), tf.mul(tf.sub(1, targets), 1 - alpha));
    const modulator = tf.pow(tf.sub(1, pt), gamma);
    return tf.mul(tf.mul(alphaT, modulator), bceWithLogits(logits, targets));
  });
}

/**
 * GIoU loss `1 − GIoU` between boxes given as distances `(l, t, r, b) ≥ 0`
 * from the same point, shapes `[..., 4]` → `[...]`. Both boxes contain the
 * point, so intersection and enclosure follow from min/max of the distances.
 */
export function giouLoss(pred: tf.Tensor, target: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const [pl, pt, pr, pb] = tf.unstack(pred, -1);
    const [tl, tt, tr, tb] = tf.unstack(target, -1);
    const areaP = tf.mul(tf.add(pl, pr), tf.add(pt, pb));
    const areaT = tf.mul(tf.add(tl, tr), tf.add(tt, tb));
    const wInt = tf.add(tf.minimum(pl, tl), tf.minimum(pr, tr));
    const hInt = tf.add(tf.minimum(pt, tt), tf.minimum(pb, tb));
    const inter = tf.mul(wInt, hInt);
    const union = tf.sub(tf.add(areaP, areaT), inter);
    const wEnc = tf.add(tf.maximum(pl, tl), tf.maximum(pr, tr));
    const hEnc = tf.add(tf.maximum(pt, tt), tf.maximum(pb, tb));
    const enclosing = tf.mul(wEnc, hEnc);
    const eps = 1e-7;
    const iou = tf.div(inter, tf.add(union, eps));
    const giou = tf.sub(iou, tf.div(tf.sub(enclosing, union), tf.add(enclosing, eps)));
    return tf.sub(1, giou);
  });
}

/**
 * CenterNet's penalty-reduced focal loss on a Gaussian heatmap (Law & Deng;
 * Zhou et al., 2019), summed over all elements and divided by the number of
 * peaks (1 if none):
 * `−Σ [y=1] (1−p)^α log p + [y<1] (1−y)^β p^α log(1−p)`.
 * `peaks` is 1 exactly at the object centres (built on the CPU from the
 * targets, since tfjs' `equal` has no gradient).
 */
export function gaussianFocalLoss(
  logits: tf.Tensor,
  heatmap: tf.Tensor,
  peaks: tf.Tensor,
  numPeaks: number,
  { alpha = 2, beta = 4 }: { alpha?: number; beta?: number } = {},
): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.sigmoid(logits);
    const pos = tf.mul(tf.mul(tf.pow(tf.sub(1, p), alpha), negLogSigmoid(logits)), peaks);
    const negWeight = tf.mul(tf.pow(tf.sub(1, heatmap), beta), tf.sub(1, peaks));
    const neg = tf.mul(tf.mul(negWeight, tf.pow(p, alpha)), tf.softplus(logits));
    return tf.div(tf.sum(tf.add(pos, neg)), Math.max(1, numPeaks)) as tf.Scalar;
  });
}

/** `Σ mask · |pred − target| / max(1, Σ mask)`; `mask` broadcasts over `pred`. */
export function maskedL1(
  pred: tf.Tensor,
  target: tf.Tensor,
  mask: tf.Tensor,
  count: number,
): tf.Scalar {
  return tf.tidy(() =>
    tf.div(tf.sum(tf.mul(tf.abs(tf.sub(pred, target)), mask)), Math.max(1, count)) as tf.Scalar
  );
}
