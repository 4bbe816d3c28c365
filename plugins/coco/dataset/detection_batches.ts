/**
 * Detection batches: images letterboxed into one fixed input size (so a batch is padded to a
 * common `[H, W]`), optional seeded horizontal flips, training targets in input pixels (crowd
 * regions and empty boxes dropped) and the plans that map predictions back to image pixels.
 *
 * @example
 * ```ts
 * import { CocoSource, LetterboxPool, loadDetectionBatch, readInstances } from "@quadranet/coco";
 * const src = new CocoSource(await readInstances("gt.json"), "images/");
 * const pool = new LetterboxPool(1);
 * const batch = await loadDetectionBatch(src, [0, 1, 2, 3], { inputSize: [512, 512], flip: 0.5, seed: 1 }, pool);
 * ```
 * @module
 */
import { Rng } from "@quadranet/core";
import type { CocoSource, CocoTarget } from "./coco_source.ts";
import { trainingTarget } from "./coco_source.ts";
import type { LetterboxPool } from "./decode_pool.ts";
import { boxesToInput, type LetterboxPlan, planLetterbox } from "./letterbox.ts";

/** How a batch is made. */
export interface BatchOptions {
  /** Network input `[height, width]`. */
  inputSize: [number, number];
  /** Probability of a horizontal flip per image (0 for evaluation). */
  flip: number;
  /** Seed of the flips (combined with each image index, so a batch is reproducible). */
  seed: number;
}

/** One batch. */
export interface DetectionBatch {
  /** NHWC floats `[B·H·W·3]`. */
  images: Float32Array;
  /** Images in the batch. */
  batchSize: number;
  /** Network input `[height, width]`. */
  inputSize: [number, number];
  /** Training targets in input pixels. */
  targets: { boxes: Float32Array; labels: Int32Array }[];
  /** Letterbox plan per image (maps predictions back). */
  plans: LetterboxPlan[];
  /** The full ground truth per image (image pixels, crowd included). */
  truth: CocoTarget[];
}

/** Loads and decodes the items `indices` of `source` into one batch. */
export async function loadDetectionBatch(
  source: CocoSource,
  indices: readonly number[],
  opts: BatchOptions,
  pool: LetterboxPool,
): Promise<DetectionBatch> {
  const [H, W] = opts.inputSize;
  const per = H * W * 3;
  const images = new Float32Array(indices.length * per);
  const plans: LetterboxPlan[] = [];
  const targets: DetectionBatch["targets"] = [];
  const truth: CocoTarget[] = [];
  await Promise.all(indices.map(async (index, b) => {
    const rec = await source.read(index);
    const flip = opts.flip > 0 && new Rng(opts.seed * 1_000_003 + index).next() < opts.flip;
    const plan = planLetterbox(rec.target.width, rec.target.height, opts.inputSize, flip);
    const data = await pool.decode(rec.bytes, plan);
    images.set(data, b * per);
    const t = trainingTarget(rec.target);
    plans[b] = plan;
    targets[b] = { boxes: boxesToInput(t.boxes, plan), labels: t.labels };
    truth[b] = rec.target;
  }));
  return { images, batchSize: indices.length, inputSize: opts.inputSize, targets, plans, truth };
}
