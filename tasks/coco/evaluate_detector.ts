/**
 * Evaluation of a detector on a COCO split: letterboxed batches, the head's async decode, boxes
 * mapped back to image pixels, a results file, and `evaluateCoco` (pycocotools' numbers).
 * @module
 */
import { tf } from "@quadranet/core";
import {
  boxesToImage,
  type CocoEvalResult,
  type CocoResult,
  type CocoSource,
  detectionsToResults,
  evaluateCoco,
  type LetterboxPool,
  loadDetectionBatch,
  parseInstances,
} from "@quadranet/coco";
import type { Detector } from "./detector.ts";

/** Detections of one image in image pixels, for previews. */
export interface ImagePrediction {
  index: number;
  boxes: Float32Array;
  scores: Float32Array;
  labels: Int32Array;
}

/** What an evaluation gives. */
export interface DetectorEval {
  coco: CocoEvalResult;
  results: CocoResult[];
  /** The first `keep` images' detections. */
  predictions: ImagePrediction[];
}

/** Evaluates `d` on items `indices` of `source` (the ground truth is restricted to those images). */
export async function evaluateDetector(
  d: Detector,
  source: CocoSource,
  indices: readonly number[],
  o: { batchSize: number; inputSize: [number, number]; scoreThreshold: number; keep: number },
  pool: LetterboxPool,
): Promise<DetectorEval> {
  const results: CocoResult[] = [];
  const predictions: ImagePrediction[] = [];
  const [H, W] = o.inputSize;
  for (let s = 0; s < indices.length; s += o.batchSize) {
    const idx = indices.slice(s, s + o.batchSize);
    const batch = await loadDetectionBatch(source, idx, {
      inputSize: o.inputSize,
      flip: 0,
      seed: 0,
    }, pool);
    const outputs = tf.tidy(() => {
      const x = tf.tensor4d(batch.images, [idx.length, H, W, 3]);
      const feats = d.backbone.apply(x, { training: false }) as tf.Tensor[];
      return d.head.model.apply(feats, { training: false }) as tf.Tensor[];
    });
    const dets = await d.head.decode([outputs].flat(), {
      scoreThreshold: o.scoreThreshold,
      maxDetections: 100,
      iouThreshold: 0.6,
      inputSize: o.inputSize,
    });
    tf.dispose(outputs);
    dets.forEach((det, b) => {
      const truth = batch.truth[b];
      const boxes = boxesToImage(det.boxes, batch.plans[b]);
      results.push(
        ...detectionsToResults(truth.imageId, { ...det, boxes }, source.categoryIds, [
          truth.width,
          truth.height,
        ]),
      );
      if (predictions.length < o.keep) {
        predictions.push({ index: idx[b], boxes, scores: det.scores, labels: det.labels });
      }
    });
  }
  // ground truth of the evaluated images only (a subset run must not count unseen images as misses)
  const ids = new Set(indices.map((i) => source.describe(i).target.imageId));
  const gt = parseInstances({
    ...source.instances,
    images: source.instances.images.filter((im) => ids.has(im.id)),
    annotations: source.instances.annotations.filter((a) => ids.has(a.image_id)),
  });
  return { coco: evaluateCoco(gt, results), results, predictions };
}
