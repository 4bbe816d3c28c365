/**
 * The ImageNet comparison end to end: open the data, build the backbone,
 * stream batches through the decode pool, run each arm as its own recorded,
 * resumable run (zero-shot where the head fits), and write the table into
 * every run's `summary.json` and `runs/<comparison-id>/report.md`.
 *
 * @example
 * ```ts
 * import type { TaskContext } from "@quadranet/core";
 * import { runImagenetComparison } from "./compare.ts";
 * import type { ImagenetConfig } from "./options.ts";
 * declare const ctx: TaskContext, config: ImagenetConfig; // from the task's run()
 * const result = await runImagenetComparison(ctx, "imagenet-1k", config, "imagenet-1k-s1", false);
 * ```
 * @module
 */
import {
  adapterLayers,
  adapterSummary,
  ConfigError,
  lookup,
  runExists,
  RunRecord,
  type RunSummary,
  runTraining,
  type TaskContext,
  type TaskResult,
  tf,
} from "@quadranet/core";
import type { AdapterTotals, JsonValue } from "@quadranet/core/records";
import {
  BatchLoader,
  DecodePool,
  evaluateStream,
  ImageBatchStream,
  IssueLog,
  SemanticSoftmax,
} from "@quadranet/datasets";
import { checkTargetNames } from "../cli/targets_check.ts";
import { checkWeightsFile } from "../cli/weights_file.ts";
import { type ArmSettings, IMAGENET_ARM_DEFS } from "./arms.ts";
import {
  comparisonRecord,
  completeComparison,
  failOnError,
  interruptComparison,
  shareTable,
} from "../shared/comparison_record.ts";
import { scheduleOf } from "../shared/schedule.ts";
import { openData } from "./data.ts";
import type { ImagenetConfig } from "./options.ts";
import { type RunBackbone, setupBackbone } from "./model.ts";
import { formatImagenetReport, formatTable, type ImagenetRow, withSavings } from "./report.ts";

type Row = Omit<ImagenetRow, "relativeCompute" | "savingsPercent">;

/** The loop's settings from the task config. */
function loopSettings(c: ImagenetConfig) {
  return {
    batchSize: c.batchSize,
    lr: c.lr,
    optimizer: { kind: c.optimizer, weightDecay: c.weightDecay },
    schedule: scheduleOf(c.schedule, c.warmupSteps),
    labelSmoothing: c.labelSmoothing,
    clipNorm: c.clipNorm,
    checkpointEvery: c.checkpointEvery,
    logEvery: 10,
  };
}

