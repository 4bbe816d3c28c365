/**
 * Typed run records (ARCHITECTURE.md §2), without TensorFlow.js: the schema
 * of `summary.json`, `metrics.jsonl`, comparison rows and `config.json`, run
 * ids and paths, validating readers and atomic writers. Core, tasks and the
 * site all read and write records through this module.
 *
 * @example
 * ```ts
 * import { latestComparisons, readRunFolders } from "@quadranet/core/records";
 * const runs = await readRunFolders("runs");
 * for (const c of latestComparisons(runs)) console.log(c.id, c.summary.rows?.length);
 * ```
 * @module
 */
export {
  type AdapterTotals,
  type BoxAp,
  type ComparisonRow,
  type Compute,
  type DataIssueCounts,
  type DetectionEvalLine,
  type DetectionRow,
  type EvalLine,
  isDetectionRow,
  type JsonValue,
  type MetricsLine,
  parseComparisonRow,
  parseConfig,
  parseDetectionRow,
  parseMetricsLine,
  parseSummary,
  RUN_STATUSES,
  type RunConfig,
  type RunStatus,
  type RunSummary,
  type StageRecord,
  SUMMARY_SCHEMA_VERSION,
  type SunkCost,
  type TrainLine,
} from "./schema.ts";
export {
  type MeanStd,
  type PairedDifference,
  parseProtocolRow,
  type ProtocolComparison,
  type ProtocolRow,
  type SeedsToTarget,
  type TargetRule,
  type Verdict,
} from "./protocol_schema.ts";
export {
  checkRunId,
  isRunId,
  RUN_ID_PATTERN,
  runExists,
  type RunPaths,
  runPaths,
  runStamp,
} from "./paths.ts";
export {
  type AnyRow,
  type BrokenRow,
  isBrokenRow,
  isProtocolRow,
  rowOrBroken,
  salvageSummary,
} from "./salvage.ts";
export {
  goodRows,
  latestComparisons,
  type MetricsRead,
  readConfig,
  readInside,
  readMetrics,
  readRunFolder,
  readRunFolders,
  readSummary,
  type RunFolder,
} from "./read.ts";
export { writeConfig, writeMetrics, writeReport, writeSummary } from "./write.ts";
export { type RowWithoutSavings, withSavings } from "./comparison.ts";

export { RecordError } from "../errors.ts";
