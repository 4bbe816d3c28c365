/**
 * The driver of a protocol comparison, shared by `digits-shift` and
 * `digits-upgrade`: every arm at every replicate seed as its own recorded
 * run (resumable), the comparison record (locked: one writer at a time),
 * the pre-trained network the arms start from (its cost reported as sunk),
 * the summary over seeds (`buildComparison`), `report.md` and the printed
 * table. `--only-seeds` parts train their seeds' runs only, without the
 * comparison record. A task brings its arms, data, base network, learning
 * rates and the report's setting line.
 *
 * @example
 * ```ts
 * import { seedList } from "./protocol_run.ts";
 * seedList({ seed: 1, seeds: 3 }); // [1, 2, 3]
 * ```
 * @module
 */
import {
  acquireLock,
  checkRunId,
  ConfigError,
  forwardFlops,
  runPaths,
  type RunSummary,
  type TaskContext,
  type TaskResult,
  type tf,
} from "@quadranet/core";
import { type ArmResult, buildComparison, type Comparison } from "../protocol/comparison.ts";
import { formatComparisonTable } from "../protocol/comparison_table.ts";
import {
  comparisonRecord,
  completeComparison,
  failOnError,
  interruptComparison,
} from "../shared/comparison_record.ts";
import type { parseTarget } from "../protocol/equal_accuracy.ts";
import { type ArmRunOptions, runArm } from "./arm_run.ts";
import type { Arm } from "./methods.ts";
import { formatReport, QUICK_NOTE } from "./report.ts";

/** The replicate seeds: `seed, seed + 1, …` (`seeds` of them). */
export function seedList(c: Record<string, unknown>): number[] {
  return Array.from({ length: c.seeds as number }, (_, i) => (c.seed as number) + i);
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

/** Everything one protocol comparison runs over (what each arm run shares, and the arms and seeds). */
export interface ProtocolPlan extends Omit<ArmRunOptions, "runId" | "arm" | "seed" | "lr"> {
  id: string;
  arms: Arm[];
  seeds: number[];
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

/** A protocol comparison as a task defines it (see {@link runProtocolComparison}). */
export interface ProtocolComparison extends Omit<ProtocolPlan, "seeds" | "base" | "pretrain"> {
  /** Opens the stored comparison (when it exists) instead of creating it. */
  resume: boolean;
  /** The rule of the equal-accuracy target. */
  target: ReturnType<typeof parseTarget>;
  /** The arm every other arm's paired difference is taken against. */
  pairedWith: string;
  /** The network the arms start from (trained now or cached); no model: interrupted. */
  base(): Promise<{ model?: tf.LayersModel; summary: RunSummary }>;
  /** Written into the comparison record as it starts. */
  recordExtra?: Partial<RunSummary>;
  /** The report's setting paragraph, given the base network's run. */
  setting(pretrain: NonNullable<Comparison["pretrain"]>): string;
  /** The command that resumes it. */
  resumeCommand: string;
}

/**
 * Runs (or resumes) a protocol comparison: `--only-seeds` parts train their
 * seeds only (each arm run locked on its own, so parts run side by side);
 * otherwise one process at a time writes the comparison (a second one is
 * refused naming the running process).
 */
export async function runProtocolComparison(
  ctx: TaskContext,
  c: ProtocolComparison,
): Promise<TaskResult> {
  const part = onlySeeds(c.config);
  if (part) return await runPart(ctx, c, part);
  const release = await acquireLock(runPaths(ctx.runsDir, checkRunId(c.id)).dir, {
    what: `Comparison ${c.id}`,
  });
  try {
    return await runLocked(ctx, c);
  } finally {
    await release();
  }
}

async function runLocked(ctx: TaskContext, c: ProtocolComparison): Promise<TaskResult> {
  const record = await comparisonRecord(ctx, {
    id: c.id,
    task: c.task,
    config: { ...c.config, targetRule: c.target },
    resume: c.resume,
  });
  await record.update({ status: "running", ...c.recordExtra, error: undefined });
  return await failOnError(record, async () => {
    const base = await c.base();
    if (!base.model) return await interruptComparison(record);
    const pretrain = {
      runId: base.summary.runId,
      flops: base.summary.compute?.trainingFlops ?? 0,
      cpuSeconds: base.summary.compute?.cpuSeconds ?? 0,
      top1: base.summary.final?.top1 ?? 0,
      on: "clean validation digits",
    };
    const results = await runArms(ctx, {
      ...c,
      seeds: seedList(c.config),
      base: base.model,
      pretrain,
    });
    if (!results) return await interruptComparison(record, ctx.log, c.resumeCommand);
    const comparison = buildComparison(results, {
      target: c.target,
      pairedWith: c.pairedWith,
      baseInferenceFlops: forwardFlops(base.model),
      pretrain,
    });
    return await completeComparison(ctx.log, record, {
      report: formatReport({
        title: `${c.task} comparison ${c.id}`,
        setting: c.setting(pretrain),
        comparison,
        config: c.config,
      }),
      summary: { protocol: 1, ...comparison },
      table: formatComparisonTable(comparison),
      note: c.config.quick ? QUICK_NOTE : undefined,
    });
  });
}

/** Trains the arm runs of `seeds`; the comparison itself is left to a run without `--only-seeds`. */
async function runPart(
  ctx: TaskContext,
  c: ProtocolComparison,
  seeds: number[],
): Promise<TaskResult> {
  const base = await c.base();
  if (!base.model) return { status: "interrupted" };
  const results = await runArms(ctx, { ...c, seeds, base: base.model });
  if (!results) return { status: "interrupted" };
  ctx.log(
    `seeds ${seeds.join(", ")} of ${c.id} done; when every seed is, the same command without ` +
      `--only-seeds writes the comparison (reusing these runs)`,
  );
  return { status: "completed" };
}
