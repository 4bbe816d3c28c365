/**
 * The lenient reading of a `summary.json` that failed strict validation
 * ({@link parseSummary}), for display: every field the site shows is kept
 * if it has its type and otherwise dropped and named in `problems`; each
 * comparison row is either a valid row or a broken one saying why. So one
 * bad field or row shows as such, and the rest of the record still shows.
 *
 * @example
 * ```ts
 * import { salvageSummary } from "@quadranet/core/records";
 * const { summary, rows, problems } = salvageSummary({ task: "t", final: { top1: "x" } });
 * // summary.final is undefined; problems[0] names "final.top1"
 * ```
 * @module
 */
import { RecordError } from "../errors.ts";
import { isRunId } from "./paths.ts";
import {
  type ComparisonRow,
  type DetectionRow,
  parseComparisonRow,
  parseDetectionRow,
  RUN_STATUSES,
  type RunStatus,
  type RunSummary,
} from "./schema.ts";

/** A comparison row that could not be read, with why. */
export interface BrokenRow {
  /** Its index in `rows`. */
  index: number;
  /** Why, starting "row N: ". */
  broken: string;
}

const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A readable row of a classification or detection comparison. */
export type AnyRow = ComparisonRow | DetectionRow;

/** One row, validated: the row, or why it is broken (a run id that is not one included). */
export function rowOrBroken(raw: unknown, index: number): AnyRow | BrokenRow {
  const at = `row ${index + 1}`;
  if (!isObj(raw)) {
    return { index, broken: `${at}: not an object (${raw === null ? "null" : typeof raw})` };
  }
  const name = typeof raw.method === "string" && raw.method ? `${raw.method}: ` : "";
  try {
    if (typeof raw.AP === "number") {
      const det = parseDetectionRow(raw, "summary.json", at);
      if (det.runId !== undefined && !isRunId(det.runId)) {
        return { index, broken: `${at}: ${name}runId is not a run id` };
      }
      return det;
    }
    const row = parseComparisonRow(raw, "summary.json", at);
    for (const k of ["top1", "trainableParams", "computeSeconds"] as const) {
      if (!isNum(row[k])) return { index, broken: `${at}: ${name}${k} is not a finite number` };
    }
    if (row.runId !== undefined && !isRunId(row.runId)) {
      return { index, broken: `${at}: ${name}runId is not a run id` };
    }
    return row;
  } catch (e) {
    const detail = e instanceof RecordError ? e.detail.replace(`${at}.`, "") : String(e);
    return { index, broken: `${at}: ${name}${detail}` };
  }
}

/** Whether a row is broken. */
export function isBrokenRow(r: AnyRow | BrokenRow): r is BrokenRow {
  return "broken" in r;
}

/** The readable fields of a summary object, the rows (typed or broken) and the problems. */
export function salvageSummary(raw: Record<string, unknown>): {
  summary: Partial<RunSummary>;
  rows?: (AnyRow | BrokenRow)[];
  problems: string[];
} {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  const bad = (key: string, want: string) => problems.push(`${key} is not ${want}`);
  for (
    const k of [
      "runId",
      "task",
      "method",
      "backend",
      "startedAt",
      "updatedAt",
      "checkpoint",
      "error",
      "shift",
    ]
  ) {
    if (raw[k] === undefined || raw[k] === null) continue;
    if (typeof raw[k] === "string") out[k] = raw[k];
    else bad(k, "a string");
  }
  if (raw.status !== undefined) {
    if (RUN_STATUSES.includes(raw.status as RunStatus)) out.status = raw.status;
    else bad("status", `one of ${RUN_STATUSES.join(", ")}`);
  }
  if (raw.comparisonId !== undefined) {
    if (typeof raw.comparisonId === "string" && isRunId(raw.comparisonId)) {
      out.comparisonId = raw.comparisonId;
    } else bad("comparisonId", "a run id");
  }
  const numbers = (key: string, keys?: string[]) => {
    const v = raw[key];
    if (v === undefined || v === null) return;
    if (!isObj(v)) return void bad(key, "an object");
    const o: Record<string, number> = {};
    for (const [k, x] of Object.entries(v)) {
      if (keys && !keys.includes(k)) continue;
      if (isNum(x)) o[k] = x;
      else if (x !== null) bad(`${key}.${k}`, "a finite number");
    }
    out[key] = o;
  };
  numbers("final");
  numbers("best");
  numbers("params", ["trainable", "total"]);
  numbers("compute", ["wallSeconds", "cpuSeconds", "trainingFlops"]);
  numbers("adapter", ["trainableParams", "totalParams", "adapterParams", "extraFlopsPerExample"]);
  if (isNum(raw.steps)) out.steps = raw.steps;
  let rows: (AnyRow | BrokenRow)[] | undefined;
  if (raw.rows !== undefined) {
    if (Array.isArray(raw.rows)) rows = raw.rows.map(rowOrBroken);
    else {
      bad("rows", "a list");
      rows = [{ index: 0, broken: "rows is not a list" }];
    }
  }
  return { summary: out as Partial<RunSummary>, rows, problems };
}
