/**
 * Trains one arm: AdamW with warmup and cosine decay over letterboxed, flipped batches, the head's
 * loss, gradients into the arm's parameters only; evaluates after every epoch; writes the run record
 * (`metrics.jsonl`, `summary.json` with AP numbers and compute, `results.json`).
 * @module
 */
import {
  cpuSeconds,
  learningRate,
  Optimizer,
  Rng,
  RunRecord,
  type RunSummary,
  tf,
} from "@quadranet/core";
import {
  type CocoSource,
  type LetterboxPool,
  loadDetectionBatch,
  writeResults,
} from "@quadranet/coco";
import { join } from "node:path";
import type { Detector } from "./detector.ts";
import { type DetectorEval, evaluateDetector } from "./evaluate_detector.ts";

/** Loop settings of one arm. */
export interface ArmLoop {
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  warmupSteps: number;
  clipNorm: number;
  flip: number;
  seed: number;
  inputSize: [number, number];
  scoreThreshold: number;
  previewImages: number;
}

/** One optimisation step of `d`'s parameters on batch `x`; returns the loss before the update. */
export function trainStep(
  d: Detector,
  opt: Optimizer,
  x: tf.Tensor4D,
  targets: { boxes: Float32Array; labels: Int32Array }[],
  loop: Pick<ArmLoop, "clipNorm" | "inputSize">,
  lr: number,
): number {
  return tf.tidy(() => {
    // a frozen backbone runs outside the tape: no backward pass through it
    const fixed = d.trainBackbone ? null : d.backbone.apply(x, { training: false }) as tf.Tensor[];
    const { value, grads } = tf.variableGrads(() => {
      const feats = fixed ?? d.backbone.apply(x, { training: d.backboneTraining }) as tf.Tensor[];
      const outs = d.head.model.apply(feats, { training: true }) as tf.Tensor | tf.Tensor[];
      return d.head.loss([outs].flat(), targets, loop.inputSize);
    }, d.params.map((p) => p.variable));
    const loss = value.dataSync()[0];
    if (!Number.isFinite(loss)) return loss;
    let scale = 1;
    if (loop.clipNorm > 0) {
      const norm = Math.sqrt(
        tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0],
      );
      if (norm > loop.clipNorm) scale = loop.clipNorm / norm;
    }
    const byKey: Record<string, tf.Tensor> = {};
    for (const p of d.params) {
      const g = grads[p.variable.name];
      if (g) byKey[p.key] = scale === 1 ? g : tf.mul(g, scale);
    }
    opt.apply(d.params, byKey, lr);
    return loss;
  });
}

/** Trains and evaluates one arm into `record`; returns the final evaluation and summary. */
export async function trainArm(
  d: Detector,
  data: { train: CocoSource; trainIdx: number[]; val: CocoSource; valIdx: number[] },
  loop: ArmLoop,
  pool: LetterboxPool,
  record: RunRecord,
  o: { signal: { interrupted: boolean }; log(l: string): void; label: string },
): Promise<{ status: "completed" | "interrupted"; eval?: DetectorEval; summary: RunSummary }> {
  const wall0 = performance.now(), cpu0 = cpuSeconds();
  const opt = new Optimizer({ kind: "adamw", weightDecay: loop.weightDecay });
  const perEpoch = Math.ceil(data.trainIdx.length / loop.batchSize);
  const total = perEpoch * loop.epochs;
  const [H, W] = loop.inputSize;
  const perImage = d.trainBackbone
    ? 3 * (d.flops.backbone + d.flops.head)
    : d.flops.backbone + 3 * d.flops.head;
  let seen = 0, stepIndex = 0, last: DetectorEval | undefined;
  // training compute only: the time spent evaluating is taken out
  let evalWall = 0, evalCpu = 0;
  const compute = () => ({
    wallSeconds: (performance.now() - wall0) / 1000 - evalWall,
    cpuSeconds: cpuSeconds() - cpu0 - evalCpu,
    trainingFlops: perImage * seen,
  });
  await record.update({ params: { trainable: d.trainable, total: d.total } });
  for (let epoch = 0; epoch < loop.epochs; epoch++) {
    const order = new Rng(loop.seed * 131 + epoch).permutation(data.trainIdx.length);
    let sum = 0, n = 0;
    for (let b = 0; b < perEpoch; b++) {
      if (o.signal.interrupted) {
        await record.update({ status: "interrupted", compute: compute() });
        return { status: "interrupted", summary: record.summary };
      }
      const idx = Array.from(
        order.subarray(b * loop.batchSize, (b + 1) * loop.batchSize),
        (i) => data.trainIdx[i],
      );
      const batch = await loadDetectionBatch(data.train, idx, {
        inputSize: loop.inputSize,
        flip: loop.flip,
        seed: loop.seed * 7 + epoch,
      }, pool);
      const lr = learningRate(
        loop.lr,
        { kind: "cosine", warmupSteps: loop.warmupSteps, minScale: 0.01 },
        stepIndex,
        total,
      );
      const x = tf.tensor4d(batch.images, [idx.length, H, W, 3]);
      const loss = trainStep(d, opt, x, batch.targets, loop, lr);
      x.dispose();
      if (!Number.isFinite(loss)) {
        const msg =
          `loss became ${loss} at step ${stepIndex} of ${o.label}; lower --lr or raise --clip-norm`;
        await record.update({ status: "failed", error: msg, compute: compute() });
        throw new Error(msg);
      }
      seen += idx.length;
      stepIndex++;
      sum += loss;
      n++;
      if (stepIndex % 10 === 0 || stepIndex === total) {
        await record.log({ step: stepIndex, epoch, loss, lr });
      }
    }
    const e0 = performance.now(), c0 = cpuSeconds();
    last = await evaluateDetector(d, data.val, data.valIdx, {
      batchSize: loop.batchSize,
      inputSize: loop.inputSize,
      scoreThreshold: loop.scoreThreshold,
      keep: loop.previewImages,
    }, pool);
    await writeResults(join(record.dir, "results.json"), last.results); // every evaluation
    evalWall += (performance.now() - e0) / 1000;
    evalCpu += cpuSeconds() - c0;
    const m = last.coco.named;
    await record.log({
      step: stepIndex,
      epoch: epoch + 1,
      eval: true,
      ...m,
      trainLoss: sum / Math.max(1, n),
    });
    o.log(
      `${o.label} epoch ${epoch + 1}/${loop.epochs}: loss ${(sum / Math.max(1, n)).toFixed(4)} AP ${
        (100 * m.AP).toFixed(1)
      } AP50 ${(100 * m.AP50).toFixed(1)}`,
    );
    await record.update({ compute: compute(), final: { ...m }, epoch: epoch + 1 });
  }
  opt.dispose();
  await record.update({
    status: "completed",
    compute: compute(),
    final: last ? { ...last.coco.named } : undefined,
    perCategoryAp: last?.coco.perCategory,
    cocoSummary: last?.coco.lines,
  });
  return { status: "completed", eval: last, summary: record.summary };
}
