/**
 * `deno task train --lr-search`: every trained arm at every rate of
 * {@link LR_GRID}, one seed, the run's sizes, judged on the validation split
 * only (the test set is not read). Prints and records the table, the cost,
 * and the `ARM_LRS` block to commit into `lrs.ts`.
 *
 * @example
 * ```sh
 * deno task train --lr-search            # at the default sizes
 * deno task train --lr-search --quick    # seconds, to try it
 * ```
 * @module
 */
import {
  ConfigError,
  RunRecord,
  type TaskContext,
  type TaskResult,
  writeFileAtomic,
} from "@quadranet/core";
import { join } from "node:path";
import { chooseRates, formatSearch, type GridPoint } from "../protocol/lr_choice.ts";
import { runArm } from "./arm_run.ts";
import { armSettings } from "./compare.ts";
import { prepareDigits } from "./digits_data.ts";
import { LR_GRID } from "./lrs.ts";
import { ARMS } from "./methods.ts";
import { shiftPretrained } from "./pretrain.ts";
import { loopSettings } from "./settings.ts";

/** Runs the grid and writes `runs/<id>/report.md`. */
export async function runLrSearch(
  ctx: TaskContext,
  config: Record<string, unknown>,
  id: string,
): Promise<TaskResult> {
  const settings = armSettings(config);
  const loop = loopSettings(config);
  const grid = (config.lrGrid as string[] | undefined)?.map((v) => {
    const lr = Number(v);
    if (!(lr > 0)) throw new ConfigError("lrGrid", `--lr-grid ${v} is not a positive rate`);
    return lr;
  }) ?? LR_GRID;
  const arms = ARMS.filter((a) =>
    a.name !== "zero-shot" && (config.methods as string[]).includes(a.name)
  );
  const record = await RunRecord.create(ctx.runsDir, id, { kind: "lr-search", ...config }, {
    task: "digits-shift",
    method: "lr-search",
    backend: ctx.backend.name,
  });
  const data = prepareDigits(config, settings.arch.size);
  try {
    const base = await shiftPretrained(ctx, config, settings, data.pre);
    if (!base.model) return { status: "interrupted", recordDir: record.dir };
    const points: GridPoint[] = [];
    for (const arm of arms) {
      for (const lr of grid) {
        const out = await runArm(ctx, {
          runId: `${id}-${arm.name}-lr${lr}`,
          task: "digits-shift",
          arm,
          seed: config.seed as number,
          lr,
          settings,
          loop,
          base: base.model,
          head: settings.arch.head,
          data: { train: data.target.train, validation: data.target.validation },
          config: { ...config, lrSearchId: id },
          summaryExtra: { lrSearchId: id, shift: config.shift as string },
        });
        if (out.status === "interrupted" || !out.seed) {
          await record.update({ status: "interrupted" });
          return { status: "interrupted", recordDir: record.dir };
        }
        points.push({
          arm: arm.name,
          lr,
          validationTop1: out.seed.validationTop1,
          flops: out.seed.budgetFlops,
          cpuSeconds: out.seed.budgetSeconds,
        });
      }
    }
    const chosen = chooseRates(points);
    const table = formatSearch(points);
    const block = `export const ARM_LRS: Record<string, number> = ${
      JSON.stringify(chosen, null, 2)
    };`;
    const report = [
      `# digits-shift learning-rate search ${id}`,
      "",
      `Shift **${config.shift}**, width ${config.width}, ${config.trainSize} training and ` +
      `${config.validationSize} validation digits, ${config.epochs} adaptation / ` +
      `${config.scratchEpochs} scratch epochs, seed ${config.seed}, backend ${ctx.backend.name}.`,
      "",
      table,
      "",
      "To adopt, put into `tasks/digits-shift/lrs.ts`:",
      "",
      "```ts",
      block,
      "```",
      "",
    ].join("\n");
    await writeFileAtomic(join(record.dir, "report.md"), report);
    await record.update({ status: "completed", lrSearch: { points, chosen } });
    console.log(`\n${table}\n\n${block}\n`);
    return { status: "completed", recordDir: record.dir };
  } finally {
    data.dispose();
  }
}
