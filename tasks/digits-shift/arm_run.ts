/**
 * One arm at one seed as a recorded run under the protocol: trains on the
 * training split with validation checks (`checksPerEpoch`), reads the test
 * set once at the end, and returns what the comparison needs (test and
 * final validation top-1, the checks with their cumulative FLOPs and
 * training seconds, the budget). Completed runs are reused (resume).
 *
 * @example
 * ```ts
 * import { checksOf } from "./arm_run.ts";
 * const checks = checksOf([
 *   { step: 10, eval: true, top1: 0.8, top5: 0.9, evalLoss: 0.5, flops: 1e9, trainCpuSeconds: 3 },
 * ]);
 * checks[0].seconds; // 3
 * ```
 * @module
 */
import {
  adapterLayers,
  adapterSummary,
  type Dataset,
  evaluate,
  forwardFlops,
  RunRecord,
  type RunSummary,
  runTraining,
  type TaskContext,
  type tf,
} from "@quadranet/core";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { EvalLine, MetricsLine } from "@quadranet/core/records";
import type { SeedResult } from "../protocol/comparison.ts";
import type { ValidationCheck } from "../protocol/equal_accuracy.ts";
import type { Arm, ArmSettings } from "./methods.ts";
import type { LoopSettings } from "./settings.ts";

/** The splits an arm sees (no `test` in a learning-rate search: then nothing reads it). */
export interface ArmData {
  train: Dataset;
  validation: Dataset;
  test?: Dataset;
}

/** What one arm run needs. */
export interface ArmRunOptions {
  runId: string;
  task: string;
  arm: Arm;
  seed: number;
  lr: number;
  settings: ArmSettings;
  loop: LoopSettings;
  base: tf.LayersModel;
  head: string[];
  data: ArmData;
  config: Record<string, unknown>;
  summaryExtra: Partial<RunSummary>;
}

/** One arm-seed result, or "interrupted". */
export interface ArmRunResult {
  status: "completed" | "interrupted";
  seed?: SeedResult;
  trainableParams: number;
  inferenceFlops: number;
  summary?: RunSummary;
}

/** Validation checks from a run's logged eval entries. */
export function checksOf(entries: readonly MetricsLine[]): ValidationCheck[] {
  return entries.filter((e): e is EvalLine => e.eval === true).map((e) => ({
    step: e.step,
    flops: e.flops ?? 0,
    seconds: e.trainCpuSeconds ?? 0,
    top1: e.top1,
  }));
}

/** Trains (or reuses) one arm at one seed. */
export async function runArm(ctx: TaskContext, o: ArmRunOptions): Promise<ArmRunResult> {
  const settings = { ...o.settings, seed: o.seed };
  const built = o.arm.build(o.base, settings);
  if (!built) return zeroShot(ctx, o);
  const inferenceFlops = forwardFlops(built.model);
  const adapted = adapterLayers(built.model).length ? adapterSummary(built.model) : undefined;
  const adapter = adapted && {
    trainableParams: adapted.trainableParams,
    totalParams: adapted.totalParams,
    adapterParams: adapted.adapterParams,
    extraFlopsPerExample: adapted.extraFlopsPerExample,
  };
  const exists = existsSync(join(ctx.runsDir, o.runId, "summary.json"));
  const out = await runTraining({
    ...o.loop,
    lr: o.lr,
    model: built.model,
    train: o.data.train,
    eval: o.data.validation,
    test: o.data.test,
    stages: built.stages,
    head: o.head,
    seed: o.seed,
    runsDir: ctx.runsDir,
    runId: o.runId,
    task: o.task,
    method: o.arm.name,
    backend: ctx.backend.name,
    config: { ...o.config, method: o.arm.name, seed: o.seed, lr: o.lr },
    resume: exists,
    progress: ctx.progress,
    signal: ctx.signal,
    label: `${o.arm.name} s${o.seed}`,
    summaryExtra: {
      ...o.summaryExtra,
      seed: o.seed,
      lr: o.lr,
      fromPretrained: o.arm.fromPretrained,
      stages: built.stages,
      inferenceFlops,
      ...(adapter ? { adapter } : {}),
    },
  });
  built.model.dispose();
  const trainableParams = out.summary.params?.trainable ?? 0;
  if (out.result?.status === "interrupted") {
    return { status: "interrupted", trainableParams, inferenceFlops };
  }
  return completed(o, out.summary, trainableParams, inferenceFlops, checksOf(out.record.entries));
}

/** A completed arm-seed result from its run's summary and validation checks. */
function completed(
  o: ArmRunOptions,
  s: RunSummary,
  trainableParams: number,
  inferenceFlops: number,
  checks: ValidationCheck[],
): ArmRunResult {
  return {
    status: "completed",
    trainableParams,
    inferenceFlops,
    summary: s,
    seed: {
      seed: o.seed,
      runId: o.runId,
      testTop1: s.final?.top1 ?? 0,
      validationTop1: (s.validation as { top1: number } | undefined)?.top1 ?? 0,
      checks,
      budgetFlops: s.compute?.trainingFlops ?? 0,
      budgetSeconds: s.compute?.cpuSeconds ?? 0,
    },
  };
}

/** Zero-shot: the pre-trained network on the validation and test sets, as one run record. */
async function zeroShot(ctx: TaskContext, o: ArmRunOptions): Promise<ArmRunResult> {
  const inferenceFlops = forwardFlops(o.base);
  let rec: RunRecord;
  if (existsSync(join(ctx.runsDir, o.runId, "summary.json"))) {
    rec = await RunRecord.open(ctx.runsDir, o.runId);
    if (rec.summary.status !== "completed") {
      await Deno.remove(rec.dir, { recursive: true });
      return zeroShot(ctx, o);
    }
  } else {
    rec = await RunRecord.create(ctx.runsDir, o.runId, { ...o.config, method: "zero-shot" }, {
      task: o.task,
      method: "zero-shot",
      backend: ctx.backend.name,
    });
    const v = await evaluate(o.base, o.data.validation, 256);
    const t = o.data.test ? await evaluate(o.base, o.data.test, 256) : v;
    await rec.log({ step: 0, eval: true, top1: v.top1, top5: v.top5, evalLoss: v.loss, flops: 0 });
    await rec.update({
      status: "completed",
      final: { top1: t.top1, top5: t.top5, loss: t.loss },
      validation: { top1: v.top1, top5: v.top5, loss: v.loss },
      finalOn: "test",
      params: { trainable: 0, total: o.base.countParams() },
      compute: { wallSeconds: 0, cpuSeconds: 0, trainingFlops: 0 },
      inferenceFlops,
      fromPretrained: true,
      ...o.summaryExtra,
    });
  }
  const validationTop1 = (rec.summary.validation as { top1: number }).top1;
  // Its compute is zero (recorded so): the one check is at step 0, at no cost.
  return completed(o, rec.summary, 0, inferenceFlops, [
    { step: 0, flops: 0, seconds: 0, top1: validationTop1 },
  ]);
}
