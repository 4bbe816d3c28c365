/**
 * `summary.json` of run records ({@link RunSummary}): status, compute
 * accounting, stages, adapter totals, comparison rows, and its validating
 * parser.
 *
 * Version history of `summary.json`: files without `schemaVersion` were
 * written before it existed with the same fields (version 1 by content) and
 * read unchanged.
 *
 * @example
 * ```ts
 * import { parseSummary } from "@quadranet/core/records";
 * const s = parseSummary(JSON.parse(await Deno.readTextFile("runs/r1/summary.json")), "runs/r1/summary.json");
 * console.log(s.status, s.final?.top1);
 * ```
 * @module
 */
import { Check, isObj, type JsonValue } from "./record_check.ts";
import { parseProtocolRow, type ProtocolComparison, type ProtocolRow } from "./protocol_schema.ts";
import {
  type ComparisonRow,
  type DetectionRow,
  parseComparisonRow,
  parseDetectionRow,
} from "./row_schema.ts";
import type { DataIssueCounts } from "./metrics_schema.ts";

/** The schema version this code writes into `summary.json`. */
export const SUMMARY_SCHEMA_VERSION = 1;

/** Status of a run. */
export type RunStatus = "running" | "completed" | "failed" | "interrupted";

/** The statuses a run can have. */
export const RUN_STATUSES: readonly RunStatus[] = ["running", "completed", "failed", "interrupted"];

/** The summary's compute accounting. */
export interface Compute {
  /** Wall-clock seconds. */
  wallSeconds: number;
  /** Process CPU seconds (user + system, all threads); of the training steps only when `evalSeconds` is set. */
  cpuSeconds: number;
  /**
   * Training FLOPs: analytic (forward, input gradients along the backward
   * path, weight gradients of trained tensors) when `evalSeconds` is set;
   * older records estimated 3× forward per example.
   */
  trainingFlops: number;
  /** CPU seconds of evaluation, not in `cpuSeconds`. */
  evalSeconds?: number;
  /** CPU seconds of checkpoint writes, not in `cpuSeconds`. */
  checkpointSeconds?: number;
}

/** Sunk cost of a shared pre-training, reported beside a comparison. */
export interface SunkCost {
  /** The pre-training run. */
  runId: string;
  /** Its process CPU seconds. */
  computeSeconds: number;
  /** Its top-1 on clean test data. */
  cleanTop1: number;
}

/** A training stage as recorded (which parameter groups trained, how long). */
export interface StageRecord {
  /** Stage name. */
  name: string;
  /** Parameter groups trained. */
  train: string[];
  /** Epochs. */
  epochs: number;
  /** Base learning rate of the stage, when not the loop's. */
  lr?: number;
}

/** An adapter's parameter and FLOP totals, as recorded. */
export interface AdapterTotals {
  /** Trainable parameters of the adapted model. */
  trainableParams: number;
  /** All parameters. */
  totalParams: number;
  /** Parameters the adapters add. */
  adapterParams: number;
  /** Inference FLOPs the adapters add per example (null when a spatial size is unknown). */
  extraFlopsPerExample: number | null;
}

