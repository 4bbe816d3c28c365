/**
 * The digits-shift comparison end to end under the protocol: data and
 * shift, the cached pre-trained network, every arm at every seed as its own
 * recorded run (resumable), then the summary over seeds (mean ± std, paired
 * difference to the quadratic arm, compute and savings at equal accuracy)
 * in the comparison's `summary.json` and `runs/<comparison-id>/report.md`.
 *
 * @example
 * ```ts
 * import { seedList } from "./compare.ts";
 * seedList({ seed: 1, seeds: 3 }); // [1, 2, 3]
 * ```
 * @module
 */
import {
  acquireLock,
  checkRunId,
  ConfigError,
  forwardFlops,
  lookup,
  runPaths,
  RunRecord,
  type RunSummary,
  type TaskContext,
  type TaskResult,
  tf,
  writeFileAtomic,
} from "@quadranet/core";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { type ArmResult, buildComparison, type Comparison } from "../protocol/comparison.ts";
import { formatComparisonTable } from "../protocol/comparison_table.ts";
import { parseTarget } from "../protocol/equal_accuracy.ts";
import { type ArmData, runArm } from "./arm_run.ts";
import { prepareDigits } from "./digits_data.ts";
import { armLr } from "./lrs.ts";
import { type Arm, ARMS, type ArmSettings } from "./methods.ts";
import { architecture } from "./model.ts";
import { checkTargetNames } from "../cli/targets_check.ts";
import { PRETRAIN_LOOP, pretrained } from "./pretrain.ts";
import { formatReport, QUICK_NOTE } from "./report.ts";
import { type LoopSettings, loopSettings } from "./settings.ts";

/** Arm settings from the resolved config. */
export function armSettings(c: Record<string, unknown>): ArmSettings {
  lookup("kernel", c.kernel as string); // unknown names fail here, listing the registered ones
  lookup("backprop", c.backprop as string);
  const arch = architecture(c.backbone as string, c.width as number);
  const targets = c.targets as string[] | undefined;
  if (targets) { // a typo fails now, not after pre-training
    const probe = arch.build(c.seed as number);
    try {
      checkTargetNames(probe, targets);
    } finally {
      probe.dispose();
    }
  }
  return {
    seed: c.seed as number,
    arch,
    epochs: c.epochs as number,
    scratchEpochs: c.scratchEpochs as number,
    rank: c.rank as number,
    alpha: c.alpha as number | undefined,
    kernel: c.kernel as string,
    backprop: c.backprop as string,
    targets: (c.targets as string[] | undefined) ?? null,
  };
}

/** The replicate seeds: `seed, seed + 1, …` (`seeds` of them). */
export function seedList(c: Record<string, unknown>): number[] {
  return Array.from({ length: c.seeds as number }, (_, i) => (c.seed as number) + i);
}

/** Everything one protocol comparison runs over. */
export interface ProtocolPlan {
  id: string;
  task: string;
  arms: Arm[];
  seeds: number[];
  settings: ArmSettings;
  loop: LoopSettings;
  base: tf.LayersModel;
  head: string[];
  data: ArmData;
  config: Record<string, unknown>;
  lrOf(arm: Arm): number;
  pretrain?: Comparison["pretrain"];
  summaryExtra: Partial<RunSummary>;
}

/** Runs every arm at every seed; null when interrupted. */
export async function runArms(ctx: TaskContext, p: ProtocolPlan): Promise<ArmResult[] | null> {
  const results: ArmResult[] = [];
  for (const arm of p.arms) {
    ctx.log(`${arm.name}: ${arm.description}`);
    const result: ArmResult = {
      method: arm.name,
      fromPretrained: arm.fromPretrained,
      trainableParams: 0,
      inferenceFlops: 0,
      ...(arm.untrained ? {} : { lr: p.lrOf(arm) }),
      seeds: [],
    };
    for (const seed of p.seeds) {
      const out = await runArm(ctx, {
        runId: arm.untrained ? `${p.id}-${arm.name}` : `${p.id}-${arm.name}-s${seed}`,
        task: p.task,
        arm,
        seed,
        lr: p.lrOf(arm),
        settings: p.settings,
        loop: p.loop,
        base: p.base,
        head: p.head,
        data: p.data,
        config: { ...p.config, comparisonId: p.id },
        summaryExtra: { comparisonId: p.id, ...p.summaryExtra },
      });
      if (out.status === "interrupted" || !out.seed) return null;
      if (out.summary) ctx.log(armResult(`${arm.name} s${seed}`, out.summary));
      result.trainableParams = out.trainableParams;
      result.inferenceFlops = out.inferenceFlops;
      result.seeds.push(out.seed);
    }
    results.push(result);
  }
  return results;
}

