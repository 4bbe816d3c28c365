/**
 * What the training loop takes and returns: its stages, hooks, streamed
 * training sets, options and result, and the checks of the stages.
 *
 * @example
 * ```ts
 * import type { Stage } from "@quadranet/core";
 * const stages: Stage[] = [{ name: "quadratic", train: ["quadratic", "head"], epochs: 3 }];
 * ```
 * @module
 */
import { type CheckpointData, type LoopState } from "./checkpoint.ts";
import { ConfigError } from "../errors.ts";
import { type Dataset, type EvalMetrics } from "./evaluate.ts";
import { type OptimizerConfig } from "./optimizers.ts";
import { checkGroups, type ParamGroup } from "./param_groups.ts";
import { type Progress } from "./progress.ts";
import type { Compute, MetricsLine } from "../records/schema.ts";
import { Rng } from "./rng.ts";
import { type Schedule } from "./schedules.ts";
import { tf } from "../tf.ts";
import type { ComputeClock } from "./compute_clock.ts";

/** One stage: which parameter groups train, for how long, at what rate. */
export interface Stage {
  /** Stage name (in logs and metrics). */
  name: string;
  /** Parameter groups trained in this stage. */
  train: ParamGroup[];
  /** Epochs of the stage. */
  epochs: number;
  /** Base learning rate of this stage (default: the loop's `lr`). */
  lr?: number;
}

/** Hooks a plugin or task can attach to the loop. */
export interface LoopHooks {
  /** After every `logEvery` steps, each epoch's last step and every evaluation. */
  onLog?(entry: MetricsLine): void | Promise<void>;
  /** After a checkpoint is written. */
  onCheckpoint?(path: string, state: LoopState): void | Promise<void>;
  /** Compute spent so far after `examples` examples, stored in each checkpoint. */
  compute?(examples: number): Compute;
  /** Transforms a training batch (augmentation); `rng` is seeded per step, so resume is exact. */
  augment?(x: tf.Tensor, rng: Rng): tf.Tensor;
}

/**
 * A training set streamed batch by batch (images decoded from files on worker threads, say)
 * instead of held in one tensor.
 */
export interface BatchStream {
  /** Examples per epoch. */
  readonly length: number;
  /**
   * The batches of one epoch's `order`, from batch `start` on. `seedOf(b)` seeds batch b's
   * augmentation, so a resumed run sees the same batches. A batch may hold fewer examples than
   * asked (skipped files); the loop disposes each `x`.
   */
  batches(
    order: Int32Array,
    batchSize: number,
    start: number,
    seedOf: (batch: number) => number,
  ): AsyncIterable<{ x: tf.Tensor; y: Int32Array }>;
}

/** Options of {@link trainLoop}. */
export interface TrainOptions {
  /** The model, trained in place. */
  model: tf.LayersModel;
  /** Training data: in memory, or streamed batches. */
  train: Dataset | BatchStream;
  /** Evaluated at each epoch end. */
  eval?: Dataset;
  /** Replaces evaluation on `eval` (e.g. streamed, or with extra metrics such as semantic top-1). */
  evaluator?: (model: tf.LayersModel) => Promise<EvalMetrics & Record<string, number>>;
  /** Replaces the softmax cross-entropy (e.g. a semantic softmax); `logits` is [B, classes]. */
  loss?: (logits: tf.Tensor, labels: Int32Array) => tf.Scalar;
  /** The stages, in order. */
  stages: Stage[];
  /** Examples per step. */
  batchSize: number;
  /** Base learning rate. */
  lr: number;
  /** The optimizer. */
  optimizer: OptimizerConfig;
  /** The learning-rate schedule (per stage). */
  schedule: Schedule;
  /** Seed of the data order and augmentation. */
  seed: number;
  /** Label smoothing of the cross-entropy (default 0). */
  labelSmoothing?: number;
  /** Clip the global gradient norm to this value (0: off). */
  clipNorm?: number;
  /** Classifier layer names (default: the last layer with weights). */
  head?: string[];
  /** Where checkpoints go (none: no checkpoints). */
  checkpointDir?: string;
  /** Also checkpoint every N steps (0: only at epoch ends). */
  checkpointEvery?: number;
  /** Log the training loss every N steps and at each epoch's last step (0: never). */
  logEvery?: number;
  /** A checkpoint to continue from. */
  resumeFrom?: CheckpointData;
  /** Where `resumeFrom` was read (named as the last good checkpoint until a newer one exists). */
  resumeFromPath?: string;
  /** Progress display. */
  progress?: Progress;
  /** Label of the progress line. */
  label?: string;
  /** Hooks (logging, checkpoints, compute, augmentation). */
  hooks?: LoopHooks;
  /** Set `interrupted` (e.g. on SIGINT) to checkpoint and stop after the current step. */
  signal?: { interrupted: boolean };
  /**
   * Evaluations per epoch (default 1: at each epoch end). With more, checks
   * fall after batches `ceil(j·batches/n)`, j = 1..n, the last at the end.
   */
  checksPerEpoch?: number;
  /** Training FLOPs per example of stage `i` (accumulated as `flops` in the state and eval entries). */
  flopsPerExample?: (stage: Stage, index: number) => number;
  /** Evaluation and checkpoints are timed on it as `eval` and `checkpoint` segments. */
  clock?: ComputeClock;
}

/** What {@link trainLoop} returns. */
export interface TrainResult {
  /** Whether all stages ran or the loop stopped on a signal. */
  status: "completed" | "interrupted";
  /** The last evaluation. */
  final?: EvalMetrics;
  /** The best evaluation (top-1). */
  best?: EvalMetrics;
  /** Steps done. */
  steps: number;
  /** Training FLOPs accumulated from `flopsPerExample` (0 without it). */
  flops?: number;
  /** Training examples seen. */
  examples: number;
  /** The loop state at the end. */
  state: LoopState;
}

/** Whether the training set is streamed. */
export function isBatchStream(d: Dataset | BatchStream): d is BatchStream {
  return typeof (d as BatchStream).batches === "function";
}

/** Checks the stages: at least one, known groups, whole epochs >= 0. @internal */
export function checkStages(stages: Stage[]): void {
  if (!Array.isArray(stages) || stages.length === 0) {
    throw new ConfigError("stages", "stages must list at least one stage");
  }
  stages.forEach((s, i) => {
    checkGroups(s.train, `stages[${i}].train`);
    if (!(Number.isInteger(s.epochs) && s.epochs >= 0)) {
      throw new ConfigError(
        `stages[${i}].epochs`,
        `epochs must be an integer >= 0, got ${s.epochs}`,
      );
    }
  });
}
