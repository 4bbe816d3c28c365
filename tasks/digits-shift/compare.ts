/**
 * The digits-shift comparison end to end: data and shift, cached
 * pre-training, each arm as its own recorded run (resumable), the table in
 * every run's `summary.json` and in `runs/<comparison-id>/report.md`.
 *
 * @example
 * ```ts
 * import type { TaskContext } from "@quadranet/core";
 * import { runComparison } from "./compare.ts";
 * import type { DigitsShiftConfig } from "./config.ts";
 * declare const ctx: TaskContext, config: DigitsShiftConfig; // from the task's run()
 * const result = await runComparison(ctx, config, "digits-shift-solarize-1", false);
 * ```
 * @module
 */
import {
  acquireLock,
  adapterLayers,
  adapterSummary,
  checkRunId,
  ConfigError,
  type Dataset,
  evaluate,
  lookup,
  runExists,
  runPaths,
  RunRecord,
  type RunSummary,
  runTraining,
  type TaskContext,
  type TaskResult,
  tf,
  writeReport,
} from "@quadranet/core";
import { type Digits, gatherDigits, loadDigits, splitDigits } from "./data.ts";
import { ARMS, type ArmSettings } from "./methods.ts";
import { architecture } from "./model.ts";
import { pretrained } from "./pretrain.ts";
import {
  type ComparisonRow,
  formatReport,
  formatTable,
  QUICK_NOTE,
  withSavings,
} from "./report.ts";
import { applyShift } from "./shifts.ts";
import type { DigitsShiftConfig } from "./config.ts";
import { loopSettings } from "./settings.ts";

function dataset(d: Digits, size: number, images = d.images): Dataset {
  const x = tf.tidy(() => {
    const t = tf.tensor4d(images, [d.labels.length, 28, 28, 1]);
    const p = (size - 28) / 2; // backbones run at 32×32: a zero border, as in LeNet's input
    return p > 0 ? tf.pad(t, [[0, 0], [p, p], [p, p], [0, 0]]) : t;
  });
  return { x, y: d.labels };
}

function armSettings(c: DigitsShiftConfig): ArmSettings {
  lookup("kernel", c.kernel); // unknown names fail here, listing the registered ones
  lookup("backprop", c.backprop);
  return {
    seed: c.seed,
    arch: architecture(c.backbone, c.width),
    epochs: c.epochs,
    scratchEpochs: c.scratchEpochs,
    lr: c.lr,
    rank: c.rank,
    alpha: c.alpha,
    kernel: c.kernel,
    backprop: c.backprop,
    targets: c.targets ?? null,
  };
}

/**
 * Runs (or resumes) comparison `id` with resolved `config`; one process at
 * a time (a second one, e.g. `--resume` of a comparison still running, is
 * refused naming the running process).
 */
export async function runComparison(
  ctx: TaskContext,
  config: DigitsShiftConfig,
  id: string,
  resume: boolean,
): Promise<TaskResult> {
  const release = await acquireLock(runPaths(ctx.runsDir, checkRunId(id)).dir, {
    what: `Comparison ${id}`,
  });
  try {
    return await runLocked(ctx, config, id, resume);
  } finally {
    await release();
  }
}

