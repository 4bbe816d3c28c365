/**
 * Trains one arm: AdamW with warmup and cosine decay over letterboxed, flipped batches, the head's
 * loss, gradients into the arm's parameters only; evaluates and checkpoints after every epoch (an
 * interrupted arm continues from its checkpoint exactly); writes the run record (`metrics.jsonl`,
 * `summary.json` with AP numbers and compute, `results.json`, `checkpoints/`).
 * @module
 */
import {
  type CheckpointData,
  CheckpointError,
  type Compute,
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
import {
  type ArmPosition,
  orderSeed,
  restoreArm,
  saveArmCheckpoint,
  startPosition,
} from "./arm_checkpoint.ts";
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

/**
 * One optimisation step of `d`'s parameters on batch `x`; returns the loss before the update. Host
 * reads go through `await data()` (GPU backends in Deno cannot read synchronously).
 */
export async function trainStep(
  d: Detector,
  opt: Optimizer,
  x: tf.Tensor4D,
  targets: { boxes: Float32Array; labels: Int32Array }[],
  loop: Pick<ArmLoop, "clipNorm" | "inputSize">,
  lr: number,
): Promise<number> {
  let value!: tf.Scalar, grads!: tf.NamedTensorMap, sqNorm: tf.Tensor | undefined;
  tf.tidy(() => {
    // a frozen backbone runs outside the tape: no backward pass through it
    const fixed = d.trainBackbone ? null : d.backbone.apply(x, { training: false }) as tf.Tensor[];
    const r = tf.variableGrads(() => {
      const feats = fixed ?? d.backbone.apply(x, { training: d.backboneTraining }) as tf.Tensor[];
      const outs = d.head.model.apply(feats, { training: true }) as tf.Tensor | tf.Tensor[];
      return d.head.loss([outs].flat(), targets, loop.inputSize);
    }, d.params.map((p) => p.variable));
    value = tf.keep(r.value);
    grads = r.grads;
    for (const g of Object.values(grads)) tf.keep(g);
    if (loop.clipNorm > 0) {
      sqNorm = tf.keep(tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))));
    }
  });
  try {
    const loss = (await value.data())[0];
    if (!Number.isFinite(loss)) return loss;
    let scale = 1;
    if (sqNorm) {
      const norm = Math.sqrt((await sqNorm.data())[0]);
      if (norm > loop.clipNorm) scale = loop.clipNorm / norm;
    }
    tf.tidy(() => {
      const byKey: Record<string, tf.Tensor> = {};
      for (const p of d.params) {
        const g = grads[p.variable.name];
        if (g) byKey[p.key] = scale === 1 ? g : tf.mul(g, scale);
      }
      opt.apply(d.params, byKey, lr);
    });
    return loss;
  } finally {
    tf.dispose([value, sqNorm ?? [], ...Object.values(grads)]);
  }
}

/** How {@link trainArm} reports and stops; `resumeFrom`: the arm's checkpoint to continue from. */
export interface ArmHooks {
  signal: { interrupted: boolean };
  log(l: string): void;
  label: string;
  /** A checkpoint of this arm (read with `loadCheckpoint`) and its folder, for messages. */
  resumeFrom?: { checkpoint: CheckpointData; path: string };
}

/** The images an arm trains on and is evaluated on (indices into each source). */
export interface ArmData {
  train: CocoSource;
  trainIdx: number[];
  val: CocoSource;
  valIdx: number[];
}

/** How an arm's training ended: the final evaluation (when completed) and its summary. */
export type ArmOutcome = {
  status: "completed" | "interrupted";
  eval?: DetectorEval;
  summary: RunSummary;
};

/**
 * Trains and evaluates one arm into `record`, writing a checkpoint under `record.checkpoints` after
 * every epoch; with `o.resumeFrom`, continues from that checkpoint step for step as if never
 * stopped. Returns the final evaluation and summary, or `interrupted` (when `o.signal` was set:
 * then a checkpoint of the batch it stopped before is written).
 */
export async function trainArm(
  d: Detector,
  data: ArmData,
  loop: ArmLoop,
  pool: LetterboxPool,
  record: RunRecord,
  o: ArmHooks,
): Promise<ArmOutcome> {
  const opt = new Optimizer({ kind: "adamw", weightDecay: loop.weightDecay });
  try {
    return await trainArmWith(opt, d, data, loop, pool, record, o);
  } finally {
    opt.dispose();
  }
}

