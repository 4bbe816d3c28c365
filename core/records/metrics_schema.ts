/**
 * `metrics.jsonl` lines of run records: training steps ({@link TrainLine}),
 * evaluations ({@link EvalLine}), detection evaluations
 * ({@link DetectionEvalLine}), and the tolerant line parser.
 *
 * @example
 * ```ts
 * import { parseMetricsLine } from "@quadranet/core/records";
 * const line = parseMetricsLine('{"step": 3, "loss": 0.7}');
 * console.log(line?.step); // 3
 * ```
 * @module
 */
import { isObj } from "./record_check.ts";
import type { BoxAp } from "./row_schema.ts";

/** Files an image pipeline converted or skipped: distinct files, and counts by kind. */
export interface DataIssueCounts {
  /** Distinct files with at least one issue. */
  files: number;
  /** Skipped files by issue kind. */
  skipped: Record<string, number>;
  /** Converted files by issue kind. */
  converted: Record<string, number>;
}

/** A `metrics.jsonl` line of a training step. */
export interface TrainLine {
  /** Optimizer step. */
  step: number;
  /** ISO time written. */
  time?: string;
  /** Stage name. */
  stage?: string;
  /** Epoch within the stage, 1-based. */
  epoch?: number;
  /** Training loss. */
  loss: number;
  /** Learning rate. */
  lr?: number;
  /** Absent on training lines. */
  eval?: false;
}

/** A `metrics.jsonl` line of an evaluation. */
export interface EvalLine {
  /** Optimizer step. */
  step: number;
  /** ISO time written. */
  time?: string;
  /** Stage name. */
  stage?: string;
  /** Epoch within the stage, 1-based. */
  epoch?: number;
  /** Marks an evaluation. */
  eval: true;
  /** Top-1 accuracy in [0, 1]. */
  top1: number;
  /** Top-5 accuracy in [0, 1]. */
  top5: number;
  /** Evaluation loss. */
  evalLoss: number;
  /** Training examples seen so far. */
  examples?: number;
  /** Analytic training FLOPs so far. */
  flops?: number;
  /** Training CPU / wall seconds so far (evaluation and checkpoints excluded). */
  trainCpuSeconds?: number;
  /** Training wall seconds so far. */
  trainWallSeconds?: number;
}

/** A `metrics.jsonl` line of a detection evaluation (tasks/coco): the 12 COCO numbers. */
export interface DetectionEvalLine extends BoxAp {
  /** Optimizer step. */
  step: number;
  /** Training examples seen so far. */
  examples?: number;
  /** Analytic training FLOPs so far. */
  flops?: number;
  /** Training CPU / wall seconds so far (evaluation and checkpoints excluded). */
  trainCpuSeconds?: number;
  /** Training wall seconds so far. */
  trainWallSeconds?: number;
  /** ISO time written. */
  time?: string;
  /** tasks/coco: epochs done. */
  epoch?: number;
  /** Marks an evaluation. */
  eval: true;
  /** AR with 1 detection per image. */
  AR1: number;
  /** AR with 10 detections per image. */
  AR10: number;
  /** AR with 100 detections per image. */
  AR100: number;
  /** AR on small objects. */
  ARs: number;
  /** AR on medium objects. */
  ARm: number;
  /** AR on large objects. */
  ARl: number;
  /** Mean training loss of the epoch. */
  trainLoss?: number;
  /** Absent (detection has no top-1). */
  top1?: undefined;
  /** Absent. */
  evalLoss?: undefined;
}

/** One `metrics.jsonl` line. */
export type MetricsLine = TrainLine | EvalLine | DetectionEvalLine;

/**
 * Parses one `metrics.jsonl` line; `undefined` for a line that is not a
 * JSON object with a numeric `step` (a torn last line of a killed process).
 */
export function parseMetricsLine(line: string): MetricsLine | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isObj(v) || typeof v.step !== "number") return undefined;
  return v as unknown as MetricsLine;
}
