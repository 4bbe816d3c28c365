/**
 * The run-record schema (ARCHITECTURE.md §2), defined once for core, tasks
 * and the site: `summary.json` ({@link RunSummary}), `metrics.jsonl` lines
 * ({@link MetricsLine}), comparison rows ({@link ComparisonRow}) and
 * `config.json` ({@link RunConfig}), each with a validating parser that says
 * which file and field is wrong.
 *
 * The parts live in files named for what they hold: `summary_schema.ts`,
 * `metrics_schema.ts`, `row_schema.ts` (and `protocol_schema.ts`); this
 * module holds `config.json`'s and gathers the rest.
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

export type { JsonValue } from "./record_check.ts";
export {
  type BoxAp,
  type ComparisonRow,
  type DetectionRow,
  isDetectionRow,
  parseComparisonRow,
  parseDetectionRow,
} from "./row_schema.ts";
export {
  type DataIssueCounts,
  type DetectionEvalLine,
  type EvalLine,
  type MetricsLine,
  parseMetricsLine,
  type TrainLine,
} from "./metrics_schema.ts";
export {
  type AdapterTotals,
  type Compute,
  parseSummary,
  RUN_STATUSES,
  type RunStatus,
  type RunSummary,
  type StageRecord,
  SUMMARY_SCHEMA_VERSION,
  type SunkCost,
} from "./summary_schema.ts";

/** `config.json`: the resolved config of a run, plain JSON. */
export type RunConfig = { [key: string]: JsonValue };

/** Validates a parsed `config.json` (a JSON object). */
export function parseConfig(value: unknown, where: string): RunConfig {
  if (!isObj(value)) new Check(where).fail("config", "an object", value);
  return value as RunConfig;
}
