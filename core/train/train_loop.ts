/**
 * The training loop: stage training over parameter groups, AdamW/SGD,
 * warmup + cosine/step schedules, label smoothing, gradient clipping,
 * evaluation, checkpoints and exact resume. A loop plugins can hook
 * (`hooks`), not `model.fit`.
 *
 * @example
 * ```ts
 * import { adapt, tf, trainLoop } from "@quadranet/core";
 * const model = adapt(tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] }));
 * const train = { x: tf.randomNormal([64, 4]), y: new Int32Array(64) };
 * const test = { x: tf.randomNormal([16, 4]), y: new Int32Array(16) };
 * const result = await trainLoop({
 *   model, train, eval: test, batchSize: 16, lr: 1e-3, seed: 1,
 *   optimizer: { kind: "adamw", weightDecay: 0.01 },
 *   schedule: { kind: "cosine", warmupSteps: 20 },
 *   stages: [{ name: "quadratic", train: ["quadratic", "head"], epochs: 3 }],
 * });
 * ```
 * @module
 */
import {
  type CheckpointData,
  type LoopPosition,
  type LoopState,
  saveCheckpoint,
} from "./checkpoint.ts";
import { CheckpointError, ConfigError, NonFiniteLossError } from "../errors.ts";
import { type Dataset, type EvalMetrics, evaluate } from "./evaluate.ts";
import { Optimizer, type OptimizerConfig } from "./optimizers.ts";
import { checkGroups, type GroupedParam, type ParamGroup, paramGroups } from "./param_groups.ts";
import { DIVERGED_ADVICE, modelHealth, UnhealthyModelError } from "./model_health.ts";
import { type Progress, stageLabel } from "./progress.ts";
import type { Compute, MetricsLine } from "../records/schema.ts";
import { Rng } from "./rng.ts";
import { checkSchedule, learningRate, type Schedule } from "./schedules.ts";
import { tf } from "../tf.ts";
import { sumOfSquares } from "../fused/optimizer_update.ts";
import { softmaxCrossEntropy } from "../fused/softmax_xent.ts";
import type { ComputeClock } from "./compute_clock.ts";

/** One stage: which parameter groups train, for how long, at what rate. */
export interface Stage {
  /** Stage name (in logs and metrics). */
  name: string;
  /** Parameter groups trained in this stage. */
  train: ParamGroup[];
  /** Epochs of the stage. */
  epochs: number;
  /** Base learning rate of this stage (default: the loop's `lr`). */
  lr?: number;
}

/** Hooks a plugin or task can attach to the loop. */
export interface LoopHooks {
  /** After every `logEvery` steps, each epoch's last step and every evaluation. */
  onLog?(entry: MetricsLine): void | Promise<void>;
  /** After a checkpoint is written. */
  onCheckpoint?(path: string, state: LoopState): void | Promise<void>;
  /** Compute spent so far after `examples` examples, stored in each checkpoint. */
  compute?(examples: number): Compute;
  /** Transforms a training batch (augmentation); `rng` is seeded per step, so resume is exact. */
  augment?(x: tf.Tensor, rng: Rng): tf.Tensor;
}

/**
 * A training set streamed batch by batch (images decoded from files on worker threads, say)
 * instead of held in one tensor.
 */
export interface BatchStream {
  /** Examples per epoch. */
  readonly length: number;
  /**
   * The batches of one epoch's `order`, from batch `start` on. `seedOf(b)` seeds batch b's
   * augmentation, so a resumed run sees the same batches. A batch may hold fewer examples than
   * asked (skipped files); the loop disposes each `x`.
   */
  batches(
    order: Int32Array,
    batchSize: number,
    start: number,
    seedOf: (batch: number) => number,
  ): AsyncIterable<{ x: tf.Tensor; y: Int32Array }>;
}

