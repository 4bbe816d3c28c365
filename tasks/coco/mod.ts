/**
 * The `coco` task: the adaptation comparison on object detection. With `--data DIR` on a COCO
 * 2017 folder, otherwise on the embedded digits-detect set. `--resume ID` continues an interrupted
 * comparison with its stored config: completed arms are kept, the unfinished one continues from
 * its last epoch's checkpoint exactly, the rest run.
 *
 * @example
 * ```sh
 * deno task train coco --quick
 * deno task train coco --data /data/coco --backbone resnet50 --weights resnet50.safetensors --head fcos --input-size 512
 * deno task train coco --resume coco-digits-centernet-s1-20261127-150000
 * ```
 * @module
 */
import {
  register,
  RunRecord,
  runStamp,
  type TaskContext,
  type TaskDefinition,
  type TaskResult,
} from "@quadranet/core";
import { join } from "node:path";
import { storedComparison } from "../shared/comparison_record.ts";
import "@quadranet/coco";
import "@quadranet/detection-heads";
import { runComparison } from "./compare.ts";
import { COCO_OPTIONS, withSizes } from "./settings.ts";

/** `--resume ID`: the stored comparison continued; a completed one is said so and left alone. */
async function resume(ctx: TaskContext, given: string): Promise<TaskResult> {
  const { id, config } = await storedComparison(ctx.runsDir, given, "coco");
  const record = await RunRecord.open(ctx.runsDir, id);
  if (record.summary.status === "completed") {
    ctx.log(
      `comparison ${id} is already complete; nothing to resume (its report: ${
        join(record.dir, "report.md")
      })`,
    );
    return { status: "completed", recordDir: record.dir };
  }
  ctx.log(`resuming comparison ${id} (${record.summary.status})`);
  return runComparison(ctx, withSizes(config), id, true);
}

function run(ctx: TaskContext) {
  if (ctx.resume) return resume(ctx, ctx.resume);
  const config = withSizes(ctx.config);
  const id = (config.runId as string | undefined) ??
    `coco-${config.data ? "data" : "digits"}-${config.head}-s${config.seed}${
      config.quick ? "-quick" : ""
    }-${runStamp()}`;
  return runComparison(ctx, { ...config, runId: id }, id);
}

/** The task. */
export const cocoTask: TaskDefinition = {
  name: "coco",
  description: "adapt a pre-trained backbone to detection: frozen, full, LoRA, quadratic (COCO AP)",
  options: COCO_OPTIONS,
  run,
};

register("task", cocoTask.name, cocoTask);