async function trainArmWith(
  opt: Optimizer,
  ...[d, data, loop, pool, record, o]: Parameters<typeof trainArm>
): Promise<ArmOutcome> {
  const perEpoch = Math.ceil(data.trainIdx.length / loop.batchSize);
  const total = perEpoch * loop.epochs;
  const [H, W] = loop.inputSize;
  const perImage = d.trainBackbone
    ? 3 * (d.flops.backbone + d.flops.head)
    : d.flops.backbone + 3 * d.flops.head;
  const at: ArmPosition = o.resumeFrom
    ? restoreArm(d, opt, o.resumeFrom.checkpoint, o.resumeFrom.path)
    : startPosition();
  if (
    at.step !== at.epoch * perEpoch + at.batch || at.batch >= perEpoch ||
    at.epoch > loop.epochs || (at.epoch === loop.epochs && at.batch > 0)
  ) {
    throw new CheckpointError(
      `Checkpoint ${o.resumeFrom?.path} is at step ${at.step} (epoch ${at.epoch}, batch ` +
        `${at.batch}), which does not fit ${loop.epochs} epochs of ${perEpoch} steps: the data ` +
        `or batch size changed since it was written. Delete it to train the arm ${o.label} from ` +
        `its start`,
    );
  }
  if (o.resumeFrom) {
    o.log(
      `${o.label}: resuming at epoch ${at.epoch + 1}, batch ${at.batch + 1} of ${perEpoch} ` +
        `(${o.resumeFrom.path})`,
    );
  }
  let seen = at.examples, stepIndex = at.step, last: DetectorEval | undefined;
  // training compute only: evaluating and checkpointing taken out (checkpoint CPU kept apart)
  const wall0 = performance.now(), cpu0 = cpuSeconds();
  let asideWall = 0, evalCpu = 0, ckCpu = 0;
  const compute = (): Compute => ({
    wallSeconds: at.compute.wallSeconds + (performance.now() - wall0) / 1000 - asideWall,
    cpuSeconds: at.compute.cpuSeconds + cpuSeconds() - cpu0 - evalCpu - ckCpu,
    trainingFlops: perImage * seen,
    // no evalSeconds: in a summary it marks analytic FLOPs, and these are 3x-forward estimates
    checkpointSeconds: (at.compute.checkpointSeconds ?? 0) + ckCpu,
  });
  const aside = async <T>(f: () => Promise<T>): Promise<{ value: T; cpu: number }> => {
    const w0 = performance.now(), c0 = cpuSeconds();
    const value = await f();
    asideWall += (performance.now() - w0) / 1000;
    return { value, cpu: cpuSeconds() - c0 };
  };
  const evaluate = async () => {
    const { value, cpu } = await aside(async () => {
      const e = await evaluateDetector(d, data.val, data.valIdx, {
        batchSize: loop.batchSize,
        inputSize: loop.inputSize,
        scoreThreshold: loop.scoreThreshold,
        keep: loop.previewImages,
      }, pool);
      await writeResults(join(record.dir, "results.json"), e.results); // every evaluation
      return e;
    });
    evalCpu += cpu;
    return value;
  };
  let savedStep = o.resumeFrom ? at.step : -1;
  const checkpoint = async (epoch: number, batch: number, sum: number, batches: number) => {
    const saved = await aside(() =>
      saveArmCheckpoint(record.checkpoints, d, opt, {
        epoch,
        batch,
        step: stepIndex,
        epochLoss: { sum, batches },
        examples: seen,
        compute: compute(),
        seed: loop.seed,
      })
    );
    ckCpu += saved.cpu;
    savedStep = stepIndex;
    return saved.value;
  };
  await record.update({ params: { trainable: d.trainable, total: d.total } });
  for (let epoch = at.epoch; epoch < loop.epochs; epoch++) {
    const order = new Rng(orderSeed(loop.seed, epoch)).permutation(data.trainIdx.length);
    const first = epoch === at.epoch ? at.batch : 0;
    let sum = first ? at.epochLoss.sum : 0, n = first ? at.epochLoss.batches : 0;
    for (let b = first; b < perEpoch; b++) {
      if (o.signal.interrupted) {
        // where it stopped: a resume continues with this batch
        const path = stepIndex === savedStep ? undefined : await checkpoint(epoch, b, sum, n);
        await record.update({
          status: "interrupted",
          compute: compute(),
          ...(path ? { checkpoint: path } : {}),
        });
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
      const loss = await trainStep(d, opt, x, batch.targets, loop, lr);
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
    last = await evaluate();
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
    const path = await checkpoint(epoch + 1, 0, 0, 0);
    await record.update({
      compute: compute(),
      final: { ...m },
      epoch: epoch + 1,
      checkpoint: path,
    });
  }
  // resumed from the last epoch's checkpoint (stopped before the record said completed)
  last ??= await evaluate();
  await record.update({
    status: "completed",
    compute: compute(),
    final: { ...last.coco.named },
    perCategoryAp: last.coco.perCategory,
    cocoSummary: last.coco.lines,
  });
  return { status: "completed", eval: last, summary: record.summary };
}
