/**
 * The `coco` task: the adaptation comparison on object detection. With `--data DIR` on a COCO
 * 2017 folder, otherwise on the embedded digits-detect set.
 *
 * @example
 * ```sh
 * deno task train coco --quick
 * deno task train coco --data /data/coco --backbone resnet50 --weights resnet50.safetensors --head fcos --input-size 512
 * ```
 * @module
 */
import {
  ConfigError,
  register,
  runStamp,
  type TaskContext,
  type TaskDefinition,
} from "@quadranet/core";
import "@quadranet/coco";
import "@quadranet/detection-heads";
import { runComparison } from "./compare.ts";
import { COCO_OPTIONS, withSizes } from "./settings.ts";

function run(ctx: TaskContext) {
  if (ctx.resume) {
    throw new ConfigError(
      "resume",
      "the coco task cannot resume yet (no mid-run checkpoints); start it again without --resume",
    );
  }
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
