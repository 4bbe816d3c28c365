/**
 * The pipeline meets the training loop: a {@link BatchLoader} as the core's
 * `BatchStream` (tensors per batch, augmentation seeded per step) and a
 * streamed evaluation (top-1, top-5, loss; semantic top-1 with a hierarchy).
 *
 * @example
 * ```ts
 * import type { tf } from "@quadranet/core";
 * import { type BatchLoader, evaluateStream, ImageBatchStream } from "@quadranet/datasets";
 * declare const model: tf.LayersModel, trainLoader: BatchLoader<number>, valLoader: BatchLoader<number>;
 * const stream = new ImageBatchStream(trainLoader); // trainLoop({ train: stream, ... })
 * const m = await evaluateStream(model, valLoader, { batchSize: 64 });
 * ```
 * @module
 */
import { type BatchStream, crossEntropy, type EvalMetrics, tf, topKCounts } from "@quadranet/core";
import type { BatchLoader, BatchPlan } from "./pipeline/loader.ts";
import { SemanticSoftmax } from "./semantic_softmax.ts";

/** Batches of a loader as tensors for `trainLoop`. */
export class ImageBatchStream implements BatchStream {
  /** Streams the batches of `loader`. */
  constructor(readonly loader: BatchLoader<number>) {}

  /** Items in the source. */
  get length(): number {
    return this.loader.source.length;
  }

  /** Batches of `order` from batch `start` on, each augmented with `seedOf(batch)`. */
  async *batches(
    order: Int32Array,
    batchSize: number,
    start: number,
    seedOf: (batch: number) => number,
  ): AsyncGenerator<{ x: tf.Tensor; y: Int32Array }> {
    function* plans(): Generator<BatchPlan> {
      for (let b = start; b * batchSize < order.length; b++) {
        yield { indices: order.subarray(b * batchSize, (b + 1) * batchSize), seed: seedOf(b) };
      }
    }
    for await (const b of this.loader.batches(plans())) {
      yield { x: tf.tensor4d(b.x, [b.count, b.size, b.size, 3]), y: Int32Array.from(b.targets) };
    }
  }
}

/** Options of {@link evaluateStream}. */
export interface StreamEvalOptions {
  /** Examples per evaluation batch. */
  batchSize: number;
  /** With a hierarchy: the loss is the semantic loss and `semanticTop1` is reported. */
  semantic?: SemanticSoftmax;
  /** Evaluate only the first `limit` items (0: all). */
  limit?: number;
}

/** Evaluates `model` on every item of `loader` (eval transform; skipped files not counted). */
export async function evaluateStream(
  model: tf.LayersModel,
  loader: BatchLoader<number>,
  o: StreamEvalOptions,
): Promise<EvalMetrics & Record<string, number>> {
  const n = o.limit ? Math.min(o.limit, loader.source.length) : loader.source.length;
  function* plans(): Generator<BatchPlan> {
    for (let s = 0; s < n; s += o.batchSize) {
      yield {
        indices: Array.from({ length: Math.min(o.batchSize, n - s) }, (_, k) => s + k),
        seed: 0,
      };
    }
  }
  let top1 = 0, top5 = 0, lossSum = 0, count = 0;
  const levels = o.semantic?.levels ?? 0;
  const hits = new Array(levels).fill(0), counts = new Array(levels).fill(0);
  for await (const b of loader.batches(plans())) {
    if (b.count === 0) continue;
    const labels = Int32Array.from(b.targets);
    const { logits, loss } = tf.tidy(() => {
      const x = tf.tensor4d(b.x, [b.count, b.size, b.size, 3]);
      const out = model.apply(x, { training: false }) as tf.Tensor2D;
      const l = o.semantic ? o.semantic.loss(out, labels) : crossEntropy(out, labels);
      return { logits: out.dataSync() as Float32Array, loss: l.dataSync()[0] };
    });
    const classes = logits.length / b.count;
    const c = topKCounts(logits, classes, labels, Math.min(5, classes));
    top1 += c.top1;
    top5 += c.topk;
    lossSum += loss * b.count;
    count += b.count;
    if (o.semantic) {
      const h = o.semantic.levelHits(logits, labels);
      h.hits.forEach((v, l) => (hits[l] += v));
      h.counts.forEach((v, l) => (counts[l] += v));
    }
  }
  const d = Math.max(count, 1);
  const m: EvalMetrics & Record<string, number> = {
    top1: top1 / d,
    top5: top5 / d,
    loss: lossSum / d,
    count,
  };
  m.images = count; // kept in run records (count is not): the images actually evaluated
  if (o.semantic) m.semanticTop1 = SemanticSoftmax.semanticTop1(hits, counts);
  return m;
}