/**
 * `--only-seeds`: the replicate seeds this process trains, without writing the
 * comparison record (so several processes or machines can share one
 * comparison); null when not given. Each must be one of {@link seedList}.
 */
export function onlySeeds(c: Record<string, unknown>): number[] | null {
  const raw = c.onlySeeds as string[] | undefined;
  if (!raw?.length) return null;
  const all = seedList(c);
  return raw.map((v) => {
    const n = Number(v);
    if (!all.includes(n)) {
      throw new ConfigError(
        "onlySeeds",
        `--only-seeds ${v} is not a replicate seed of this comparison (${all.join(", ")})`,
      );
    }
    return n;
  });
}

/** One line on an arm run's result, printed as soon as it finishes. */
export function armResult(name: string, s: RunSummary): string {
  const top1 = s.final?.top1;
  const cpu = s.compute?.cpuSeconds;
  return `${name} done: top-1 ${typeof top1 === "number" ? (100 * top1).toFixed(2) : "?"}%, ` +
    `${typeof cpu === "number" ? cpu.toFixed(1) : "?"} CPU s`;
}

/**
 * Runs (or resumes) comparison `id` with resolved `config`; one process at
 * a time writes the comparison (a second one, e.g. `--resume` of a
 * comparison still running, is refused naming the running process).
 * `--only-seeds` parts take no comparison lock: each arm run is locked on
 * its own, so parts run side by side.
 */
export async function runComparison(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
  resume: boolean,
): Promise<TaskResult> {
  const arms = ARMS.filter((a) => (config.methods as string[]).includes(a.name));
  if (arms.length === 0) throw new ConfigError("methods", "methods selects no arm");
  const target = parseTarget(config.target as string | undefined, "quadratic-scratch");
  const settings = armSettings(config);
  const loop = loopSettings(config);
  const part = onlySeeds(config);
  if (part) return runPart(ctx, config, id, arms, part);
  const release = await acquireLock(runPaths(ctx.runsDir, checkRunId(id)).dir, {
    what: `Comparison ${id}`,
  });
  try {
    return await runLocked(ctx, config, id, resume, { arms, target, settings, loop });
  } finally {
    await release();
  }
}

