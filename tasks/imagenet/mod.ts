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
import {
  ConfigError,
  register,
  RunRecord,
  type TaskContext,
  type TaskDefinition,
} from "@quadranet/core";
import { runImagenetComparison } from "./compare.ts";
import { IMAGENET_OPTIONS, withSizes } from "./options.ts";

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

function runner(task: string) {
  return async (ctx: TaskContext) => {
    if (ctx.resume) {
      let rec = await RunRecord.open(ctx.runsDir, ctx.resume);
      let stored = await rec.config() as Record<string, unknown>;
      if (stored.comparisonId) {
        rec = await RunRecord.open(ctx.runsDir, stored.comparisonId as string);
        stored = await rec.config() as Record<string, unknown>;
      }
      if (stored.kind !== "comparison" || rec.summary.task !== task) {
        throw new ConfigError("resume", `Run "${ctx.resume}" is not part of a ${task} comparison`);
      }
      const { kind: _kind, ...config } = stored;
      ctx.log(`resuming comparison ${rec.summary.runId}`);
      return runImagenetComparison(ctx, task, config, rec.summary.runId, true);
    }
    const config = withSizes(ctx.config);
    const id = (config.runId as string | undefined) ??
      `${task}-${config.backbone}-s${config.seed}${config.quick ? "-quick" : ""}-${stamp()}`;
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
