/**
 * Atomic writers of run-record files: every file is written to a temporary
 * file in the same folder and renamed over the target, so a reader sees the
 * old file or the new one, never a half-written record.
 *
 * @example
 * ```ts
 * import { runPaths, writeReport } from "@quadranet/core/records";
 * await writeReport(runPaths("runs", "my-comparison"), "# my comparison\n");
 * ```
 * @module
 */
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic_write.ts";
import type { RunPaths } from "./paths.ts";
import { type MetricsLine, parseSummary, type RunConfig, type RunSummary } from "./schema.ts";

/** Writes `summary.json` (validated first: a bad summary is never written). */
export function writeSummary(paths: RunPaths, summary: RunSummary): Promise<void> {
  // undefined fields vanish in JSON; validate what will be on disk
  const onDisk = JSON.parse(JSON.stringify(summary));
  parseSummary(onDisk, paths.summary);
  return writeJsonAtomic(paths.summary, onDisk);
}

/** Writes `config.json`. */
export function writeConfig(paths: RunPaths, config: RunConfig | object): Promise<void> {
  return writeJsonAtomic(paths.config, config);
}

/** Rewrites `metrics.jsonl` with `lines` (one JSON object a line). */
export function writeMetrics(paths: RunPaths, lines: readonly MetricsLine[]): Promise<void> {
  const text = lines.map((m) => JSON.stringify(m)).join("\n");
  return writeFileAtomic(paths.metrics, text ? text + "\n" : "");
}

/** Writes a comparison's `report.md`. */
export function writeReport(paths: RunPaths, markdown: string): Promise<void> {
  return writeFileAtomic(paths.report, markdown);
}
