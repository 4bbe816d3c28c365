/**
 * One training run with its run record: creates (or, resuming, reopens)
 * `runs/<run-id>/`, restores the latest checkpoint, runs {@link trainLoop},
 * logs metrics, accounts compute (analytic training FLOPs; wall and process
 * CPU seconds of the training steps, with evaluation and checkpoint writes
 * timed apart; accumulated across resumes), evaluates `test` once at the end
 * and leaves `summary.json` with status
 * `completed`, `interrupted` or `failed`.
 *
 * @example
 * ```ts
 * import { adapt, runTraining, tf } from "@quadranet/core";
 * const model = adapt(tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [4] })] }));
 * const train = { x: tf.randomNormal([32, 4]), y: new Int32Array(32) };
 * const { summary } = await runTraining({
 *   model, train, batchSize: 8, lr: 1e-2, seed: 1,
 *   optimizer: { kind: "adamw", weightDecay: 0 },
 *   schedule: { kind: "constant", warmupSteps: 0 },
 *   stages: [{ name: "adapt", train: ["quadratic", "head"], epochs: 1 }],
 *   runsDir: "runs", runId: "my-run", task: "my-task", method: "quadratic",
 *   backend: "cpu", config: { lr: 1e-2 }, resume: false,
 * });
 * console.log(summary.status); // "completed"
 * ```
 * @module
 */
import process from "node:process";
import { join } from "node:path";
import { acquireLock } from "../io/lock_file.ts";
import { checkRunId } from "../records/paths.ts";
import { loadCheckpoint } from "./checkpoint.ts";
import { findLatestCheckpoint } from "./checkpoint_file.ts";
import { QuadraNetError } from "../errors.ts";
import { type ClockReading, ComputeClock, type ComputeKind } from "./compute_clock.ts";
import { type Dataset, type EvalMetrics, evaluate } from "./evaluate.ts";
import { modelHealth, UnhealthyModelError } from "./model_health.ts";
import { stageTrainingFlops } from "./training_flops.ts";
import { paramGroups } from "./param_groups.ts";
import { RunRecord } from "../records/run_record.ts";
import type { Compute, RunSummary } from "../records/schema.ts";
import { extraMetrics, trainLoop, type TrainOptions, type TrainResult } from "./train_loop.ts";

/** Options of {@link runTraining}: the loop's, plus where and what to record. */
export interface RunTrainingOptions extends Omit<TrainOptions, "checkpointDir" | "resumeFrom"> {
  /** Where run folders go. */
  runsDir: string;
  /** The run's id (its folder). */
  runId: string;
  /** The task, for the summary. */
  task: string;
  /** The method (arm), for the summary. */
  method: string;
  /** The compute backend, for the summary. */
  backend: string;
  /** The resolved config, stored as `config.json`. */
  config: object;
  /** Continue an existing run from its latest checkpoint. */
  resume: boolean;
  /** Extra summary fields (shift, adapter summary, ...). */
  summaryExtra?: Partial<RunSummary>;
  /**
   * A held-out test set, read once after training: its metrics become the
   * summary's `final`; `validation` is always the last check on `eval`.
   * Without it `final` is that last check too.
   */
  test?: Dataset;
  /**
   * Runs after training succeeded and the model passed the health check,
   * before the record says `completed` (e.g. writing the model): so a
   * `completed` record always has its files.
   */
  beforeComplete?(): Promise<void>;
}

/** Process CPU seconds so far (user + system). */
export function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Trainable (in any stage) and total parameter counts. */
export function paramCounts(
  o: Pick<TrainOptions, "model" | "stages" | "head">,
): { trainable: number; total: number } {
  const groups = new Set(o.stages.flatMap((s) => s.train));
  const trainable = paramGroups(o.model, { head: o.head })
    .filter((p) => groups.has(p.group))
    .reduce((a, p) => a + p.weight.shape.reduce((x: number, y) => x * (y ?? 1), 1), 0);
  return { trainable, total: o.model.countParams() };
}

/** Runs (or resumes) one recorded training run. */
export async function runTraining(
  o: RunTrainingOptions,
): Promise<{ record: RunRecord; summary: RunSummary; result?: TrainResult }> {
  // One process per run: a second `--resume` of a run still training is refused; the lock of
  // a killed process is taken over.
  checkRunId(o.runId);
  const release = await acquireLock(join(o.runsDir, o.runId), { what: `Run ${o.runId}` });
  try {
    return await runLocked(o);
  } finally {
    await release();
  }
}

