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
import { join } from "node:path";
import {
  type AnyRow,
  type BrokenRow,
  isBrokenRow,
  rowOrBroken,
  salvageSummary,
} from "./salvage.ts";
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
  /** Set when summary.json is missing, unreadable, not an object, or a symbolic link. */
  error?: string;
  /**
   * Fields of summary.json (or files) that could not be read; they are left
   * out of `summary`, the rest shows.
   */
  problems: string[];
  /** The summary (empty when {@link RunFolder.error} is set). */
  summary: Partial<RunSummary>;
  /** The summary object as read (for showing the file itself). */
  raw?: Record<string, unknown>;
  /** A comparison's rows, each valid or broken (set when summary.json has `rows`). */
  rows?: (AnyRow | BrokenRow)[];
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

/** Thrown by {@link readInside} for anything but a plain file. */
class NotPlainFile extends Error {}

/**
 * Reads a plain file, never through a symbolic link (the site shows only
 * what lies inside `runs/`): the opened file must be the one `lstat` saw
 * (same device and inode), so a link swapped in between is refused too.
 * Undefined when the file does not exist.
 */
export async function readInside(path: string): Promise<string | undefined> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  if (info.isSymlink) throw new NotPlainFile("a symbolic link (not followed)");
  if (!info.isFile) throw new NotPlainFile("not a plain file");
  const f = await Deno.open(path);
  try {
    const opened = await f.stat();
    if (opened.ino !== info.ino || opened.dev !== info.dev) {
      throw new NotPlainFile("replaced while being read");
    }
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(1 << 16);
    for (let n; (n = await f.read(buf)) !== null;) chunks.push(buf.slice(0, n));
    const all = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
    chunks.reduce((at, c) => (all.set(c, at), at + c.length), 0);
    return new TextDecoder().decode(all);
  } finally {
    f.close();
  }
}

function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

const readFailure = (e: unknown) => e instanceof NotPlainFile ? e.message : "unreadable";

/**
 * Reads run `id` under `runsDir` for display; `undefined` when `id` is not a
 * run id or no such folder exists. A symbolic link (folder or file) is
 * reported, never followed; a summary with bad fields or rows shows the rest.
 */
export async function readRunFolder(runsDir: string, id: string): Promise<RunFolder | undefined> {
  if (!isRunId(id)) return undefined;
  const p = runPaths(runsDir, id);
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(p.dir);
  } catch {
    return undefined;
  }
  const view: RunFolder = {
    id,
    problems: [],
    summary: {},
    metrics: [],
    badLines: 0,
    isComparison: false,
  };
  if (info.isSymlink) {
    view.error = "a symbolic link (not followed: runs/ only)";
    return view;
  }
  if (!info.isDirectory) return undefined;
  let text: string | undefined;
  try {
    text = await readInside(p.summary);
    if (text === undefined) {
      view.error = "no summary.json (the run may be starting, or this is not a run folder)";
    }
  } catch (e) {
    view.error = `summary.json is ${readFailure(e)}`;
  }
  if (text !== undefined) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      view.error = `summary.json is malformed JSON (${(e as Error).message})`;
    }
    if (!view.error && (typeof value !== "object" || value === null || Array.isArray(value))) {
      view.error = "summary.json is not an object";
    } else if (!view.error) {
      const raw = value as Record<string, unknown>;
      view.raw = raw;
      try {
        view.summary = parseSummary(raw, p.summary);
        const protocol = view.summary.protocol !== undefined;
        view.rows = (view.summary.rows as unknown[] | undefined)?.map((r, i) =>
          rowOrBroken(r, i, protocol)
        );
      } catch {
        const salvaged = salvageSummary(raw);
        view.summary = salvaged.summary;
        view.rows = salvaged.rows;
        view.problems.push(...salvaged.problems);
      }
    }
  }
  try {
    const c = await readInside(p.config);
    if (c !== undefined) view.config = parseConfig(JSON.parse(c), p.config);
  } catch (e) {
    view.problems.push(
      e instanceof NotPlainFile ? `config.json is ${e.message}` : "config.json is unreadable",
    );
  }
  try {
    for (const l of (await readInside(p.metrics) ?? "").split("\n")) {
      if (!l.trim()) continue;
      const m = parseMetricsLine(l);
      if (m) view.metrics.push(m);
      else view.badLines++;
    }
  } catch (e) {
    view.problems.push(`metrics.jsonl is ${readFailure(e)}`);
  }
  view.isComparison = view.rows !== undefined;
  try {
    view.report = await readInside(p.report);
  } catch (e) {
    view.problems.push(`report.md is ${readFailure(e)}`);
  }
  try {
    const svg = await readInside(join(p.dir, "preview.svg"));
    if (svg !== undefined && svg.length <= 4 << 20) {
      view.preview = `data:image/svg+xml;base64,${base64(new TextEncoder().encode(svg))}`;
    }
  } catch (e) {
    view.problems.push(`preview.svg is ${readFailure(e)}`);
  }
  return view;
}

/** Every run folder under `runsDir` (links listed as broken), most recently updated first. */
export async function readRunFolders(runsDir: string): Promise<RunFolder[]> {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(runsDir)];
  } catch {
    return [];
  }
  const ids = entries.filter((e) => (e.isDirectory || e.isSymlink) && isRunId(e.name))
    .map((e) => e.name);
  const runs = (await Promise.all(ids.map((id) => readRunFolder(runsDir, id))))
    .filter((r): r is RunFolder => r !== undefined);
  return runs.sort((a, b) =>
    (b.summary.updatedAt ?? "").localeCompare(a.summary.updatedAt ?? "") ||
    a.id.localeCompare(b.id)
  );
}

/** A comparison's readable rows. */
export function goodRows(run: RunFolder): AnyRow[] {
  return (run.rows ?? []).filter((r): r is AnyRow => !isBrokenRow(r));
}

/**
 * The comparisons the overview shows, per task (`runs` newest first): the
 * newest one, and any older one with more readable rows than every newer one
 * shown, so a later partial run never hides a fuller comparison.
 */
export function latestComparisons(runs: RunFolder[]): RunFolder[] {
  const most = new Map<string, number>();
  const out: RunFolder[] = [];
  for (const r of runs) {
    if (!r.isComparison || r.error) continue;
    const task = r.summary.task ?? "?";
    const n = goodRows(r).length;
    if (most.has(task) && n <= most.get(task)!) continue;
    most.set(task, Math.max(n, most.get(task) ?? 0));
    out.push(r);
  }
  return out;
}
