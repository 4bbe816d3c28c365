/**
 * Comparison-table rows of run records: a classification arm's row
 * ({@link ComparisonRow}) and a detection arm's ({@link DetectionRow}, box AP
 * as {@link BoxAp}), with their validating parsers.
 *
 * @example
 * ```ts
 * import { parseComparisonRow } from "@quadranet/core/records";
 * const row = parseComparisonRow(JSON.parse(await Deno.readTextFile("row.json")), "row.json");
 * console.log(row.method, row.top1);
 * ```
 * @module
 */
import { Check, isObj } from "./record_check.ts";

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

/** Box AP as pycocotools' COCOeval gives it, in [0, 1] (-1 where undefined). */
export interface BoxAp {
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
}

/**
 * One row of a detection comparison (tasks/coco): box AP as pycocotools' COCOeval gives it, in
 * [0, 1], -1 where undefined (no ground truth in that area range).
 */
export interface DetectionRow extends BoxAp {
  /** The arm (method) name. */
  method: string;
  /** The arm's own run. */
  runId?: string;
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
