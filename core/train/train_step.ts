/**
 * One optimisation step of the training loop (forward, loss, gradients,
 * clipping, the optimizer update) and the loop's small helpers: weight keys
 * and restore for checkpoints, trainable groups, augmentation seeds, extra
 * metrics.
 *
 * @example
 * ```ts
 * import { type EvalMetrics, extraMetrics } from "@quadranet/core";
 * const m = { top1: 0.9, top5: 1, loss: 0.3, count: 10, semanticTop1: 0.95 };
 * extraMetrics(m as EvalMetrics); // { semanticTop1: 0.95 }
 * ```
 * @module
 */
import type { TrainOptions } from "./train_options.ts";
import { CheckpointError } from "../errors.ts";
import { type Dataset, type EvalMetrics } from "./evaluate.ts";
import { Optimizer } from "./optimizers.ts";
import { type GroupedParam, type ParamGroup } from "./param_groups.ts";
import { Rng } from "./rng.ts";
import { tf } from "../tf.ts";
import { sumOfSquares } from "../fused/optimizer_update.ts";
import { softmaxCrossEntropy } from "../fused/softmax_xent.ts";

/** Keys of every model weight, for checkpoints (`index:originalName`). */
export function weightKeys(model: tf.LayersModel): string[] {
  return model.weights.map((w, i) => `${i}:${w.originalName}`);
}

/** Writes checkpoint `weights` into `model`, refusing a mismatch. @internal */
export function restoreWeights(model: tf.LayersModel, weights: Record<string, tf.Tensor>): void {
  const keys = weightKeys(model);
  const missing = keys.filter((k) => !(k in weights));
  const unexpected = Object.keys(weights).filter((k) => !keys.includes(k));
  if (missing.length || unexpected.length) {
    throw new CheckpointError(
      `Checkpoint does not match the model: missing ${missing.slice(0, 5).join(", ") || "none"}; ` +
        `unexpected ${unexpected.slice(0, 5).join(", ") || "none"}. Resume with the same config.`,
    );
  }
  model.weights.forEach((w, i) => w.write(weights[keys[i]]));
}

/** Marks the weights of `groups` trainable (the rest frozen) and returns them. @internal */
export function setTrainable(params: GroupedParam[], groups: ParamGroup[]): GroupedParam[] {
  for (const p of params) p.weight.trainable = groups.includes(p.group);
  return params.filter((p) => groups.includes(p.group));
}

/** The seed of step `stepIndex`'s augmentation. */
export function stepSeed(seed: number, stepIndex: number): number {
  return seed * 1_000_003 + stepIndex;
}

/** Metrics beyond top-1/top-5/loss/count (e.g. semantic top-1), for logs and summaries. */
export function extraMetrics(m: EvalMetrics): Record<string, number> {
  const { top1: _a, top5: _b, loss: _c, count: _d, ...rest } = m as
    & EvalMetrics
    & Record<string, number>;
  return rest;
}

/**
 * One optimisation step on a batch (`idx` into an in-memory set, or a
 * streamed batch); returns the loss. Host reads go through `await data()`:
 * GPU backends in Deno (webgpu) cannot read synchronously.
 */
export async function step(
  o: TrainOptions,
  params: GroupedParam[],
  opt: Optimizer,
  batch: Int32Array | { x: tf.Tensor; y: Int32Array },
  lr: number,
  training: boolean,
  stepIndex: number,
): Promise<number> {
  let value!: tf.Scalar, grads!: tf.NamedTensorMap, sqNorm: tf.Tensor | undefined;
  tf.tidy(() => {
    let xb: tf.Tensor, labels: Int32Array;
    if (batch instanceof Int32Array) {
      const data = o.train as Dataset;
      xb = tf.gather(data.x, tf.tensor1d(batch, "int32"));
      if (o.hooks?.augment) xb = o.hooks.augment(xb, new Rng(stepSeed(o.seed, stepIndex)));
      labels = new Int32Array(batch.length);
      batch.forEach((j, i) => (labels[i] = data.y[j]));
    } else {
      ({ x: xb, y: labels } = batch);
    }
    const classes = o.model.outputs[0].shape[1] as number;
    const y = tf.oneHot(tf.tensor1d(labels, "int32"), classes);
    const r = tf.variableGrads(() => {
      const logits = o.model.apply(xb, { training }) as tf.Tensor;
      if (o.loss) return o.loss(logits, labels);
      return softmaxCrossEntropy(y, logits, o.labelSmoothing ?? 0);
    }, params.map((p) => p.variable));
    value = tf.keep(r.value);
    grads = r.grads;
    for (const g of Object.values(grads)) tf.keep(g);
    if (o.clipNorm && o.clipNorm > 0) sqNorm = tf.keep(sumOfSquares(Object.values(grads)));
  });
  try {
    const loss = (await value.data())[0];
    if (!Number.isFinite(loss)) return loss;
    let scale = 1;
    if (sqNorm) {
      const norm = Math.sqrt((await sqNorm.data())[0]);
      if (norm > o.clipNorm!) scale = o.clipNorm! / norm;
    }
    tf.tidy(() => {
      const byKey: Record<string, tf.Tensor> = {};
      for (const p of params) {
        const g = grads[p.variable.name];
        if (g) byKey[p.key] = g;
      }
      const live = params.map((p) => ({ key: p.key, variable: p.variable, decay: p.decay }));
      opt.apply(live, byKey, lr, scale);
    });
    return loss;
  } finally {
    tf.dispose([value, sqNorm ?? [], ...Object.values(grads)]);
  }
}
