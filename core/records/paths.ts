/**
 * Run ids and run-folder paths: the one place that knows how a run's files
 * are laid out under `runs/` (ARCHITECTURE.md §2).
 *
 * @example
 * ```ts
 * import { runPaths } from "@quadranet/core/records";
 * const p = runPaths("runs", "digits-shift-solarize-s1-20261127-100000");
 * console.log(p.summary); // runs/digits-shift-solarize-s1-20261127-100000/summary.json
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../errors.ts";

/** Letters, digits, `.`, `_` and `-`, starting with a letter or digit, at most 128. */
export const RUN_ID_PATTERN: RegExp = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Whether `id` is a safe run id (no path separators, no `..`). */
export function isRunId(id: string): boolean {
  return RUN_ID_PATTERN.test(id) && !id.includes("..");
}

/** Returns `id` if it is a safe run id; throws {@link ConfigError} (field `runId`) otherwise. */
export function checkRunId(id: string): string {
  if (!isRunId(id)) {
    throw new ConfigError(
      "runId",
      `Run id "${id}" is not allowed; use letters, digits, ".", "_" and "-" (max 128, no "..")`,
    );
  }
  return id;
}

/** The files of one run folder. */
export interface RunPaths {
  /** `runs/<id>/` */
  dir: string;
  /** The resolved config. */
  config: string;
  /** One JSON object per logged step or evaluation. */
  metrics: string;
  /** Final metrics, compute, status. */
  summary: string;
  /** A comparison's Markdown report. */
  report: string;
  /** Training checkpoints. */
  checkpoints: string;
}

/** The paths of run `id` under `runsDir` (the id is checked). */
export function runPaths(runsDir: string, id: string): RunPaths {
  const dir = join(runsDir, checkRunId(id));
  return {
    dir,
    config: join(dir, "config.json"),
    metrics: join(dir, "metrics.jsonl"),
    summary: join(dir, "summary.json"),
    report: join(dir, "report.md"),
    checkpoints: join(dir, "checkpoints"),
  };
}

/** Time stamp for run ids: `20261127-100000` (UTC). */
export function runStamp(date: Date = new Date()): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** Whether run `id` exists under `runsDir` (its `summary.json` is there). */
export function runExists(runsDir: string, id: string): boolean {
  return existsSync(runPaths(runsDir, id).summary);
}
