/**
 * Run records (ARCHITECTURE.md §2): `runs/<run-id>/config.json`,
 * `metrics.jsonl`, `summary.json` and `checkpoints/`, every file written
 * atomically, `summary.json` updated as the run goes.
 *
 * @example
 * ```ts
 * const rec = await RunRecord.create("runs", "digits-quadratic-1", config, { task: "digits-shift", method: "quadratic", backend: "blas" });
 * await rec.log({ step: 10, loss: 0.5 });
 * await rec.update({ status: "completed" });
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../io/atomic_write.ts";
import { CheckpointError, ConfigError } from "../errors.ts";
import { tf } from "../tf.ts";

/** Status of a run. */
export type RunStatus = "running" | "completed" | "failed" | "interrupted";

/** The summary's compute accounting. */
export interface Compute {
  wallSeconds: number;
  /** Process CPU seconds (user + system, all threads). */
  cpuSeconds: number;
  /** Estimated training FLOPs (3× forward per example seen). */
  trainingFlops: number;
}

/** What `summary.json` holds (tasks may add fields). */
export interface RunSummary {
  runId: string;
  task: string;
  method: string;
  backend: string;
  status: RunStatus;
  startedAt: string;
  updatedAt: string;
  final?: Record<string, number>;
  best?: Record<string, number>;
  params?: { trainable: number; total: number };
  compute?: Compute;
  versions: Record<string, string>;
  machine: Record<string, string | number>;
  error?: string;
  [key: string]: unknown;
}

/** Versions of the runtime and libraries, for the record. */
export function versions(): Record<string, string> {
  return {
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    tfjs: tf.version_core,
    quadranet: "0.1.0",
  };
}

/** What machine ran it. */
export function machine(): Record<string, string | number> {
  const cpus = os.cpus();
  return {
    os: `${Deno.build.os} ${os.release()}`,
    arch: Deno.build.arch,
    cpu: cpus[0]?.model ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  };
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Throws unless `id` is a safe run id (letters, digits, `.`, `_`, `-`). */
export function checkRunId(id: string): string {
  if (!RUN_ID.test(id)) {
    throw new ConfigError(
      "runId",
      `Run id "${id}" is not allowed; use letters, digits, ".", "_" and "-" (max 128)`,
    );
  }
  return id;
}

/** A run's folder and its files. */
export class RunRecord {
  private metrics: Record<string, unknown>[] = [];

  private constructor(readonly dir: string, public summary: RunSummary) {}

  /** Folder of the run's checkpoints. */
  get checkpoints(): string {
    return join(this.dir, "checkpoints");
  }

  /** Starts a new run; fails if the folder already holds one. */
  static async create(
    runsDir: string,
    runId: string,
    config: unknown,
    head: { task: string; method: string; backend: string },
  ): Promise<RunRecord> {
    const dir = join(runsDir, checkRunId(runId));
    if (existsSync(join(dir, "summary.json"))) {
      throw new ConfigError(
        "runId",
        `Run "${runId}" already exists in ${runsDir}; resume it with --resume ${runId} or pick another id`,
      );
    }
    await Deno.mkdir(join(dir, "checkpoints"), { recursive: true });
    const now = new Date().toISOString();
    const rec = new RunRecord(dir, {
      runId,
      ...head,
      status: "running",
      startedAt: now,
      updatedAt: now,
      versions: versions(),
      machine: machine(),
    });
    await writeJsonAtomic(join(dir, "config.json"), config);
    await writeFileAtomic(join(dir, "metrics.jsonl"), "");
    await rec.update({});
    return rec;
  }

  /** Opens an existing run (to resume it). */
  static async open(runsDir: string, runId: string): Promise<RunRecord> {
    const dir = join(runsDir, checkRunId(runId));
    if (!existsSync(join(dir, "summary.json"))) {
      const known = existsSync(runsDir)
        ? [...Deno.readDirSync(runsDir)].filter((e) => e.isDirectory).map((e) => e.name)
        : [];
      throw new CheckpointError(
        `No run "${runId}" in ${runsDir}${
          known.length ? `; runs: ${known.slice(-10).join(", ")}` : ""
        }`,
      );
    }
    const summary = JSON.parse(await Deno.readTextFile(join(dir, "summary.json")));
    const rec = new RunRecord(dir, summary);
    const text = await Deno.readTextFile(join(dir, "metrics.jsonl")).catch(() => "");
    rec.metrics = text.split("\n").filter((l) => l.trim()).flatMap((l) => {
      try {
        return [JSON.parse(l)];
      } catch {
        return []; // a torn last line from a killed process
      }
    });
    return rec;
  }

  /** The run's resolved config. */
  async config<T>(): Promise<T> {
    return JSON.parse(await Deno.readTextFile(join(this.dir, "config.json")));
  }

  /** Logged entries so far. */
  get entries(): readonly Record<string, unknown>[] {
    return this.metrics;
  }

  /** Drops entries logged after `step` (a resumed run redoes them). */
  async truncate(step: number): Promise<void> {
    this.metrics = this.metrics.filter((m) => (m.step as number) <= step);
    await this.flush();
  }

  /** Appends one metrics entry. */
  async log(entry: Record<string, unknown>): Promise<void> {
    this.metrics.push({ time: new Date().toISOString(), ...entry });
    await this.flush();
  }

  private async flush(): Promise<void> {
    const text = this.metrics.map((m) => JSON.stringify(m)).join("\n");
    await writeFileAtomic(join(this.dir, "metrics.jsonl"), text ? text + "\n" : "");
  }

  /** Merges `patch` into the summary and writes it. */
  async update(patch: Partial<RunSummary>): Promise<void> {
    this.summary = { ...this.summary, ...patch, updatedAt: new Date().toISOString() };
    await writeJsonAtomic(join(this.dir, "summary.json"), this.summary);
  }
}
