/**
 * A run being written (ARCHITECTURE.md §2): `runs/<run-id>/config.json`,
 * `metrics.jsonl`, `summary.json` and `checkpoints/`, every file written
 * atomically through the records module, `summary.json` updated as the run
 * goes and validated before each write.
 *
 * @example
 * ```ts
 * import { RunRecord } from "@quadranet/core";
 * const rec = await RunRecord.create("runs", "my-run-1", { lr: 0.01 }, {
 *   task: "my-task",
 *   method: "quadratic",
 *   backend: "cpu",
 * });
 * await rec.log({ step: 10, loss: 0.5 });
 * await rec.update({ status: "completed" });
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { CheckpointError, ConfigError } from "../errors.ts";
import { machine, versions } from "./environment.ts";
import { type RunPaths, runPaths } from "./paths.ts";
import { readConfig, readMetrics, readSummary } from "./read.ts";
import {
  type MetricsLine,
  type RunConfig,
  type RunSummary,
  SUMMARY_SCHEMA_VERSION,
} from "./schema.ts";
import { writeConfig, writeMetrics, writeSummary } from "./write.ts";

/** A run's folder and its files, open for writing. */
export class RunRecord {
  #metrics: MetricsLine[] = [];
  #summary: RunSummary;

  private constructor(readonly paths: RunPaths, summary: RunSummary) {
    this.#summary = summary;
  }

  /** The run's folder. */
  get dir(): string {
    return this.paths.dir;
  }

  /** Folder of the run's checkpoints. */
  get checkpoints(): string {
    return this.paths.checkpoints;
  }

  /** The summary as last written. */
  get summary(): RunSummary {
    return this.#summary;
  }

  /** Starts a new run; fails if the folder already holds one. */
  static async create(
    runsDir: string,
    runId: string,
    config: RunConfig | object,
    head: { task: string; method: string; backend: string },
  ): Promise<RunRecord> {
    const paths = runPaths(runsDir, runId);
    if (existsSync(paths.summary)) {
      throw new ConfigError(
        "runId",
        `Run "${runId}" already exists in ${runsDir}; resume it with --resume ${runId} or pick another id`,
      );
    }
    await Deno.mkdir(paths.checkpoints, { recursive: true });
    const now = new Date().toISOString();
    const rec = new RunRecord(paths, {
      schemaVersion: SUMMARY_SCHEMA_VERSION,
      runId,
      ...head,
      status: "running",
      startedAt: now,
      updatedAt: now,
      versions: versions(),
      machine: machine(),
    });
    await writeConfig(paths, config);
    await writeMetrics(paths, []);
    await rec.update({});
    return rec;
  }

  /** Opens an existing run (to resume or update it); its summary is validated. */
  static async open(runsDir: string, runId: string): Promise<RunRecord> {
    const paths = runPaths(runsDir, runId);
    if (!existsSync(paths.summary)) {
      const known = existsSync(runsDir)
        ? [...Deno.readDirSync(runsDir)].filter((e) => e.isDirectory).map((e) => e.name)
        : [];
      throw new CheckpointError(
        `No run "${runId}" in ${runsDir}${
          known.length ? `; runs: ${known.slice(-10).join(", ")}` : ""
        }`,
      );
    }
    const rec = new RunRecord(paths, await readSummary(paths.summary));
    rec.#metrics = (await readMetrics(paths.metrics)).lines; // a torn last line is dropped
    return rec;
  }

  /** The run's resolved config. */
  config(): Promise<RunConfig> {
    return readConfig(this.paths.config);
  }

  /** Logged entries so far. */
  get entries(): readonly MetricsLine[] {
    return this.#metrics;
  }

  /** Drops entries logged after `step` (a resumed run redoes them). */
  async truncate(step: number): Promise<void> {
    this.#metrics = this.#metrics.filter((m) => m.step <= step);
    await writeMetrics(this.paths, this.#metrics);
  }

  /** Appends one metrics entry (stamped with the time). */
  async log(entry: MetricsLine): Promise<void> {
    this.#metrics.push({ time: new Date().toISOString(), ...entry });
    await writeMetrics(this.paths, this.#metrics);
  }

  /** Merges `patch` into the summary and writes it (a patch that breaks the schema throws). */
  async update(patch: Partial<RunSummary>): Promise<void> {
    const next = { ...this.#summary, ...patch, updatedAt: new Date().toISOString() };
    await writeSummary(this.paths, next);
    this.#summary = JSON.parse(JSON.stringify(next));
  }
}