async function runLocked(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
  resume: boolean,
  { arms, target, settings, loop }: {
    arms: Arm[];
    target: ReturnType<typeof parseTarget>;
    settings: ArmSettings;
    loop: LoopSettings;
  },
): Promise<TaskResult> {
  // Everything that can be checked from the config is checked before any record exists.
  const data = prepareDigits(config, settings.arch.size);
  let record: RunRecord;
  try {
    record = resume && existsSync(join(ctx.runsDir, id, "summary.json"))
      ? await RunRecord.open(ctx.runsDir, id)
      : await RunRecord.create(
        ctx.runsDir,
        id,
        { kind: "comparison", ...config, targetRule: target },
        {
          task: "digits-shift",
          method: "comparison",
          backend: ctx.backend.name,
        },
      );
    await record.update({ status: "running", shift: config.shift as string, error: undefined });
  } catch (e) {
    data.dispose();
    throw e;
  }
  try {
    const base = await pretrained(
      { ...ctx, backend: ctx.backend.name },
      {
        arch: `${settings.arch.name}@3`,
        seed: config.seed as number,
        width: config.width as number,
        pretrainSize: config.pretrainSize as number,
        pretrainEpochs: config.pretrainEpochs as number,
        loop: PRETRAIN_LOOP,
        data: "clean-pretrain",
      },
      data.pre,
      settings.arch,
    );
    if (!base.model) {
      await record.update({ status: "interrupted" });
      return { status: "interrupted", recordDir: record.dir };
    }
    const pretrain = {
      runId: base.summary.runId,
      flops: base.summary.compute?.trainingFlops ?? 0,
      cpuSeconds: base.summary.compute?.cpuSeconds ?? 0,
      top1: base.summary.final?.top1 ?? 0,
      on: "clean validation digits",
    };
    const results = await runArms(ctx, {
      id,
      task: "digits-shift",
      arms,
      seeds: seedList(config),
      settings,
      loop,
      base: base.model,
      head: settings.arch.head,
      data: data.target,
      config,
      lrOf: (arm) => (config.lr as number | undefined) ?? armLr(arm.name),
      pretrain,
      summaryExtra: { shift: config.shift as string },
    });
    if (!results) {
      await record.update({ status: "interrupted" });
      ctx.log(`interrupted; resume with: deno task train --resume ${id}`);
      return { status: "interrupted", recordDir: record.dir };
    }
    const comparison = buildComparison(results, {
      target,
      pairedWith: "quadratic",
      baseInferenceFlops: forwardFlops(base.model),
      pretrain,
    });
    const report = formatReport({
      title: `digits-shift comparison ${id}`,
      setting: `Shift: **${config.shift}**. Backend: **${ctx.backend.name}**. Split (seed ` +
        `${config.seed}, disjoint): ${config.pretrainSize} clean digits for pre-training, ` +
        `${config.trainSize} shifted for adaptation, ${config.validationSize} shifted for ` +
        `validation (carved from the adaptation side), ${config.testSize} shifted for test ` +
        `(read once, at the end).`,
      comparison,
      config,
    });
    await writeFileAtomic(join(record.dir, "report.md"), report);
    await record.update({ status: "completed", protocol: 1, ...comparison });
    console.log(`\n${formatComparisonTable(comparison)}\n`);
    if (config.quick) console.log(QUICK_NOTE);
    ctx.log(`report: ${join(record.dir, "report.md")}`);
    return { status: "completed", recordDir: record.dir };
  } catch (e) {
    await record.update({ status: "failed", error: (e as Error).message });
    throw e;
  } finally {
    data.dispose();
  }
}

/** Trains the arm runs of `seeds` for comparison `id`; the comparison itself is left to a run without `--only-seeds`. */
async function runPart(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
  arms: Arm[],
  seeds: number[],
): Promise<TaskResult> {
  const settings = armSettings(config);
  const data = prepareDigits(config, settings.arch.size);
  try {
    const base = await pretrained(
      { ...ctx, backend: ctx.backend.name },
      {
        arch: `${settings.arch.name}@3`,
        seed: config.seed as number,
        width: config.width as number,
        pretrainSize: config.pretrainSize as number,
        pretrainEpochs: config.pretrainEpochs as number,
        loop: PRETRAIN_LOOP,
        data: "clean-pretrain",
      },
      data.pre,
      settings.arch,
    );
    if (!base.model) return { status: "interrupted" };
    const results = await runArms(ctx, {
      id,
      task: "digits-shift",
      arms,
      seeds,
      settings,
      loop: loopSettings(config),
      base: base.model,
      head: settings.arch.head,
      data: data.target,
      config,
      lrOf: (arm) => (config.lr as number | undefined) ?? armLr(arm.name),
      summaryExtra: { shift: config.shift as string },
    });
    if (!results) return { status: "interrupted" };
    ctx.log(
      `seeds ${seeds.join(", ")} of ${id} done; when every seed is, the same command without ` +
        `--only-seeds writes the comparison (reusing these runs)`,
    );
    return { status: "completed" };
  } finally {
    data.dispose();
  }
}
