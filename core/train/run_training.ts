/**
 * One training run with its run record: creates (or, resuming, reopens)
 * `runs/<run-id>/`, restores the latest checkpoint, runs {@link trainLoop},
 * logs metrics, accounts compute (wall and process CPU seconds, estimated
 * FLOPs; accumulated across resumes) and leaves `summary.json` with status
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
import { trainingFlops } from "../adapter/flops.ts";
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
  await record.update({ params, ...o.summaryExtra });
  const t0 = performance.now(), c0 = cpuSeconds();
  let examples = resumeFrom?.state.examples ?? 0;
  const compute = (seen = examples): Compute => ({
    wallSeconds: base.wallSeconds + (performance.now() - t0) / 1000,
    cpuSeconds: base.cpuSeconds + cpuSeconds() - c0,
    trainingFlops: trainingFlops(o.model, seen),
  });
  let result: TrainResult;
  try {
    result = await trainLoop({
      ...o,
      checkpointDir: record.checkpoints,
      resumeFrom,
      resumeFromPath,
      hooks: {
        ...o.hooks,
        compute,
        onLog: async (entry) => {
          await record.log(entry);
          await o.hooks?.onLog?.(entry);
        },
        onCheckpoint: async (path, state) => {
          examples = state.examples;
          await record.update({ compute: compute(), checkpoint: path });
          await o.hooks?.onCheckpoint?.(path, state);
        },
      },
    });
  } catch (e) {
    await record.update({
      status: "failed",
      error: e instanceof QuadraNetError ? e.message : String(e),
      compute: compute(),
    });
    throw e;
  }
  examples = result.examples;
  const final = result.final && {
    top1: result.final.top1,
    top5: result.final.top5,
    loss: result.final.loss,
    ...extraMetrics(result.final),
  };
  const best = result.best && {
    top1: result.best.top1,
    top5: result.best.top5,
    loss: result.best.loss,
    ...extraMetrics(result.best),
  };
  if (result.status === "completed" && o.beforeComplete) {
    try {
      await o.beforeComplete();
    } catch (e) {
      await record.update({ status: "failed", error: (e as Error).message, compute: compute() });
      throw e;
    }
  }
  await record.update({
    status: result.status,
    compute: compute(),
    ...(final ? { final } : {}),
    ...(best ? { best } : {}),
    steps: result.steps,
  });
  return { record, summary: record.summary, result };
}
