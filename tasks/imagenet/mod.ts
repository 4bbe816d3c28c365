/**
 * Tasks `imagenet-1k` and `imagenet-21k-p`: the paper's classification runs
 * on the user's own copy of the data — zero-shot (where the head fits),
 * linear probe, full fine-tuning, LoRA, quadratic adaptation (ours) and,
 * when asked, the from-scratch arms — with the default task's run records,
 * resume, compute accounting and `report.md`.
 *
 * @example
 * ```sh
 * deno task train imagenet-1k --data /data/imagenet --backbone resnet50 --weights resnet50.safetensors
 * deno task train imagenet-21k-p --data /data/imagenet21k_resized --per-class 20 --quick
 * ```
 * @module
 */
import { register, runStamp, type TaskContext, type TaskDefinition } from "@quadranet/core";
import { storedComparison } from "../shared/comparison_record.ts";
import { runImagenetComparison } from "./compare.ts";
import { IMAGENET_OPTIONS, imagenetConfig } from "./options.ts";

function runner(task: string) {
  return async (ctx: TaskContext) => {
    if (ctx.resume) {
      const { id, config } = await storedComparison(ctx.runsDir, ctx.resume, task);
      ctx.log(`resuming comparison ${id}`);
      return runImagenetComparison(ctx, task, imagenetConfig(config), id, true);
    }
    const config = imagenetConfig(ctx.config);
    const id = config.runId ??
      `${task}-${config.backbone}-s${config.seed}${config.quick ? "-quick" : ""}-${runStamp()}`;
    return runImagenetComparison(ctx, task, { ...config, runId: id }, id, false);
  };
}

/** Task `imagenet-1k`. */
export const imagenet1kTask: TaskDefinition = {
  name: "imagenet-1k",
  description:
    "ImageNet-1K on your data (ImageFolder or ILSVRC-2012): probe, fine-tune, LoRA, ours",
  options: IMAGENET_OPTIONS,
  run: runner("imagenet-1k"),
};

/** Task `imagenet-21k-p`. */
export const imagenet21kPTask: TaskDefinition = {
  name: "imagenet-21k-p",
  description: "ImageNet-21K-P (winter21) on your data with the semantic softmax",
  options: IMAGENET_OPTIONS,
  run: runner("imagenet-21k-p"),
};

register("task", imagenet1kTask.name, imagenet1kTask);
register("task", imagenet21kPTask.name, imagenet21kPTask);