/** Runs (or resumes) comparison `id` of `task` with resolved `config`. */
export async function runImagenetComparison(
  ctx: TaskContext,
  task: string,
  config: ImagenetConfig,
  id: string,
  resume: boolean,
): Promise<TaskResult> {
  const methods = new Set<string>(config.methods);
  const arms = IMAGENET_ARM_DEFS.filter((a) => methods.has(a.name));
  if (arms.length === 0) throw new ConfigError("methods", "methods selects no arm");
  lookup("kernel", config.kernel);
  lookup("backprop", config.backprop);
  await checkWeightsFile(config.weights);
  const data = await openData(task, config);
  const { train, val } = data;
  ctx.log(
    `${task}: ${data.layout} at ${config.data}: ${train.classes.length} classes, ` +
      `${train.length} train / ${val.length} val images`,
  );
  const record = await comparisonRecord(ctx, { id, task, config, resume });
  await record.update({ status: "running", error: undefined });
  let backbone: RunBackbone;
  try {
    backbone = await setupBackbone(config, train.classes, task, ctx.log);
  } catch (e) {
    await record.update({ status: "failed", error: (e as Error).message });
    throw e;
  }
  try {
    if (config.targets) checkTargetNames(backbone.pretrained, config.targets);
  } catch (e) {
    backbone.pretrained.dispose();
    await record.update({ status: "failed", error: (e as Error).message });
    throw e;
  }
  if (arms.every((a) => a.name === "zero-shot") && !backbone.zeroShot.ok) {
    backbone.pretrained.dispose();
    await record.update({ status: "failed", error: backbone.zeroShot.reason });
    throw new ConfigError("methods", `zero-shot cannot run: ${backbone.zeroShot.reason}`);
  }
  const semantic = train.hierarchy ? new SemanticSoftmax(train.hierarchy) : undefined;
  const pool = new DecodePool(config.workers);
  const issues = { train: new IssueLog(ctx.log), val: new IssueLog(ctx.log) };
  const prefetch = config.prefetch;
  const trainLoader = new BatchLoader(train, {
    transform: backbone.transforms.train,
    pool,
    prefetch,
    issues: issues.train,
  });
  const valLoader = new BatchLoader(val, {
    transform: backbone.transforms.eval,
    pool,
    prefetch,
    issues: issues.val,
  });
  const batchSize = config.batchSize;
  const evaluator = (model: tf.LayersModel) =>
    evaluateStream(model, valLoader, { batchSize, semantic });
  const smoothing = config.labelSmoothing;
  const loss = semantic
    ? (logits: tf.Tensor, labels: Int32Array) => semantic.loss(logits, labels, smoothing)
    : undefined;
  const settings: ArmSettings = {
    seed: config.seed,
    arch: backbone.arch,
    epochs: config.epochs,
    scratchEpochs: config.scratchEpochs,
    rank: config.rank,
    alpha: config.alpha,
    kernel: config.kernel,
    backprop: config.backprop,
  };
  const loop = loopSettings(config);
  const rows: Row[] = [];
  const skipped: { method: string; reason: string }[] = [];
  try {
    return await failOnError(record, async () => {
      for (const arm of arms) {
        const runId = `${id}-${arm.name}`;
        let summary: RunSummary;
        if (arm.name === "zero-shot") {
          if (!backbone.zeroShot.ok) {
            skipped.push({ method: arm.name, reason: backbone.zeroShot.reason ?? "" });
            continue;
          }
          summary = await zeroShot(
            ctx,
            task,
            runId,
            config,
            () => evaluator(backbone.pretrained),
            backbone.pretrained.countParams(),
          );
        } else {
          const built = arm.build(backbone.pretrained, settings)!;
          ctx.log(`${arm.name}: ${arm.description}`);
          const adapted = adapterLayers(built.model).length
            ? adapterSummary(built.model)
            : undefined;
          const out = await runTraining({
            ...loop,
            model: built.model,
            train: new ImageBatchStream(trainLoader),
            evaluator,
            loss,
            stages: built.stages,
            head: backbone.arch.head,
            seed: settings.seed,
            runsDir: ctx.runsDir,
            runId,
            task,
            method: arm.name,
            backend: ctx.backend.name,
            config: { ...config, comparisonId: id, method: arm.name },
            resume: runExists(ctx.runsDir, runId),
            progress: ctx.progress,
            signal: ctx.signal,
            label: arm.name,
            summaryExtra: {
              comparisonId: id,
              // Without --weights the "pre-trained" start is a random initialisation.
              fromPretrained: arm.fromPretrained && Boolean(config.weights),
              stages: built.stages,
              ...(adapted ? { adapter: { ...adapted, layers: undefined } as AdapterTotals } : {}),
            },
          });
          built.model.dispose();
          await out.record.update({
            dataIssues: { train: issues.train.summary(), val: issues.val.summary() },
          });
          summary = out.record.summary;
          if (out.result?.status === "interrupted") {
            return await interruptComparison(
              record,
              ctx.log,
              `deno task train ${task} --resume ${id}`,
            );
          }
        }
        const final = summary.final;
        rows.push({
          method: arm.name,
          runId,
          top1: final?.top1 ?? 0,
          top5: final?.top5 ?? 0,
          ...(semantic ? { semanticTop1: final?.semanticTop1 ?? 0 } : {}),
          trainableParams: summary.params?.trainable ?? 0,
          computeSeconds: summary.compute?.cpuSeconds ?? 0,
          wallSeconds: summary.compute?.wallSeconds ?? 0,
          trainingFlops: summary.compute?.trainingFlops ?? 0,
        });
      }
      const table = withSavings(rows);
      await shareTable(ctx.runsDir, id, table);
      const dataNote = {
        root: config.data ?? "",
        layout: data.layout,
        classes: train.classes.length,
        trainImages: train.length,
        valImages: val.length,
        workers: config.workers,
        issues: { train: issues.train.summary(), val: issues.val.summary() },
      };
      return await completeComparison(ctx.log, record, {
        report: formatImagenetReport({
          id,
          task,
          backend: ctx.backend.name,
          rows: table,
          config: { ...config, imageSize: backbone.arch.size },
          data: dataNote,
          skipped,
          weights: backbone.weightsNote,
        }),
        summary: {
          rows: table,
          skipped,
          data: dataNote as unknown as { [key: string]: JsonValue },
        },
        table: formatTable(table),
      });
    });
  } finally {
    pool.close();
    semantic?.dispose();
    backbone.pretrained.dispose();
  }
}

/** Zero-shot: the pre-trained network evaluated as is, as a run record. */
async function zeroShot(
  ctx: TaskContext,
  task: string,
  runId: string,
  config: ImagenetConfig,
  evaluate: () => Promise<Record<string, number>>,
  totalParams: number,
): Promise<RunSummary> {
  if (runExists(ctx.runsDir, runId)) {
    const rec = await RunRecord.open(ctx.runsDir, runId);
    if (rec.summary.status === "completed") return rec.summary;
    await Deno.remove(rec.dir, { recursive: true });
  }
  const rec = await RunRecord.create(ctx.runsDir, runId, { ...config, method: "zero-shot" }, {
    task,
    method: "zero-shot",
    backend: ctx.backend.name,
  });
  const { count: _count, ...final } = await evaluate();
  await rec.log({ step: 0, eval: true, top1: final.top1, top5: final.top5, evalLoss: final.loss });
  await rec.update({
    status: "completed",
    final,
    best: final,
    params: { trainable: 0, total: totalParams },
    compute: { wallSeconds: 0, cpuSeconds: 0, trainingFlops: 0 },
    fromPretrained: true,
  });
  return rec.summary;
}