async function runLocked(
  ctx: TaskContext,
  config: DigitsShiftConfig,
  id: string,
  resume: boolean,
): Promise<TaskResult> {
  const arms = ARMS.filter((a) => config.methods.includes(a.name));
  if (arms.length === 0) throw new ConfigError("methods", "methods selects no arm");
  const settings = armSettings(config);
  const loop = loopSettings(config);
  // Everything that can be checked from the config is checked before any record exists.
  const digits = loadDigits();
  const split = splitDigits(digits.labels.length, {
    pretrain: config.pretrainSize,
    train: config.trainSize,
    test: config.testSize,
  }, config.seed);
  const record = resume && runExists(ctx.runsDir, id)
    ? await RunRecord.open(ctx.runsDir, id)
    : await RunRecord.create(ctx.runsDir, id, { kind: "comparison", ...config }, {
      task: "digits-shift",
      method: "comparison",
      backend: ctx.backend.name,
    });
  await record.update({ status: "running", shift: config.shift, error: undefined });
  const clean = {
    train: gatherDigits(digits, split.pretrain),
    test: gatherDigits(digits, split.test),
  };
  const shiftedTrain = gatherDigits(digits, split.train);
  const shift = config.shift, seed = config.seed;
  const size = settings.arch.size;
  const pre = { train: dataset(clean.train, size), test: dataset(clean.test, size) };
  const target = {
    train: dataset(shiftedTrain, size, applyShift(shift, shiftedTrain.images, seed)),
    test: dataset(clean.test, size, applyShift(shift, clean.test.images, seed + 1)),
  };
  try {
    const base = await pretrained(
      { ...ctx, backend: ctx.backend.name },
      {
        arch: `${settings.arch.name}@2`,
        seed,
        width: config.width,
        pretrainSize: config.pretrainSize,
        pretrainEpochs: config.pretrainEpochs,
        loop,
      },
      pre,
      settings.arch,
    );
    if (!base.model) {
      await record.update({ status: "interrupted" });
      return { status: "interrupted", recordDir: record.dir };
    }
    const rows: Omit<ComparisonRow, "relativeCompute" | "savingsPercent">[] = [];
    const runIds: string[] = [];
    for (const arm of arms) {
      const runId = `${id}-${arm.name}`;
      const built = arm.build(base.model, settings);
      let summary: RunSummary;
      if (!built) {
        summary = await zeroShot(ctx, runId, config, base.model, target.test);
      } else {
        ctx.log(`${arm.name}: ${arm.description}`);
        const { layers: _layers, ...adapted } = adapterLayers(built.model).length
          ? adapterSummary(built.model)
          : { layers: undefined };
        const out = await runTraining({
          ...loop,
          model: built.model,
          train: target.train,
          eval: target.test,
          stages: built.stages,
          head: settings.arch.head,
          seed,
          runsDir: ctx.runsDir,
          runId,
          task: "digits-shift",
          method: arm.name,
          backend: ctx.backend.name,
          config: { ...config, comparisonId: id, method: arm.name },
          resume: runExists(ctx.runsDir, runId),
          progress: ctx.progress,
          signal: ctx.signal,
          label: arm.name,
          summaryExtra: {
            comparisonId: id,
            shift,
            fromPretrained: arm.fromPretrained,
            stages: built.stages,
            ...("adapterParams" in adapted ? { adapter: adapted } : {}),
          },
        });
        summary = out.summary;
        built.model.dispose();
        if (out.result?.status === "interrupted") {
          await record.update({ status: "interrupted" });
          ctx.log(`interrupted; resume with: deno task train --resume ${id}`);
          return { status: "interrupted", recordDir: record.dir };
        }
      }
      runIds.push(runId);
      ctx.log(armResult(arm.name, summary));
      rows.push({
        method: arm.name,
        runId,
        top1: summary.final?.top1 ?? 0,
        top5: summary.final?.top5 ?? 0,
        trainableParams: (summary.params as { trainable: number } | undefined)?.trainable ?? 0,
        computeSeconds: summary.compute?.cpuSeconds ?? 0,
        wallSeconds: summary.compute?.wallSeconds ?? 0,
        trainingFlops: summary.compute?.trainingFlops ?? 0,
      });
    }
    const table = withSavings(rows);
    const pretrain = {
      runId: base.summary.runId,
      computeSeconds: base.summary.compute?.cpuSeconds ?? 0,
      cleanTop1: base.summary.final?.top1 ?? 0,
    };
    for (const runId of runIds) {
      const rec = await RunRecord.open(ctx.runsDir, runId);
      await rec.update({
        comparison: {
          id,
          row: table.find((r) => r.runId === runId),
          table,
          sunkPretrain: pretrain,
        },
      });
    }
    const report = formatReport({
      id,
      shift,
      backend: ctx.backend.name,
      rows: table,
      pretrain,
      config,
    });
    await writeReport(record.paths, report);
    await record.update({ status: "completed", rows: table, sunkPretrain: pretrain });
    console.log(`\n${formatTable(table)}\n`);
    if (config.quick) console.log(QUICK_NOTE);
    ctx.log(`report: ${record.paths.report}`);
    return { status: "completed", recordDir: record.dir };
  } catch (e) {
    await record.update({ status: "failed", error: (e as Error).message });
    throw e;
  } finally {
    tf.dispose([pre.train.x, pre.test.x, target.train.x, target.test.x]);
  }
}

/** One line on an arm's result, printed as soon as it finishes. */
export function armResult(name: string, s: RunSummary): string {
  const top1 = s.final?.top1;
  const cpu = s.compute?.cpuSeconds;
  return `${name} done: top-1 ${typeof top1 === "number" ? (100 * top1).toFixed(2) : "?"}%, ` +
    `${typeof cpu === "number" ? cpu.toFixed(1) : "?"} CPU s`;
}

/** Zero-shot: the pre-trained network evaluated on the shifted test set, as a run record. */
async function zeroShot(
  ctx: TaskContext,
  runId: string,
  config: DigitsShiftConfig,
  model: tf.LayersModel,
  test: Dataset,
): Promise<RunSummary> {
  if (runExists(ctx.runsDir, runId)) {
    const rec = await RunRecord.open(ctx.runsDir, runId);
    if (rec.summary.status === "completed") return rec.summary;
    await Deno.remove(rec.dir, { recursive: true });
  }
  const rec = await RunRecord.create(ctx.runsDir, runId, { ...config, method: "zero-shot" }, {
    task: "digits-shift",
    method: "zero-shot",
    backend: ctx.backend.name,
  });
  const m = evaluate(model, test, 256);
  const final = { top1: m.top1, top5: m.top5, loss: m.loss };
  await rec.log({ step: 0, eval: true, top1: m.top1, top5: m.top5, evalLoss: m.loss });
  await rec.update({
    status: "completed",
    final,
    best: final,
    params: { trainable: 0, total: model.countParams() },
    compute: { wallSeconds: 0, cpuSeconds: 0, trainingFlops: 0 },
    shift: config.shift,
    fromPretrained: true,
  });
  return rec.summary;
}