/** Options of {@link trainLoop}. */
export interface TrainOptions {
  /** The model, trained in place. */
  model: tf.LayersModel;
  /** Training data: in memory, or streamed batches. */
  train: Dataset | BatchStream;
  /** Evaluated at each epoch end. */
  eval?: Dataset;
  /** Replaces evaluation on `eval` (e.g. streamed, or with extra metrics such as semantic top-1). */
  evaluator?: (model: tf.LayersModel) => Promise<EvalMetrics & Record<string, number>>;
  /** Replaces the softmax cross-entropy (e.g. a semantic softmax); `logits` is [B, classes]. */
  loss?: (logits: tf.Tensor, labels: Int32Array) => tf.Scalar;
  /** The stages, in order. */
  stages: Stage[];
  /** Examples per step. */
  batchSize: number;
  /** Base learning rate. */
  lr: number;
  /** The optimizer. */
  optimizer: OptimizerConfig;
  /** The learning-rate schedule (per stage). */
  schedule: Schedule;
  /** Seed of the data order and augmentation. */
  seed: number;
  /** Label smoothing of the cross-entropy (default 0). */
  labelSmoothing?: number;
  /** Clip the global gradient norm to this value (0: off). */
  clipNorm?: number;
  /** Classifier layer names (default: the last layer with weights). */
  head?: string[];
  /** Where checkpoints go (none: no checkpoints). */
  checkpointDir?: string;
  /** Also checkpoint every N steps (0: only at epoch ends). */
  checkpointEvery?: number;
  /** Log the training loss every N steps and at each epoch's last step (0: never). */
  logEvery?: number;
  /** A checkpoint to continue from. */
  resumeFrom?: CheckpointData;
  /** Where `resumeFrom` was read (named as the last good checkpoint until a newer one exists). */
  resumeFromPath?: string;
  /** Progress display. */
  progress?: Progress;
  /** Label of the progress line. */
  label?: string;
  /** Hooks (logging, checkpoints, compute, augmentation). */
  hooks?: LoopHooks;
  /** Set `interrupted` (e.g. on SIGINT) to checkpoint and stop after the current step. */
  signal?: { interrupted: boolean };
  /**
   * Evaluations per epoch (default 1: at each epoch end). With more, checks
   * fall after batches `ceil(j·batches/n)`, j = 1..n, the last at the end.
   */
  checksPerEpoch?: number;
  /** Training FLOPs per example of stage `i` (accumulated as `flops` in the state and eval entries). */
  flopsPerExample?: (stage: Stage, index: number) => number;
  /** Evaluation and checkpoints are timed on it as `eval` and `checkpoint` segments. */
  clock?: ComputeClock;
}

/** What {@link trainLoop} returns. */
export interface TrainResult {
  /** Whether all stages ran or the loop stopped on a signal. */
  status: "completed" | "interrupted";
  /** The last evaluation. */
  final?: EvalMetrics;
  /** The best evaluation (top-1). */
  best?: EvalMetrics;
  /** Steps done. */
  steps: number;
  /** Training FLOPs accumulated from `flopsPerExample` (0 without it). */
  flops?: number;
  /** Training examples seen. */
  examples: number;
  /** The loop state at the end. */
  state: LoopState;
}

/** Keys of every model weight, for checkpoints (`index:originalName`). */
export function weightKeys(model: tf.LayersModel): string[] {
  return model.weights.map((w, i) => `${i}:${w.originalName}`);
}

function restoreWeights(model: tf.LayersModel, weights: Record<string, tf.Tensor>): void {
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

function checkStages(stages: Stage[]): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new ConfigError("stages", "stages must list at least one stage");
  }
  stages.forEach((s, i) => {
    checkGroups(s.train, `stages[${i}].train`);
    if (!(Number.isInteger(s.epochs) && s.epochs >= 0)) {
      throw new ConfigError(
        `stages[${i}].epochs`,
        `epochs must be an integer >= 0, got ${s.epochs}`,
      );
    }
  });
}

function setTrainable(params: GroupedParam[], groups: ParamGroup[]): GroupedParam[] {
  for (const p of params) p.weight.trainable = groups.includes(p.group);
  return params.filter((p) => groups.includes(p.group));
}

/** Whether the training set is streamed. */
export function isBatchStream(d: Dataset | BatchStream): d is BatchStream {
  return typeof (d as BatchStream).batches === "function";
}

