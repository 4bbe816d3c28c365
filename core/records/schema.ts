/**
 * The run-record schema (ARCHITECTURE.md §2), defined once for core, tasks
 * and the site: `summary.json` ({@link RunSummary}), `metrics.jsonl` lines
 * ({@link MetricsLine}), comparison rows ({@link ComparisonRow}) and
 * `config.json` ({@link RunConfig}), each with a validating parser that says
 * which file and field is wrong.
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
import { RecordError } from "../errors.ts";
import { parseProtocolRow, type ProtocolComparison, type ProtocolRow } from "./protocol_schema.ts";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | {
  [key: string]: JsonValue;
};

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

/** One row of a comparison table (one arm). */
export interface ComparisonRow {
  /** The arm (method) name. */
  method: string;
  /** The arm's own run. */
  runId?: string;
  /** Top-1 accuracy in [0, 1]. */
  top1: number;
  /** Top-5 accuracy in [0, 1]. */
  top5: number;
  /** Parameters trained in any stage. */
  trainableParams: number;
  /** Process CPU seconds. */
  computeSeconds: number;
  /** Wall-clock seconds. */
  wallSeconds: number;
  /** Estimated training FLOPs. */
  trainingFlops: number;
  /** Compute / compute of the reference arm (null when that arm did not run). */
  relativeCompute: number | null;
  /** 1 − relativeCompute, in percent. */
  savingsPercent: number | null;
}

/**
 * One row of a detection comparison (tasks/coco): box AP as pycocotools' COCOeval gives it, in
 * [0, 1], -1 where undefined (no ground truth in that area range).
 */
export interface DetectionRow {
  /** The arm (method) name. */
  method: string;
  /** The arm's own run. */
  runId?: string;
  /** AP@[.50:.95], AP50, AP75 and AP by area (small, medium, large). */
  AP: number;
  /** AP at IoU .50. */
  AP50: number;
  /** AP at IoU .75. */
  AP75: number;
  /** AP on small objects (area < 32²). */
  APs: number;
  /** AP on medium objects (32² to 96²). */
  APm: number;
  /** AP on large objects (area > 96²). */
  APl: number;
  /** AR with 100 detections per image. */
  AR100?: number;
  /** Parameters trained. */
  trainableParams: number;
  /** Process CPU seconds (training only). */
  computeSeconds: number;
  /** Wall-clock seconds. */
  wallSeconds: number;
  /** Estimated training FLOPs. */
  trainingFlops: number;
  /** Compute / compute of the reference arm (null when that arm did not run). */
  relativeCompute: number | null;
}

/** Whether a parsed row is a detection row. */
export function isDetectionRow(row: ComparisonRow | DetectionRow): row is DetectionRow {
  return typeof (row as DetectionRow).AP === "number";
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
export interface DetectionEvalLine {
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
  /** AP@[.50:.95], all areas, 100 detections. */
  AP: number;
  /** AP at IoU .50. */
  AP50: number;
  /** AP at IoU .75. */
  AP75: number;
  /** AP on small objects (area < 32²). */
  APs: number;
  /** AP on medium objects (32² to 96²). */
  APm: number;
  /** AP on large objects (area > 96²). */
  APl: number;
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

/** `config.json`: the resolved config of a run, plain JSON. */
export type RunConfig = { [key: string]: JsonValue };

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

class Check {
  constructor(readonly where: string) {}
  fail(field: string, want: string, got: unknown): never {
    const shown = got === undefined ? "missing" : JSON.stringify(got)?.slice(0, 60);
    throw new RecordError(this.where, field, `${field} must be ${want} (got ${shown})`);
  }
  str(o: Obj, k: string, optional = false): void {
    if (optional && o[k] === undefined) return;
    if (typeof o[k] !== "string") this.fail(k, "a string", o[k]);
  }
  num(o: Obj, k: string, optional = false, nullable = false, prefix = ""): void {
    if (optional && o[k] === undefined) return;
    if (nullable && o[k] === null) return;
    if (typeof o[k] !== "number") this.fail(prefix + k, "a number", o[k]);
  }
  obj(o: Obj, k: string, optional = false): void {
    if (optional && o[k] === undefined) return;
    if (!isObj(o[k])) this.fail(k, "an object", o[k]);
  }
  numbers(o: Obj, k: string): void {
    if (o[k] === undefined) return;
    this.obj(o, k);
    for (const [n, v] of Object.entries(o[k] as Obj)) {
      if (typeof v !== "number" && v !== null) this.fail(`${k}.${n}`, "a number", v);
    }
  }
}

/** Validates one comparison row (`where` names the file for the error). */
export function parseComparisonRow(value: unknown, where: string, field = "row"): ComparisonRow {
  const c: Check = new Check(where);
  if (!isObj(value)) c.fail(field, "an object", value);
  c.str(value, "method");
  c.str(value, "runId", true);
  for (const k of ["top1", "top5", "trainableParams", "computeSeconds", "wallSeconds"]) {
    c.num(value, k, false, false, `${field}.`);
  }
  c.num(value, "trainingFlops", false, false, `${field}.`);
  c.num(value, "relativeCompute", false, true, `${field}.`);
  c.num(value, "savingsPercent", false, true, `${field}.`);
  return value as unknown as ComparisonRow;
}

/** Validates one detection row (`where` names the file for the error). */
export function parseDetectionRow(value: unknown, where: string, field = "row"): DetectionRow {
  const c: Check = new Check(where);
  if (!isObj(value)) c.fail(field, "an object", value);
  c.str(value, "method");
  c.str(value, "runId", true);
  for (
    const k of ["AP", "AP50", "AP75", "APs", "APm", "APl", "trainableParams", "computeSeconds"]
  ) {
    c.num(value, k, false, false, `${field}.`);
  }
  c.num(value, "wallSeconds", false, false, `${field}.`);
  c.num(value, "trainingFlops", false, false, `${field}.`);
  c.num(value, "relativeCompute", false, true, `${field}.`);
  return value as unknown as DetectionRow;
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

/** Validates a parsed `config.json` (a JSON object). */
export function parseConfig(value: unknown, where: string): RunConfig {
  if (!isObj(value)) new Check(where).fail("config", "an object", value);
  return value as RunConfig;
}