/** What `summary.json` holds. */
export interface RunSummary {
  /** {@link SUMMARY_SCHEMA_VERSION} when written by this code; absent in older files. */
  schemaVersion?: number;
  /** The run id (its folder name). */
  runId: string;
  /** The task that ran it. */
  task: string;
  /** The method (arm), or `"comparison"` for a comparison record. */
  method: string;
  /** The compute backend. */
  backend: string;
  /** Where the run stands. */
  status: RunStatus;
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time of the last update. */
  updatedAt: string;
  /** Runtime and library versions. */
  versions: Record<string, string>;
  /** The machine. */
  machine: Record<string, string | number>;
  /** Final evaluation metrics. */
  final?: Record<string, number>;
  /** Best evaluation metrics. */
  best?: Record<string, number>;
  /** Trainable (in any stage) and total parameters. */
  params?: { trainable: number; total: number };
  /** Compute so far. */
  compute?: Compute;
  /** Optimizer steps done. */
  steps?: number;
  /** The latest checkpoint. */
  checkpoint?: string;
  /** Why the run failed. */
  error?: string;
  /** The training stages. */
  stages?: StageRecord[];
  /** The adapter's totals (no per-layer list). */
  adapter?: AdapterTotals;
  /** Whether the run started from a pre-trained network. */
  fromPretrained?: boolean;
  /** The comparison this run is an arm of. */
  comparisonId?: string;
  /** A comparison record's table (protocol rows when `protocol` is set). */
  rows?: ComparisonRow[] | DetectionRow[] | ProtocolRow[];
  /** Set (1) on a comparison recorded under the protocol; then the fields of {@link ProtocolComparison}. */
  protocol?: number;
  /** Protocol: the declared target and its per-seed values. */
  target?: ProtocolComparison["target"];
  /** Protocol: why there is no target. */
  targetNote?: string;
  /** Protocol: the arm every paired difference is taken against. */
  pairedWith?: string;
  /** Protocol: the replicate seeds. */
  seeds?: number[];
  /** Protocol: sunk pre-training, shown once. */
  pretrain?: ProtocolComparison["pretrain"];
  /** Metrics of the last validation check (under the protocol `final` is the test set). */
  validation?: Record<string, number>;
  /** `"test"` when `final` is a held-out test set read once at the end. */
  finalOn?: "test";
  /** Analytic training FLOPs per example of each stage. */
  trainingFlopsPerExample?: number[];
  /** Forward FLOPs per example at inference. */
  inferenceFlops?: number;
  /** Replicate seed of an arm run. */
  seed?: number;
  /** Learning rate an arm ran with. */
  lr?: number;
  /** A learning-rate search record: every grid point and the rate chosen per arm. */
  lrSearch?: {
    points: {
      arm: string;
      lr: number;
      validationTop1: number;
      flops: number;
      cpuSeconds: number;
    }[];
    chosen: Record<string, number>;
  };
  /** The learning-rate search an arm run belongs to. */
  lrSearchId?: string;
  /** A comparison record's sunk pre-training cost. */
  sunkPretrain?: SunkCost;
  /** An arm's view of its comparison (no sunk cost when the weights came from elsewhere). */
  comparison?: {
    id: string;
    row?: ComparisonRow | DetectionRow;
    table: ComparisonRow[] | DetectionRow[];
    sunkPretrain?: SunkCost;
  };
  /** digits-shift: the domain shift. */
  shift?: string;
  /** Image tasks: files the decoder converted or skipped, per split (counts by kind). */
  dataIssues?: Record<string, DataIssueCounts>;
  /** A comparison's arms that did not run, and why. */
  skipped?: { method: string; reason: string }[];
  /** An image task's comparison: what data it read (root, layout, classes, images, issues). */
  data?: { [key: string]: JsonValue };
  /** tasks/coco: the detection head, the dataset, the epochs done. */
  head?: string;
  /** tasks/coco: the dataset it ran on. */
  dataset?: string;
  /** tasks/coco: epochs done. */
  epoch?: number;
  /** tasks/coco: the comparison's headline metric ("AP"). */
  metric?: string;
  /** tasks/coco: AP per category (-1: no ground truth) and pycocotools' 12 summary lines. */
  perCategoryAp?: { id: number; name: string; ap: number }[];
  /** tasks/coco: the 12 lines pycocotools' summarize() prints. */
  cocoSummary?: string[];
}

/**
 * Validates a parsed `summary.json`; throws {@link RecordError} naming the
 * file and the field. Unknown fields are kept as they are.
 */
export function parseSummary(value: unknown, where: string): RunSummary {
  const c: Check = new Check(where);
  if (!isObj(value)) c.fail("summary", "an object", value);
  for (const k of ["runId", "task", "method", "backend", "startedAt", "updatedAt"]) c.str(value, k);
  if (!RUN_STATUSES.includes(value.status as RunStatus)) {
    c.fail("status", `one of ${RUN_STATUSES.join(", ")}`, value.status);
  }
  c.obj(value, "versions");
  c.obj(value, "machine");
  c.num(value, "schemaVersion", true);
  if (typeof value.schemaVersion === "number" && value.schemaVersion > SUMMARY_SCHEMA_VERSION) {
    c.fail(
      "schemaVersion",
      `at most ${SUMMARY_SCHEMA_VERSION} (update QuadraNet-TS)`,
      value.schemaVersion,
    );
  }
  c.numbers(value, "final");
  c.numbers(value, "best");
  c.numbers(value, "params");
  c.numbers(value, "compute");
  c.num(value, "steps", true);
  for (const k of ["checkpoint", "error", "comparisonId", "shift"]) c.str(value, k, true);
  c.numbers(value, "validation");
  if (value.rows !== undefined) {
    if (!Array.isArray(value.rows)) c.fail("rows", "an array", value.rows);
    value.rows.forEach((r, i) =>
      value.protocol
        ? parseProtocolRow(r, where, `rows[${i}]`)
        : isObj(r) && typeof r.AP === "number"
        ? parseDetectionRow(r, where, `rows[${i}]`)
        : parseComparisonRow(r, where, `rows[${i}]`)
    );
  }
  return value as unknown as RunSummary;
}