/** The seed of step `stepIndex`'s augmentation. */
function stepSeed(seed: number, stepIndex: number): number {
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
async function step(
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

/** Trains `o.model` in place through `o.stages`. */
export async function trainLoop(o: TrainOptions): Promise<TrainResult> {
  checkStages(o.stages);
  checkSchedule(o.schedule);
  if (!(o.batchSize >= 1)) {
    throw new ConfigError("batchSize", `batchSize must be >= 1, got ${o.batchSize}`);
  }
  if (!(o.lr > 0)) throw new ConfigError("lr", `lr must be > 0, got ${o.lr}`);
  const all = paramGroups(o.model, { head: o.head });
  const opt = new Optimizer(o.optimizer);
  let state: LoopState = {
    step: 0,
    next: { stage: 0, epoch: 0, batch: 0 },
    rng: new Rng(o.seed).state,
    optimizerT: 0,
    examples: 0,
  };
  let lastCheckpoint: string | undefined = o.resumeFromPath;
  const unhealthy = (e: UnhealthyModelError) =>
    new UnhealthyModelError(
      e.what,
      e.problems,
      (lastCheckpoint
        ? `The last good checkpoint is ${lastCheckpoint}. `
        : "No good checkpoint was written before it. ") + DIVERGED_ADVICE,
    );
  if (o.resumeFrom) {
    restoreWeights(o.model, o.resumeFrom.weights);
    opt.restore(o.resumeFrom.slots, o.resumeFrom.state.optimizerT);
    state = structuredClone(o.resumeFrom.state);
  }
  const start = state.next;
  const stream = isBatchStream(o.train) ? o.train : undefined;
  const n = stream ? stream.length : (o.train as Dataset).y.length;
  const perEpoch = Math.ceil(n / o.batchSize);
  const totalSteps = o.stages.reduce((a, s) => a + s.epochs * perEpoch, 0);
  let final: EvalMetrics | undefined;
  let rate = 0;

  // Saves the loop with `next` as the position a resume starts from.
  state.flops ??= 0;
  const checkpoint = (next: LoopPosition) =>
    o.clock ? o.clock.time("checkpoint", () => writeCheckpoint(next)) : writeCheckpoint(next);
  // Batch statistics can keep the training loss finite while the moving statistics
  // diverge: the evaluation (which uses them) and the weights decide.
  const checkHealth = async (metrics: EvalMetrics | undefined, what: string) => {
    const health = await modelHealth(o.model, metrics);
    if (!health.healthy) throw unhealthy(new UnhealthyModelError(what, health.problems, ""));
  };
  const evaluateNow = async (): Promise<EvalMetrics> => {
    const run = async (): Promise<EvalMetrics> =>
      o.evaluator ? await o.evaluator(o.model) : evaluate(o.model, o.eval!, 256);
    return o.clock ? await o.clock.time("eval", run) : await run();
  };
  const writeCheckpoint = async (next: LoopPosition) => {
    state.next = next;
    if (!o.checkpointDir) return;
    state.optimizerT = opt.t;
    state.compute = o.hooks?.compute?.(state.examples);
    const weights = Object.fromEntries(
      weightKeys(o.model).map((k, i) => [k, o.model.weights[i].read()]),
    );
    try {
      lastCheckpoint = await saveCheckpoint(o.checkpointDir, {
        weights,
        slots: opt.slots(),
        state,
      });
    } catch (e) {
      throw e instanceof UnhealthyModelError ? unhealthy(e) : e;
    }
    await o.hooks?.onCheckpoint?.(lastCheckpoint, state);
  };

  try {
    for (let s = start.stage; s < o.stages.length; s++) {
      const stage = o.stages[s];
      const params = setTrainable(all, stage.train);
      // Frozen normalisation runs in inference mode (moving statistics, no updates).
      const training = stage.train.includes("norm");
      const stageSteps = stage.epochs * perEpoch;
      const perExample = o.flopsPerExample?.(stage, s) ?? 0;
      const nChecks = Math.min(perEpoch, Math.max(1, o.checksPerEpoch ?? 1));
      const checks = new Set(
        Array.from({ length: nChecks }, (_, j) => Math.ceil(((j + 1) * perEpoch) / nChecks)),
      );
      for (let e = s === start.stage ? start.epoch : 0; e < stage.epochs; e++) {
        const rng = new Rng(0);
        rng.state = state.rng;
        const order = rng.permutation(n);
        const firstBatch = s === start.stage && e === start.epoch ? start.batch : 0;
        const epochStart = state.step - firstBatch; // the global step of this epoch's batch 0
        const batches = stream?.batches(
          order,
          o.batchSize,
          firstBatch,
          (b) => stepSeed(o.seed, epochStart + b),
        )[Symbol.asyncIterator]();
        for (let b = firstBatch; b < perEpoch; b++) {
          const t0 = performance.now();
          const idx = order.subarray(b * o.batchSize, (b + 1) * o.batchSize);
          const streamed = batches ? (await batches.next()).value : undefined;
          if (batches && !streamed) throw new Error("the batch stream ended before the epoch did");
          const lr = learningRate(stage.lr ?? o.lr, o.schedule, e * perEpoch + b, stageSteps);
          let loss: number;
          try {
            loss = streamed && streamed.y.length === 0
              ? 0 // every file of this batch was skipped (counted by the stream)
              : await step(o, params, opt, streamed ?? idx, lr, training, state.step);
          } finally {
            streamed?.x.dispose();
          }
          if (!Number.isFinite(loss)) {
            throw new NonFiniteLossError(state.step + 1, lastCheckpoint, `loss = ${loss}`);
          }
          state.step++;
          const seen = streamed ? streamed.y.length : idx.length;
          state.examples += seen;
          state.flops! += perExample * seen;
          const dt = (performance.now() - t0) / 1000;
          rate = rate === 0 ? seen / dt : 0.9 * rate + 0.1 * seen / dt;
          o.progress?.update({
            label: stageLabel(o.label, stage.name),
            epoch: e + 1,
            epochs: stage.epochs,
            step: state.step,
            steps: totalSteps,
            loss,
            perSec: rate,
            etaSec: (totalSteps - state.step) * o.batchSize / Math.max(rate, 1e-9),
          });
          // Every logEvery steps and each epoch's last step (short runs still get a curve).
          const logNow = state.step % (o.logEvery ?? 0) === 0 || b === perEpoch - 1;
          if (o.logEvery && logNow && seen > 0) {
            await o.hooks?.onLog?.({ step: state.step, stage: stage.name, epoch: e + 1, loss, lr });
          }
          const after = { stage: s, epoch: e, batch: b + 1 };
          // mid-epoch validation checks (the epoch-end one follows the batch loop)
          if ((o.eval || o.evaluator) && b + 1 < perEpoch && checks.has(b + 1)) {
            final = await evaluateNow();
            await checkHealth(final, `The model at step ${state.step} of stage ${stage.name}`);
            if (!state.best || final.top1 > state.best.top1) state.best = final;
            await o.hooks?.onLog?.({
              step: state.step,
              stage: stage.name,
              epoch: e + 1,
              eval: true,
              top1: final.top1,
              top5: final.top5,
              evalLoss: final.loss,
              examples: state.examples,
              flops: state.flops,
              ...extraMetrics(final),
            });
          }
          if (o.signal?.interrupted) {
            await checkpoint(after);
            o.progress?.done();
            return {
              status: "interrupted",
              best: state.best,
              steps: state.step,
              examples: state.examples,
              state,
            };
          }
          if (o.checkpointEvery && state.step % o.checkpointEvery === 0) await checkpoint(after);
        }
        state.rng = rng.state; // the next epoch's order continues this stream
        await batches?.return?.();
        if (o.eval || o.evaluator) {
          final = await evaluateNow();
          await checkHealth(final, `The model after epoch ${e + 1} of stage ${stage.name}`);
          if (!state.best || final.top1 > state.best.top1) state.best = final;
          await o.hooks?.onLog?.({
            step: state.step,
            stage: stage.name,
            epoch: e + 1,
            eval: true,
            top1: final.top1,
            top5: final.top5,
            evalLoss: final.loss,
            examples: state.examples,
            flops: state.flops,
            ...extraMetrics(final),
          });
        }
        await checkpoint({ stage: s, epoch: e + 1, batch: 0 });
      }
    }
  } finally {
    o.progress?.done();
  }
  opt.dispose();
  if (!final && o.evaluator) final = await o.evaluator(o.model);
  else if (!final && o.eval) final = await evaluate(o.model, o.eval, 256);
  await checkHealth(final, "The trained model");
  return {
    status: "completed",
    final,
    best: state.best ?? final,
    steps: state.step,
    examples: state.examples,
    flops: state.flops,
    state,
  };
}
