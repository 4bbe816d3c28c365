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
import { type LoopPosition, type LoopState, saveCheckpoint } from "./checkpoint.ts";
import { ConfigError, NonFiniteLossError } from "../errors.ts";
import { type Dataset, type EvalMetrics, evaluate } from "./evaluate.ts";
import { Optimizer } from "./optimizers.ts";
import { paramGroups } from "./param_groups.ts";
import { DIVERGED_ADVICE, modelHealth, UnhealthyModelError } from "./model_health.ts";
import { stageLabel } from "./progress.ts";
import { Rng } from "./rng.ts";
import { checkSchedule, learningRate } from "./schedules.ts";

import {
  checkStages,
  isBatchStream,
  type TrainOptions,
  type TrainResult,
} from "./train_options.ts";
import {
  extraMetrics,
  restoreWeights,
  setTrainable,
  step,
  stepSeed,
  weightKeys,
} from "./train_step.ts";

export {
  type BatchStream,
  isBatchStream,
  type LoopHooks,
  type Stage,
  type TrainOptions,
  type TrainResult,
} from "./train_options.ts";
export { extraMetrics, weightKeys } from "./train_step.ts";

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
  // An evaluation during training: health-checked (`what` names the model in the error),
  // kept as the best if it is, and logged as an eval line.
  const evaluateAndLog = async (stage: string, epoch: number, what: string) => {
    const m = await evaluateNow();
    await checkHealth(m, what);
    if (!state.best || m.top1 > state.best.top1) state.best = m;
    await o.hooks?.onLog?.({
      step: state.step,
      stage,
      epoch,
      eval: true,
      top1: m.top1,
      top5: m.top5,
      evalLoss: m.loss,
      examples: state.examples,
      flops: state.flops,
      ...extraMetrics(m),
    });
    return m;
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
            final = await evaluateAndLog(
              stage.name,
              e + 1,
              `The model at step ${state.step} of stage ${stage.name}`,
            );
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
          final = await evaluateAndLog(
            stage.name,
            e + 1,
            `The model after epoch ${e + 1} of stage ${stage.name}`,
          );
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