async function runLocked(
  o: RunTrainingOptions,
): Promise<{ record: RunRecord; summary: RunSummary; result?: TrainResult }> {
  let record: RunRecord;
  let base: Compute = { wallSeconds: 0, cpuSeconds: 0, trainingFlops: 0 };
  let resumeFrom, resumeFromPath;
  if (o.resume) {
    record = await RunRecord.open(o.runsDir, o.runId);
    if (record.summary.status === "completed") return { record, summary: record.summary };
    const found = await findLatestCheckpoint(record.checkpoints);
    if (found) {
      if (found.note) o.progress?.line(`${o.runId}: ${found.note}`);
      resumeFromPath = found.path;
      resumeFrom = await loadCheckpoint(found.path);
      base = resumeFrom.state.compute ?? base;
      await record.truncate(resumeFrom.state.step);
    } else {
      await record.truncate(0);
    }
    await record.update({ status: "running", error: undefined });
  } else {
    record = await RunRecord.create(o.runsDir, o.runId, o.config, {
      task: o.task,
      method: o.method,
      backend: o.backend,
    });
  }
  const params = paramCounts(o);
  const perStage = o.stages.map((st) => stageTrainingFlops(o.model, st.train, o.head).total);
  await record.update({ params, trainingFlopsPerExample: perStage, ...o.summaryExtra });
  // Records from before the clock counted the whole loop as training.
  const baseClock: Partial<Record<ComputeKind, ClockReading>> = {
    train: { wall: base.wallSeconds, cpu: base.cpuSeconds },
    eval: { wall: 0, cpu: base.evalSeconds ?? 0 },
    checkpoint: { wall: 0, cpu: base.checkpointSeconds ?? 0 },
  };
  const clock = new ComputeClock(undefined, baseClock);
  let flops = resumeFrom?.state.flops ?? 0;
  const compute = (): Compute => {
    const t = clock.totals();
    return {
      wallSeconds: t.train.wall,
      cpuSeconds: t.train.cpu,
      trainingFlops: flops,
      evalSeconds: t.eval.cpu,
      checkpointSeconds: t.checkpoint.cpu,
    };
  };
  let result: TrainResult;
  clock.start("train");
  try {
    result = await trainLoop({
      ...o,
      checkpointDir: record.checkpoints,
      resumeFrom,
      clock,
      flopsPerExample: (_st, i) => perStage[i],
      resumeFromPath,
      hooks: {
        ...o.hooks,
        compute: () => compute(),
        onLog: async (entry) => {
          if (entry.eval) {
            flops = entry.flops ?? flops;
            const t = clock.totals().train;
            entry = { ...entry, trainCpuSeconds: t.cpu, trainWallSeconds: t.wall };
          }
          await record.log(entry);
          await o.hooks?.onLog?.(entry);
        },
        onCheckpoint: async (path, state) => {
          flops = state.flops ?? flops;
          await record.update({ compute: compute(), checkpoint: path });
          await o.hooks?.onCheckpoint?.(path, state);
        },
      },
    });
  } catch (e) {
    clock.stop();
    await record.update({
      status: "failed",
      error: e instanceof QuadraNetError ? e.message : String(e),
      compute: compute(),
    });
    throw e;
  }
  clock.stop();
  flops = result.flops ?? flops;
  const pick = (m?: EvalMetrics) =>
    m && { top1: m.top1, top5: m.top5, loss: m.loss, ...extraMetrics(m) };
  let final = pick(result.final);
  // the last check on `eval` (a validation split under the protocol)
  const validation = final;
  const tested = o.test !== undefined && result.status === "completed";
  const fail = async (e: unknown) => {
    await record.update({
      status: "failed",
      error: e instanceof Error ? e.message : String(e),
      compute: compute(),
    });
    return e;
  };
  if (tested) {
    const test = o.test!;
    final = pick(await clock.time("eval", () => evaluate(o.model, test, 256)));
    // the loop checked the model on `eval`; a test loss that is not finite is no result either
    const health = await modelHealth(o.model, final);
    if (!health.healthy) {
      throw await fail(
        new UnhealthyModelError("The trained model (on the test set)", health.problems, ""),
      );
    }
  }
  const best = o.test ? undefined : pick(result.best);
  if (result.status === "completed" && o.beforeComplete) {
    try {
      await o.beforeComplete();
    } catch (e) {
      throw await fail(e);
    }
  }
  await record.update({
    status: result.status,
    compute: compute(),
    ...(final ? { final } : {}),
    ...(validation ? { validation } : {}),
    ...(tested ? { finalOn: "test" as const } : {}),
    ...(best ? { best } : {}),
    steps: result.steps,
  });
  return { record, summary: record.summary, result };
}
