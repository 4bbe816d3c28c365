/**
 * Validating readers of run records: one file at a time
 * ({@link readSummary}, {@link readConfig}, {@link readMetrics}) and whole
 * run folders as the site sees them ({@link readRunFolder},
 * {@link readRunFolders}): a broken record is reported with why, never thrown.
 *
 * @example
 * ```ts
 * import { readRunFolders } from "@quadranet/core/records";
 * const runs = await readRunFolders("runs");
 * for (const r of runs) console.log(r.id, r.error ?? r.summary.status);
 * ```
 * @module
 */
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { RecordError } from "../errors.ts";
import { isRunId, runPaths } from "./paths.ts";
import {
  type MetricsLine,
  parseConfig,
  parseMetricsLine,
  parseSummary,
  type RunConfig,
  type RunSummary,
} from "./schema.ts";

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "missing" : "unreadable";
    throw new RecordError(path, "file", `the file is ${why}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new RecordError(path, "file", `malformed JSON (${(e as Error).message})`);
  }
}

/** Reads and validates a `summary.json`; throws {@link RecordError} naming the file. */
export async function readSummary(path: string): Promise<RunSummary> {
  return parseSummary(await readJson(path), path);
}

/** Reads and validates a `config.json`. */
export async function readConfig(path: string): Promise<RunConfig> {
  return parseConfig(await readJson(path), path);
}

/** A `metrics.jsonl`'s lines; `badLines` counts the ones that did not parse (torn or foreign). */
export interface MetricsRead {
  /** The valid lines, in file order. */
  lines: MetricsLine[];
  /** Lines that were not valid metrics lines. */
  badLines: number;
}

/** Reads a `metrics.jsonl` (a missing file reads as empty). */
export async function readMetrics(path: string): Promise<MetricsRead> {
  let text = "";
  try {
    text = await Deno.readTextFile(path);
  } catch { /* no metrics yet */ }
  const out: MetricsRead = { lines: [], badLines: 0 };
  for (const l of text.split("\n")) {
    if (!l.trim()) continue;
    const m = parseMetricsLine(l);
    if (m) out.lines.push(m);
    else out.badLines++;
  }
  return out;
}

/** One run folder as read for display: whatever is readable, and why the rest is not. */
export interface RunFolder {
  /** The run id. */
  id: string;
  /** Set when summary.json is missing, unreadable or malformed. */
  error?: string;
  /** The summary (empty when {@link RunFolder.error} is set). */
  summary: Partial<RunSummary>;
  /** The config, when readable. */
  config?: RunConfig;
  /** Parsed metrics lines. */
  metrics: MetricsLine[];
  /** Metrics lines that did not parse. */
  badLines: number;
  /** Whether this is a comparison record (has rows). */
  isComparison: boolean;
  /** A comparison's report.md. */
  report?: string;
  /** A detection run's `preview.svg` (tasks/coco) as a data URL, shown as an image. */
  preview?: string;
}

// "summary.json is malformed JSON (...)", "summary.json: status must be ..."
function why(e: unknown): string {
  if (!(e instanceof RecordError)) return String(e);
  const name = basename(e.file);
  return e.field === "file"
    ? `${name} is ${e.detail.replace(/^the file is /, "")}`
    : `${name}: ${e.detail}`;
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** Reads run `id` under `runsDir`; `undefined` when `id` is not a run id or no such folder exists. */
export async function readRunFolder(runsDir: string, id: string): Promise<RunFolder | undefined> {
  if (!isRunId(id)) return undefined;
  const p = runPaths(runsDir, id);
  if (!existsSync(p.dir) || !Deno.statSync(p.dir).isDirectory) return undefined;
  const view: RunFolder = { id, summary: {}, metrics: [], badLines: 0, isComparison: false };
  if (!existsSync(p.summary)) {
    view.error = "no summary.json (the run may be starting, or this is not a run folder)";
  } else {
    try {
      view.summary = await readSummary(p.summary);
    } catch (e) {
      view.error = why(e);
    }
  }
  view.config = await readConfig(p.config).catch(() => undefined);
  const m = await readMetrics(p.metrics);
  view.metrics = m.lines;
  view.badLines = m.badLines;
  view.isComparison = Array.isArray(view.summary.rows);
  view.report = await Deno.readTextFile(p.report).catch(() => undefined);
  const svg = await Deno.readFile(join(p.dir, "preview.svg")).catch(() => undefined);
  if (svg && svg.length <= 4 << 20) view.preview = `data:image/svg+xml;base64,${base64(svg)}`;
  return view;
}

/** Every run folder under `runsDir`, most recently updated first. */
export async function readRunFolders(runsDir: string): Promise<RunFolder[]> {
  if (!existsSync(runsDir)) return [];
  const ids = [...Deno.readDirSync(runsDir)]
    .filter((e) => e.isDirectory && isRunId(e.name))
    .map((e) => e.name);
  const runs = (await Promise.all(ids.map((id) => readRunFolder(runsDir, id))))
    .filter((r): r is RunFolder => r !== undefined);
  return runs.sort((a, b) =>
    (b.summary.updatedAt ?? "").localeCompare(a.summary.updatedAt ?? "") ||
    a.id.localeCompare(b.id)
  );
}

/** The latest completed comparison per task (`runs` newest first). */
export function latestComparisons(runs: RunFolder[]): RunFolder[] {
  const byTask = new Map<string, RunFolder>();
  for (const r of runs) {
    if (!r.isComparison || r.error) continue;
    const task = r.summary.task ?? "?";
    if (!byTask.has(task)) byTask.set(task, r);
  }
  return [...byTask.values()];
}
