/**
 * Shared post-processing of detection heads: the best-k candidates of a
 * score map (on the device, read back asynchronously), then class-wise NMS
 * with `tf.image.nonMaxSuppressionAsync`. Nothing here calls `dataSync`, so
 * it runs on GPU backends where synchronous reads are not allowed.
 *
 * @example
 * ```ts
 * import { classwiseNms } from "./postprocess.ts";
 * const kept = await classwiseNms({
 *   boxes: new Float32Array([0, 0, 10, 10, 1, 1, 10, 10]),
 *   scores: new Float32Array([0.9, 0.8]),
 *   labels: new Int32Array([0, 0]),
 * }, { iouThreshold: 0.5, maxDetections: 10 }); // keeps the first box only
 * ```
 * @module
 */
import { tf } from "@quadranet/core";
import type { Detections } from "@quadranet/core";

/**
 * Indices and values of the `k` largest entries of a 1-D score tensor, read
 * back asynchronously (tfjs' `topk` has no gradient; none is needed here).
 */
export async function topKAsync(
  scores: tf.Tensor1D,
  k: number,
): Promise<{ values: Float32Array; indices: Int32Array }> {
  const n = Math.min(k, scores.size);
  if (n <= 0) return { values: new Float32Array(0), indices: new Int32Array(0) };
  const { values, indices } = tf.topk(scores, n, true);
  try {
    return {
      values: (await values.data()) as Float32Array,
      indices: (await indices.data()) as Int32Array,
    };
  } finally {
    values.dispose();
    indices.dispose();
  }
}

/**
 * Class-wise NMS: boxes of different classes never suppress each other (each
 * class is shifted to its own region of the plane, then one NMS runs), at most
 * `maxDetections` kept, best score first.
 */
export async function classwiseNms(
  candidates: Detections,
  { iouThreshold, maxDetections }: { iouThreshold: number; maxDetections: number },
): Promise<Detections> {
  const n = candidates.scores.length;
  if (n === 0 || maxDetections <= 0) {
    return { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
  }
  const { boxes, scores, labels } = candidates;
  let extent = 0;
  for (const v of boxes) extent = Math.max(extent, Math.abs(v));
  const shift = 2 * extent + 1;
  const yxyx = new Float32Array(4 * n); // nonMaxSuppression wants [y1, x1, y2, x2]
  for (let i = 0; i < n; i++) {
    const o = labels[i] * shift;
    yxyx[4 * i] = boxes[4 * i + 1] + o;
    yxyx[4 * i + 1] = boxes[4 * i] + o;
    yxyx[4 * i + 2] = boxes[4 * i + 3] + o;
    yxyx[4 * i + 3] = boxes[4 * i + 2] + o;
  }
  const boxT = tf.tensor2d(yxyx, [n, 4]);
  const scoreT = tf.tensor1d(scores);
  const keptT = await tf.image.nonMaxSuppressionAsync(boxT, scoreT, maxDetections, iouThreshold);
  const kept = (await keptT.data()) as Int32Array;
  boxT.dispose();
  scoreT.dispose();
  keptT.dispose();
  const out = {
    boxes: new Float32Array(4 * kept.length),
    scores: new Float32Array(kept.length),
    labels: new Int32Array(kept.length),
  };
  kept.forEach((k, i) => {
    out.boxes.set(boxes.subarray(4 * k, 4 * k + 4), 4 * i);
    out.scores[i] = scores[k];
    out.labels[i] = labels[k];
  });
  return out;
}

/** Clips `[x1, y1, x2, y2]` boxes in place to `[0, width] × [0, height]`. */
export function clipBoxes(boxes: Float32Array, [height, width]: [number, number]): Float32Array {
  for (let i = 0; i < boxes.length; i += 4) {
    boxes[i] = Math.min(Math.max(boxes[i], 0), width);
    boxes[i + 1] = Math.min(Math.max(boxes[i + 1], 0), height);
    boxes[i + 2] = Math.min(Math.max(boxes[i + 2], 0), width);
    boxes[i + 3] = Math.min(Math.max(boxes[i + 3], 0), height);
  }
  return boxes;
}

/** Checks decode options, naming the bad key. */
export function checkDecodeOptions(
  o: {
    scoreThreshold: number;
    maxDetections: number;
    iouThreshold: number;
    inputSize: [number, number];
  },
): void {
  if (!(o.maxDetections >= 1) || !Number.isInteger(o.maxDetections)) {
    throw new RangeError(
      `decode: maxDetections must be a positive integer; got ${o.maxDetections}`,
    );
  }
  if (!(o.iouThreshold >= 0 && o.iouThreshold <= 1)) {
    throw new RangeError(`decode: iouThreshold must lie in [0, 1]; got ${o.iouThreshold}`);
  }
  if (!Number.isFinite(o.scoreThreshold)) {
    throw new RangeError(`decode: scoreThreshold must be a number; got ${o.scoreThreshold}`);
  }
  if (
    !Array.isArray(o.inputSize) || o.inputSize.length !== 2 ||
    !(o.inputSize[0] > 0 && o.inputSize[1] > 0)
  ) {
    throw new RangeError(`decode: inputSize must be [height, width] in pixels; got ${o.inputSize}`);
  }
}
