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
import { parseProtocolRow, type ProtocolRow } from "./protocol_schema.ts";
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

/** A readable row of a classification, detection or protocol comparison. */
export type AnyRow = ComparisonRow | DetectionRow | ProtocolRow;

/** Whether a readable row is a protocol row (statistics over seeds, `runIds`). */
export function isProtocolRow(row: AnyRow): row is ProtocolRow {
  return Array.isArray((row as ProtocolRow).runIds);
}

/**
 * One row, validated: the row, or why it is broken (a run id that is not one
 * included). `protocol`: the row belongs to a protocol comparison
 * (`summary.protocol`); a row with `runIds` is read as one in any case.
 */
export function rowOrBroken(raw: unknown, index: number, protocol = false): AnyRow | BrokenRow {
  const at = `row ${index + 1}`;
  if (!isObj(raw)) {
    return { index, broken: `${at}: not an object (${raw === null ? "null" : typeof raw})` };
  }
  const name = typeof raw.method === "string" && raw.method ? `${raw.method}: ` : "";
  try {
    if (protocol || Array.isArray(raw.runIds)) {
      const row = parseProtocolRow(raw, "summary.json", at);
      for (const k of ["trainableParams", "inferenceFlops"] as const) {
        if (!isNum(row[k])) return { index, broken: `${at}: ${name}${k} is not a finite number` };
      }
      for (const k of ["test", "validation", "budgetFlops", "budgetSeconds"] as const) {
        if (!isNum(row[k].n)) {
          return { index, broken: `${at}: ${name}${k}.n is not a finite number` };
        }
      }
      if (!row.runIds.every((id) => typeof id === "string" && isRunId(id))) {
        return { index, broken: `${at}: ${name}runIds holds something that is not a run id` };
      }
      return row;
    }
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
      "pairedWith",
      "targetNote",
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
  numbers("compute", [
    "wallSeconds",
    "cpuSeconds",
    "trainingFlops",
    "evalSeconds",
    "checkpointSeconds",
  ]);
  numbers("adapter", ["trainableParams", "totalParams", "adapterParams", "extraFlopsPerExample"]);
  numbers("validation");
  if (raw.finalOn !== undefined) {
    if (raw.finalOn === "test") out.finalOn = "test";
    else bad("finalOn", `"test"`);
  }
  if (isNum(raw.steps)) out.steps = raw.steps;
  // a protocol comparison: its marker and the fields its table shows
  const protocol = raw.protocol !== undefined && raw.protocol !== null;
  if (protocol) {
    if (isNum(raw.protocol)) out.protocol = raw.protocol;
    else bad("protocol", "a number");
    if (Array.isArray(raw.seeds) && raw.seeds.every(isNum)) out.seeds = raw.seeds;
    else if (raw.seeds !== undefined) bad("seeds", "a list of numbers");
    const t = raw.target;
    const perSeedOk = (v: unknown) => v === undefined || (Array.isArray(v) && v.every(isNum));
    if (t === null || (isObj(t) && isObj(t.rule) && perSeedOk(t.perSeed))) {
      out.target = raw.target;
    } else if (t !== undefined) {
      bad("target", "an object with a rule (and numeric perSeed), or null");
    }
    if (isObj(raw.pretrain) && isNum(raw.pretrain.flops) && isNum(raw.pretrain.top1)) {
      out.pretrain = raw.pretrain;
    } else if (raw.pretrain !== undefined) bad("pretrain", "an object with flops and top1");
  }
  let rows: (AnyRow | BrokenRow)[] | undefined;
  if (raw.rows !== undefined) {
    if (Array.isArray(raw.rows)) rows = raw.rows.map((r, i) => rowOrBroken(r, i, protocol));
    else {
      bad("rows", "a list");
      rows = [{ index: 0, broken: "rows is not a list" }];
    }
  }
  return { summary: out as Partial<RunSummary>, rows, problems };
}
