/**
 * The detection comparison: one dataset, one pre-trained backbone, one head initialisation; the
 * arms frozen / full / lora / quadratic trained and evaluated in turn; a comparison record with the
 * table, `report.md`, and per arm a run record, `results.json` and `preview.svg`.
 * @module
 */
import {
  ConfigError,
  lookup,
  RunRecord,
  type TaskContext,
  type TaskResult,
  tf,
  writeFileAtomic,
} from "@quadranet/core";
import { type CocoSource, LetterboxPool } from "@quadranet/coco";
import { join } from "node:path";
import { checkWeightsFile } from "../cli/weights_file.ts";
import {
  comparisonRecord,
  completeComparison,
  failOnError,
  interruptComparison,
  shareTable,
} from "../shared/comparison_record.ts";
import { createBackbone } from "@quadranet/backbones";
import { buildDetector, checkInputSize, disposeDetector } from "./detector.ts";
import type { HeadPlugin } from "@quadranet/core";
import { pretrainedBackbone } from "./pretrain.ts";
import { previewSvg } from "./preview.ts";
import { type DetectionRow, formatReport, formatTable, withRelative } from "./report.ts";
import { ARM_NAMES, armLr, type ArmName } from "./settings.ts";
import { openData } from "./data.ts";
import { trainArm } from "./train_detector.ts";

const range = (n: number, max: number) =>
  Array.from({ length: max > 0 ? Math.min(n, max) : n }, (_, i) => i);

/** Fails fast (before data and pre-training) on an input size the backbone's strides reject. */
async function checkInputSizeFirst(backbone: string, side: number): Promise<void> {
  const probe = await createBackbone(backbone, { featuresOnly: true, inputShape: [side, side, 3] });
  try {
    checkInputSize(probe, [side, side]);
  } finally {
    probe.dispose();
  }
}

/** Runs comparison `id` with the resolved `config`. */
export async function runComparison(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
): Promise<TaskResult> {
  const arms = ARM_NAMES.filter((a) => (config.methods as string[]).includes(a));
  if (arms.length === 0) throw new ConfigError("methods", "methods selects no arm");
  const headPlugin: HeadPlugin = lookup("head", config.head as string);
  await checkWeightsFile(config.weights as string | undefined);
  await checkInputSizeFirst(config.backbone as string, config.inputSize as number);
  const data = await openData(config, ctx.log);
  const record = await comparisonRecord(ctx, { id, task: "coco", config, resume: false });
  const pool = new LetterboxPool(config.workers as number);
  let headInit: tf.Tensor[] | null = null;
  try {
    return await failOnError(record, async () => {
      const seed = config.seed as number;
      let weights = config.weights as string;
      let pretrain: { runId: string; computeSeconds: number; cleanTop1: number } | undefined;
      if (!weights) {
        const pre = await pretrainedBackbone({ ...ctx, backend: ctx.backend.name }, {
          backbone: config.backbone as string,
          seed,
          pretrainSize: config.pretrainSize as number,
          pretrainEpochs: config.pretrainEpochs as number,
          version: 1,
        });
        if (!pre.path) return await interruptComparison(record);
        weights = pre.path;
        pretrain = {
          runId: pre.summary.runId,
          computeSeconds: pre.summary.compute?.cpuSeconds ?? 0,
          cleanTop1: pre.summary.final?.top1 ?? 0,
        };
      }
      let trainIdx = range(data.train.length, config.maxTrainImages as number);
      let valIdx = range(data.val.length, config.maxValImages as number);
      let val = data.val;
      const holdOut = config.holdOut as number;
      if (holdOut > 0) {
        // choosing settings: the last holdOut train images are the validation split
        if (holdOut >= trainIdx.length) {
          throw new ConfigError(
            "holdOut",
            `--hold-out ${holdOut} leaves no train image of ${trainIdx.length}; give fewer`,
          );
        }
        val = data.train;
        valIdx = trainIdx.slice(trainIdx.length - holdOut);
        trainIdx = trainIdx.slice(0, trainIdx.length - holdOut);
        ctx.log(`hold-out: training on ${trainIdx.length} train images, evaluating on ${holdOut}`);
      }
      const side = config.inputSize as number;
      const inputSize: [number, number] = [side, side];
      const rows: Omit<DetectionRow, "relativeCompute">[] = [];
      for (const arm of arms as ArmName[]) {
        const runId = `${id}-${arm}`;
        const d = await buildDetector(arm, {
          backbone: config.backbone as string,
          weights,
          headPlugin,
          numClasses: data.train.classes.length,
          inputSize,
          headWidth: config.headWidth as number,
          rank: config.rank as number,
          headInit,
          seed,
        });
        headInit = d.headInit;
        ctx.log(`${arm}: ${d.trainable} trainable of ${d.total} parameters`);
        const lr = armLr(config, arm);
        const rec = await RunRecord.create(ctx.runsDir, runId, {
          ...config,
          comparisonId: id,
          method: arm,
          lr,
        }, {
          task: "coco",
          method: arm,
          backend: ctx.backend.name,
        });
        await rec.update({ comparisonId: id, head: config.head as string, dataset: data.name });
        try {
          const out = await trainArm(
            d,
            { train: data.train, trainIdx, val, valIdx },
            {
              epochs: config.epochs as number,
              batchSize: config.batchSize as number,
              lr,
              weightDecay: config.weightDecay as number,
              warmupSteps: config.warmupSteps as number,
              clipNorm: config.clipNorm as number,
              flip: config.flip as number,
              seed,
              inputSize,
              scoreThreshold: config.scoreThreshold as number,
              previewImages: config.previewImages as number,
            },
            pool,
            rec,
            { signal: ctx.signal, log: ctx.log, label: arm },
          );
          if (out.status === "interrupted") return await interruptComparison(record);
          if (out.eval && out.eval.predictions.length) {
            const svg = await previewSvg(val as CocoSource, out.eval.predictions, {
              minScore: 0.3,
              title: `${arm} (${config.head})`,
            });
            await writeFileAtomic(join(rec.dir, "preview.svg"), svg);
          }
          const f = out.summary.final ?? {};
          const c = out.summary.compute;
          rows.push({
            method: arm,
            runId,
            AP: f.AP ?? -1,
            AP50: f.AP50 ?? -1,
            AP75: f.AP75 ?? -1,
            APs: f.APs ?? -1,
            APm: f.APm ?? -1,
            APl: f.APl ?? -1,
            AR100: f.AR100 ?? -1,
            trainableParams: d.trainable,
            computeSeconds: c?.cpuSeconds ?? 0,
            wallSeconds: c?.wallSeconds ?? 0,
            trainingFlops: c?.trainingFlops ?? 0,
          });
        } finally {
          disposeDetector(d);
        }
      }
      const table = withRelative(rows);
      await shareTable(ctx.runsDir, id, table);
      const report = formatReport({
        id,
        dataset: holdOut > 0 ? `${data.name} (hold-out of train)` : data.name,
        head: config.head as string,
        backbone: config.backbone as string,
        backend: ctx.backend.name,
        rows: table,
        pretrain,
        images: { train: trainIdx.length, val: valIdx.length },
        config,
      });
      return await completeComparison(ctx.log, record, {
        report,
        summary: { rows: table, metric: "AP", sunkPretrain: pretrain },
        table: formatTable(table),
      });
    });
  } finally {
    pool.close();
    if (headInit) tf.dispose(headInit);
  }
}
