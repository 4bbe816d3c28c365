/**
 * The detection comparison: one dataset, one pre-trained backbone, one head initialisation; the
 * arms frozen / full / lora / quadratic trained and evaluated in turn; a comparison record with the
 * table, `report.md`, and per arm a run record, `results.json` and `preview.svg`. Resumable: the
 * backbone's fingerprint, the arms' rates and the head initialisation are stored with the
 * comparison (`start.json`, `checkpoints/`), completed arms are kept, an unfinished one continues
 * from its last epoch's checkpoint.
 * @module
 */
import {
  acquireLock,
  ConfigError,
  lookup,
  runExists,
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
import { openArm, rowOf } from "./arm_record.ts";
import { comparisonStart, saveHeadInit } from "./comparison_start.ts";

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

/**
 * Each arm's learning rate for a comparison starting now: `armLr`, but on a resume (of a comparison
 * begun before `start.json` was kept) the rate an arm's own record already trained with.
 */
async function armLrs(
  runsDir: string,
  id: string,
  arms: ArmName[],
  config: Record<string, unknown>,
  resume: boolean,
): Promise<Record<string, number>> {
  const lrs: Record<string, number> = {};
  for (const arm of arms) {
    lrs[arm] = armLr(config, arm);
    if (!resume || !runExists(runsDir, `${id}-${arm}`)) continue;
    const { lr } = await (await RunRecord.open(runsDir, `${id}-${arm}`)).config();
    if (typeof lr === "number") lrs[arm] = lr;
  }
  return lrs;
}

/** The command that resumes comparison `id`. */
export const resumeCommand = (id: string): string => `deno task train coco --resume ${id}`;

/**
 * Runs comparison `id` with the resolved `config` (`resume`: continues the stored one); one process
 * at a time (a second one is refused naming the first).
 */
export async function runComparison(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
  resume = false,
): Promise<TaskResult> {
  const arms = ARM_NAMES.filter((a) => (config.methods as string[]).includes(a));
  if (arms.length === 0) throw new ConfigError("methods", "methods selects no arm");
  const headPlugin: HeadPlugin = lookup("head", config.head as string);
  await checkWeightsFile(config.weights as string | undefined);
  await checkInputSizeFirst(config.backbone as string, config.inputSize as number);
  const data = await openData(config, ctx.log);
  const release = await acquireLock(join(ctx.runsDir, id), { what: `Comparison ${id}` });
  try {
    const record = await comparisonRecord(ctx, { id, task: "coco", config, resume });
    if (resume) await record.update({ status: "running", error: undefined });
    return await runArms(ctx, config, id, resume, { arms, headPlugin, data, record });
  } finally {
    await release();
  }
}

async function runArms(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
  resume: boolean,
  { arms, headPlugin, data, record }: {
    arms: ArmName[];
    headPlugin: HeadPlugin;
    data: Awaited<ReturnType<typeof openData>>;
    record: RunRecord;
  },
): Promise<TaskResult> {
  const pool = new LetterboxPool(config.workers as number);
  let headInit: tf.Tensor[] | null = null;
  const interrupted = () => interruptComparison(record, ctx.log, resumeCommand(id));
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
        if (!pre.path) return await interrupted();
        weights = pre.path;
        pretrain = {
          runId: pre.summary.runId,
          computeSeconds: pre.summary.compute?.cpuSeconds ?? 0,
          cleanTop1: pre.summary.final?.top1 ?? 0,
        };
      }
      // what every arm starts from, fixed when the comparison started
      const started = await comparisonStart(record, {
        weights,
        lrs: await armLrs(ctx.runsDir, id, arms, config, resume),
      });
      headInit = started.headInit;
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
      for (const arm of arms) {
        const runId = `${id}-${arm}`;
        if (ctx.signal.interrupted) return await interrupted();
        const found = await openArm(ctx.runsDir, runId, resume);
        if (found.kind === "completed") {
          ctx.log(`${arm}: completed before, kept as it is (${found.record.dir})`);
          rows.push(rowOf(arm, runId, found.record.summary));
          continue;
        }
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
        try {
          if (!headInit) await saveHeadInit(record, d.headInit);
          headInit = d.headInit;
          ctx.log(`${arm}: ${d.trainable} trainable of ${d.total} parameters`);
          const lr = started.start.lrs[arm] ?? armLr(config, arm);
          let rec: RunRecord;
          if (found.kind === "unfinished") {
            rec = found.record;
            if (found.note) ctx.log(`${arm}: ${found.note}`);
            if (!found.resumeFrom) ctx.log(`${arm}: no checkpoint yet, training it from its start`);
          } else {
            rec = await RunRecord.create(ctx.runsDir, runId, {
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
          }
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
            {
              signal: ctx.signal,
              log: ctx.log,
              label: arm,
              resumeFrom: found.kind === "unfinished" ? found.resumeFrom : undefined,
            },
          );
          if (out.status === "interrupted") return await interrupted();
          if (out.eval && out.eval.predictions.length) {
            const svg = await previewSvg(val as CocoSource, out.eval.predictions, {
              minScore: 0.3,
              title: `${arm} (${config.head})`,
            });
            await writeFileAtomic(join(rec.dir, "preview.svg"), svg);
          }
          rows.push(rowOf(arm, runId, out.summary, d.trainable));
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
        lrs: started.start.lrs,
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
